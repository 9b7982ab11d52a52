package symbolize

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/flametop/flametop/profile"
)

// openObject parses a file the way the symbolizer does.
func openObject(t *testing.T, path string) *object {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	st, _ := f.Stat()
	o := loadObject(f, st.Size())
	if o.err != nil {
		t.Fatalf("%s: %v", path, o.err)
	}
	return o
}

// symAddr is a symbol's address as nm sees it: an oracle independent of
// our ELF reader.
func symAddr(t *testing.T, nm, bin, name string) uint64 {
	t.Helper()
	out, err := exec.Command(nm, bin).Output()
	if err != nil {
		t.Fatalf("%s %s: %v", nm, bin, err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) == 3 && f[2] == name {
			a, err := strconv.ParseUint(f[0], 16, 64)
			if err == nil {
				return a
			}
		}
	}
	t.Fatalf("%s not in %s's symbols", name, bin)
	return 0
}

func gcc(t *testing.T, out string, args ...string) {
	t.Helper()
	run(t, "gcc", append([]string{"-o", out}, args...)...)
}

func linesString(ls []profile.Line) string {
	var parts []string
	for _, l := range ls {
		parts = append(parts, fmt.Sprintf("%s@%s:%d", l.Function, filepath.Base(l.File), l.Line))
	}
	return strings.Join(parts, " < ")
}

// addr2line's answer for one address, inlined callee first, in the same
// shape as linesString.
func addr2line(t *testing.T, bin string, addr uint64) string {
	t.Helper()
	out, err := exec.Command("addr2line", "-f", "-i", "-C", "-e", bin, fmt.Sprintf("%#x", addr)).Output()
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Split(strings.TrimSpace(string(out)), "\n")
	var parts []string
	for i := 0; i+1 < len(f); i += 2 {
		fl := f[i+1]
		if j := strings.Index(fl, " (discriminator"); j >= 0 {
			fl = fl[:j]
		}
		file, line, _ := strings.Cut(fl, ":")
		parts = append(parts, fmt.Sprintf("%s@%s:%s", f[i], filepath.Base(file), line))
	}
	return strings.Join(parts, " < ")
}

// DWARF gives file:line and expands inlined calls; every address of work()
// must read as binutils' addr2line reads it.
func TestDWARFLinesAndInlines(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "inline")
	gcc(t, bin, "-O2", "-g", "testdata/inline.c")
	o := openObject(t, bin)
	start := symAddr(t, "nm", bin, "work")
	sawInline := false
	for a := start; a < start+48; a++ {
		got := linesString(o.frames(a))
		want := addr2line(t, bin, a)
		if got != want {
			t.Errorf("%#x: got  %s\n          want %s", a, got, want)
		}
		if strings.HasPrefix(got, "helper@inline.c:") && strings.Contains(got, " < work@inline.c:17") {
			sawInline = true
		}
	}
	if !sawInline {
		t.Error("no address of work() showed helper() inlined at inline.c:17")
	}
}

// A stripped binary is named from its separate debug file, found by
// .gnu_debuglink (CRC checked) or by build id.
func TestSeparateDebugFile(t *testing.T) {
	dir := t.TempDir()
	full := filepath.Join(dir, "full")
	gcc(t, full, "-O1", "-g", "-Wl,--build-id", "testdata/inline.c")
	want := symAddr(t, "nm", full, "work")
	dbg := filepath.Join(dir, "prog.debug")
	run(t, "objcopy", "--only-keep-debug", full, dbg)

	linked := filepath.Join(dir, "prog")
	run(t, "objcopy", "--strip-all", "--add-gnu-debuglink="+dbg, full, linked)
	o := openObject(t, linked)
	if !o.stripped || o.debugLink != "prog.debug" {
		t.Fatalf("stripped %v, debuglink %q", o.stripped, o.debugLink)
	}
	s := New(Options{DebugDirs: []string{filepath.Join(dir, "nowhere")}})
	o.debug = s.findDebugFile(o, linked, "/")
	if got := o.frames(want); len(got) == 0 || got[len(got)-1].Function != "work" || got[0].File == "" {
		t.Errorf("by debuglink: %s", linesString(got))
	}

	// A debug file with the right name but other contents is refused.
	other := filepath.Join(dir, "sub")
	os.Mkdir(other, 0o755)
	run(t, "cp", linked, filepath.Join(other, "prog"))
	os.WriteFile(filepath.Join(other, "prog.debug"), []byte("not the debug file"), 0o644)
	o2 := openObject(t, filepath.Join(other, "prog"))
	if d := s.findDebugFile(o2, filepath.Join(other, "prog"), "/"); d != nil {
		t.Error("accepted a debuglink target whose CRC does not match")
	}

	byID := filepath.Join(dir, "byid")
	run(t, "objcopy", "--strip-all", full, byID)
	o3 := openObject(t, byID)
	idDir := filepath.Join(dir, "debug", ".build-id", o3.buildID[:2])
	os.MkdirAll(idDir, 0o755)
	run(t, "cp", dbg, filepath.Join(idDir, o3.buildID[2:]+".debug"))
	s = New(Options{DebugDirs: []string{filepath.Join(dir, "debug")}})
	o3.debug = s.findDebugFile(o3, byID, "/")
	if got := o3.frames(want); len(got) == 0 || got[len(got)-1].Function != "work" {
		t.Errorf("by build id: %s", linesString(got))
	}
}

