package symbolize

import (
	"bufio"
	"bytes"
	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/flametop/flametop/profile"
)

// goBuild builds testdata/<src> as a one-file module with extra go build
// flags and returns the binary's path.
func goBuild(t *testing.T, src, name string, flags ...string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "src")
	os.Mkdir(dir, 0o755)
	data, err := os.ReadFile(filepath.Join("testdata", src))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "main.go"), data, 0o644)
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module gomain\n\ngo 1.22\n"), 0o644)
	out := filepath.Join(filepath.Dir(dir), name)
	cmd := exec.Command("go", append(append([]string{"build"}, flags...), "-o", out, ".")...)
	cmd.Dir = dir
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %v: %v\n%s", flags, err, b)
	}
	return out
}

// Go binaries are named from .gopclntab, with files and lines, even when
// built with -ldflags=-s -w.
func TestGoPclntab(t *testing.T) {
	full := goBuild(t, "gomain.go.txt", "full")
	stripped := goBuild(t, "gomain.go.txt", "stripped", "-ldflags=-s -w")
	addr := symAddr(t, "nm", full, "main.spin")
	for _, bin := range []string{full, stripped} {
		o := openObject(t, bin)
		got := o.frames(addr + 8)
		if len(got) != 1 || got[0].Function != "main.spin" || filepath.Base(got[0].File) != "main.go" || got[0].Line < 9 || got[0].Line > 15 {
			t.Errorf("%s: %s", filepath.Base(bin), linesString(got))
		}
	}
	if o := openObject(t, stripped); o.stripped {
		t.Error("a -s -w Go binary was reported as stripped")
	}
}

// Inlined Go calls come out as separate lines, exactly as the Go runtime
// names them, with or without symbols, and with no section headers at all.
func TestGoInline(t *testing.T) {
	cases := []struct {
		name  string
		flags []string
		edit  func(t *testing.T, bin string)
	}{
		{"default", nil, nil},
		{"s-w", []string{"-ldflags=-s -w"}, nil},
		{"pie", []string{"-buildmode=pie"}, nil},
		{"no-section-headers", []string{"-ldflags=-s -w"}, dropSectionHeaders},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bin := goBuild(t, "goinline.go.txt", "inl", c.flags...)
			pc, want := runGoInline(t, bin)
			if c.edit != nil {
				c.edit(t, bin)
			}
			o := openObject(t, bin)
			if o.goTab == nil || o.goTab.gofunc == 0 {
				t.Fatalf("no Go table or no inline tree base: %+v", o.goTab)
			}
			got := o.frames(pc - 1) // a return address: the call is just before
			if linesString(got) != linesString(want) || len(got) != 3 || got[0].File != want[0].File {
				t.Errorf("got  %s\nwant %s", linesString(got), linesString(want))
			}
		})
	}
}

// runGoInline runs the test program and returns its pc, as an address of
// the ELF file, and the runtime's frames for it down to main.outer.
func runGoInline(t *testing.T, bin string) (uint64, []profile.Line) {
	t.Helper()
	out, err := exec.Command(bin).Output()
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Scan()
	var pc, entry uint64
	if _, err := fmt.Sscanf(sc.Text(), "%x %x", &pc, &entry); err != nil {
		t.Fatalf("%q: %v", sc.Text(), err)
	}
	if f, err := elf.Open(bin); err != nil {
		t.Fatal(err)
	} else if f.Type == elf.ET_DYN {
		// A PIE runs at a bias: translate through main.outer's entry.
		pc = pc - entry + symAddrGo(t, bin, "main.outer")
	}
	var want []profile.Line
	for sc.Scan() {
		fn, pos, _ := strings.Cut(sc.Text(), " ")
		i := strings.LastIndexByte(pos, ':')
		line, _ := strconv.ParseInt(pos[i+1:], 10, 64)
		want = append(want, profile.Line{Function: fn, File: pos[:i], Line: line})
		if fn == "main.outer" {
			break
		}
	}
	return pc, want
}

// symAddrGo is a function's address from go tool nm (which needs the
// symbol table).
func symAddrGo(t *testing.T, bin, name string) uint64 {
	t.Helper()
	out, err := exec.Command("go", "tool", "nm", bin).Output()
	if err == nil {
		for _, line := range strings.Split(string(out), "\n") {
			if f := strings.Fields(line); len(f) >= 3 && f[len(f)-1] == name {
				if a, err := strconv.ParseUint(f[0], 16, 64); err == nil {
					return a
				}
			}
		}
	}
	t.Fatalf("%s not found by go tool nm in %s: %v", name, bin, err)
	return 0
}

// dropSectionHeaders zeroes e_shoff, e_shnum and e_shstrndx, as sstrip
// does: only the program headers are left to find Go's tables by.
func dropSectionHeaders(t *testing.T, bin string) {
	t.Helper()
	f, err := os.OpenFile(bin, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt(make([]byte, 8), 0x28); err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt(make([]byte, 4), 0x3c); err != nil {
		t.Fatal(err)
	}
}

// The pclntab reader on any bytes: it must neither panic (frames recovers
// only at the object level) nor loop.
func FuzzPclntab(f *testing.F) {
	synth, _ := synthPclntab()
	f.Add(synth)
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := newGoTable(data, 0x4d0000, func(uint64, int) []byte { return nil })
		if err != nil {
			return
		}
		_, gofunc := synthPclntab()
		g.text, g.gofunc = 0x401000, gofunc
		for pc := uint64(0x401000); pc < 0x401000+128; pc += 3 {
			g.frames(pc)
		}
	})
}
