package symbolize

import (
	"debug/elf"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/flametop/flametop/profile"
)

// The Go runtime is the reference for its own tables: every few bytes of
// this test binary's Go code must be named, inlined calls expanded, exactly
// as runtime.CallersFrames names them.
func TestGoMatchesRuntime(t *testing.T) {
	o := openObject(t, "/proc/self/exe")
	f, err := elf.Open("/proc/self/exe")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	text := f.Section(".text")
	bias := uint64(0)
	if f.Type == elf.ET_DYN { // a PIE test binary: where did it load?
		exe, _ := os.Readlink("/proc/self/exe")
		maps, _ := os.ReadFile("/proc/self/maps")
		for _, m := range parseMaps(maps) {
			if m.path == exe && m.offset == 0 {
				bias = m.start - o.loads[0].Vaddr&^0xfff
				break
			}
		}
	}
	checked, inlined, bad := 0, 0, 0
	for pc := text.Addr; pc < text.Addr+text.Size; pc += 23 {
		want := runtimeFrames(uintptr(pc + bias))
		if want == "" {
			continue // not Go code, or pc+1 starts a function
		}
		got := o.goTab.frames(pc)
		checked++
		if len(got) > 1 {
			inlined++
		}
		if g := printedFrames(got); g != want {
			if bad++; bad <= 10 {
				t.Errorf("%#x:\n got %s\nwant %s", pc, g, want)
			}
		}
	}
	if checked < 10000 || inlined < 1000 {
		t.Errorf("only %d addresses checked, %d with inlined calls", checked, inlined)
	}
}

// runtimeFrames is how the runtime names the code at pc (given as a return
// address, pc+1, as runtime.Callers gives them; the trailing 0 lets the
// runtime insert the outer frames of inlined calls).
func runtimeFrames(pc uintptr) string {
	fr := runtime.CallersFrames([]uintptr{pc + 1, 0})
	var parts []string
	for {
		x, more := fr.Next()
		if x.Function == "" || x.Entry == pc+1 || strings.HasSuffix(x.File, "?") {
			return "" // cgo code the runtime cannot name, or another function's entry
		}
		parts = append(parts, fmt.Sprintf("%s@%s:%d", x.Function, x.File, x.Line))
		if !more {
			return strings.Join(parts, " < ")
		}
	}
}

// printedFrames shapes our lines as runtimeFrames does: the runtime prints
// generic type arguments as [...].
func printedFrames(ls []profile.Line) string {
	var parts []string
	for _, l := range ls {
		parts = append(parts, fmt.Sprintf("%s@%s:%d", elideTypeArgs(l.Function), l.File, l.Line))
	}
	return strings.Join(parts, " < ")
}

func elideTypeArgs(name string) string {
	i := strings.IndexByte(name, '[')
	j := strings.LastIndexByte(name, ']')
	if i < 0 || j < i {
		return name
	}
	return name[:i] + "[...]" + name[j+1:]
}