// C++ and Rust names come out demangled, in full.
func TestDemangledNames(t *testing.T) {
	dir := t.TempDir()
	cpp := filepath.Join(dir, "cpp")
	run(t, "g++", "-O1", "-o", cpp, "testdata/templates.cpp")
	out, _ := exec.Command("nm", cpp).Output()
	var mangled string
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.Fields(line); len(f) == 3 && strings.Contains(f[2], "3geo3BoxIdE3sum") {
			mangled = f[2]
		}
	}
	if mangled == "" {
		t.Fatal("geo::Box<double>::sum not in the C++ binary")
	}
	o := openObject(t, cpp)
	if got := o.frames(symAddr(t, "nm", cpp, mangled)); len(got) == 0 || got[0].Function != "geo::Box<double>::sum() const" {
		t.Errorf("C++: %s", linesString(got))
	}

	rustc, err := exec.LookPath("rustc")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("rustc is needed (cargo is on these machines)")
		}
		t.Skip("no rustc")
	}
	for _, mangling := range []string{"legacy", "v0"} {
		bin := filepath.Join(dir, "rust-"+mangling)
		// Legacy mangling is behind -Z on stable compilers that default to v0.
		cmd := exec.Command(rustc, "-O", "-Z", "unstable-options", "-C", "symbol-mangling-version="+mangling, "-o", bin, "testdata/rusty.rs")
		cmd.Env = append(os.Environ(), "RUSTC_BOOTSTRAP=1")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("rustc: %v\n%s", err, b)
		}
		out, _ := exec.Command("nm", bin).Output()
		var sym string
		for _, line := range strings.Split(string(out), "\n") {
			if f := strings.Fields(line); len(f) == 3 && strings.Contains(f[2], "6shapes4area") {
				sym = f[2]
			}
		}
		if sym == "" {
			t.Fatalf("%s: shapes::area not in the Rust binary", mangling)
		}
		o := openObject(t, bin)
		got := o.frames(symAddr(t, "nm", bin, sym))
		if len(got) == 0 || !strings.Contains(got[0].Function, "rusty::shapes::area") {
			t.Errorf("Rust %s: %s", mangling, linesString(got))
		}
	}
}

func TestParsePerfMap(t *testing.T) {
	in := "7f0000001000 40 LazyCompile:*fib /app/x.js:3\n" +
		"bad line\n" +
		"7f0000002000 zz nope\n" +
		"0x7f0000003000 0x10 Interpreter:main\n" +
		"7f0000001000 20 LazyCompile:*fib2 /app/x.js:9\n" + // recompiled at the same address
		"7f0000004000 8 evil\x1b[2Jname\n"
	syms := parsePerfMap([]byte(in))
	o := object{syms: syms}
	cases := map[uint64]string{
		0x7f0000001010: "LazyCompile:*fib2 /app/x.js:9",
		0x7f0000003008: "Interpreter:main",
		0x7f0000004000: "evil\\x1b[2Jname",
	}
	for a, want := range cases {
		if got, ok := o.lookup(a); !ok || got != want {
			t.Errorf("%#x: %q %v, want %q", a, got, ok, want)
		}
	}
	if _, ok := o.lookup(0x7f0000001030); ok {
		t.Error("an address past the recompiled function's size was named")
	}
}

func FuzzParsePerfMap(f *testing.F) {
	f.Add([]byte("7f0000001000 40 LazyCompile:*fib /app/x.js:3\n"))
	f.Add([]byte("0x1 0x1 a\n0 0 b\nffffffffffffffff 2 c\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		syms := parsePerfMap(data)
		for i := 1; i < len(syms); i++ {
			if syms[i].addr < syms[i-1].addr {
				t.Fatal("not sorted")
			}
		}
		o := object{syms: syms}
		o.lookup(0x7f0000001000)
	})
}
