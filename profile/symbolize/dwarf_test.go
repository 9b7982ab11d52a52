package symbolize

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// DWARF gives file:line and expands inlined calls; every address of work()
// must read as binutils' addr2line reads it, and one known address exactly
// as the source says.
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
		// helper's body is lines 8-10; work calls it on line 17.
		if strings.HasPrefix(got, "helper@inline.c:") && strings.HasSuffix(got, " < work@inline.c:17") {
			sawInline = true
		}
	}
	if !sawInline {
		t.Error("no address of work() showed helper() inlined at inline.c:17")
	}
	if got := o.frames(start); len(got) == 0 || got[len(got)-1].Function != "work" || !strings.HasSuffix(got[0].File, "testdata/inline.c") {
		t.Errorf("entry of work: %s", linesString(got))
	}
}

// C++ names come from DWARF's linkage names, demangled in full, with the
// template's file and line.
func TestDWARFCxx(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "cpp")
	run(t, "g++", "-O1", "-g", "-o", bin, "testdata/templates.cpp")
	addr := symAddr(t, "nm", bin, cxxSymbol(t, bin, "3geo3BoxIdE3sum"))
	o := openObject(t, bin)
	for a := addr; a < addr+16; a++ {
		got := o.frames(a)
		if len(got) == 0 || got[len(got)-1].Function != "geo::Box<double>::sum() const" {
			t.Fatalf("%#x: %s", a, linesString(got))
		}
		// Lines 8-13 are sum's; llvm-symbolizer knows which.
		if want := llvmSymbolizer(t, bin, a); linesString(got) != want {
			t.Errorf("%#x: got  %s\n          want %s", a, linesString(got), want)
		}
	}
}

// Rust: demangled names (both manglings) from the symbol table, and with
// -g the file and line from DWARF.
func TestRust(t *testing.T) {
	rustc, err := exec.LookPath("rustc")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("rustc is needed (cargo is on these machines)")
		}
		t.Skip("no rustc")
	}
	dir := t.TempDir()
	for _, mangling := range []string{"legacy", "v0"} {
		for _, debug := range []bool{false, true} {
			bin := filepath.Join(dir, "rust-"+mangling)
			args := []string{"-O", "-Z", "unstable-options", "-C", "symbol-mangling-version=" + mangling, "-o", bin, "testdata/rusty.rs"}
			if debug {
				args = append(args, "-g")
			}
			// Legacy mangling is behind -Z on stable compilers that default to v0.
			cmd := exec.Command(rustc, args...)
			cmd.Env = append(os.Environ(), "RUSTC_BOOTSTRAP=1")
			if b, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("rustc: %v\n%s", err, b)
			}
			o := openObject(t, bin)
			got := o.frames(symAddr(t, "nm", bin, cxxSymbol(t, bin, "6shapes4area")))
			if len(got) == 0 || !strings.HasPrefix(got[len(got)-1].Function, "rusty::shapes::area") {
				t.Errorf("%s, debug %v: %s", mangling, debug, linesString(got))
				continue
			}
			// With -g, area's own line (std's conversions inlined into it
			// come first).
			outer := got[len(got)-1]
			if file := filepath.Base(outer.File); debug && (file != "rusty.rs" || outer.Line != 5) {
				t.Errorf("%s with -g: %s", mangling, linesString(got))
			}
		}
	}
}

// C++ and Rust symbol-table names come out demangled, in full.
func TestDemangledNames(t *testing.T) {
	cpp := filepath.Join(t.TempDir(), "cpp")
	run(t, "g++", "-O1", "-o", cpp, "testdata/templates.cpp")
	o := openObject(t, cpp)
	if got := o.frames(symAddr(t, "nm", cpp, cxxSymbol(t, cpp, "3geo3BoxIdE3sum"))); len(got) != 1 || got[0].Function != "geo::Box<double>::sum() const" || got[0].File != "" {
		t.Errorf("C++: %s", linesString(got))
	}
}

// cxxSymbol is the one mangled symbol of bin containing part.
func cxxSymbol(t *testing.T, bin, part string) string {
	t.Helper()
	out, err := exec.Command("nm", bin).Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.Fields(line); len(f) == 3 && strings.Contains(f[2], part) {
			return f[2]
		}
	}
	t.Fatalf("no symbol with %q in %s", part, bin)
	return ""
}

// Units are indexed on the first lookup that needs them, and the least
// recently used go when the budget is spent; lookups stay right.
func TestDWARFLazyUnits(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "two")
	gcc(t, bin, "-O2", "-g", "testdata/inline.c", "testdata/lib.c")
	o := openObject(t, bin)
	work, lib := symAddr(t, "nm", bin, "work"), symAddr(t, "nm", bin, "lib_work")
	parsed := func(ix *dwarfIndex) (n int) {
		for _, u := range ix.units {
			if u.ix != nil {
				n++
			}
		}
		return n
	}
	check := func(addr uint64, want string) {
		t.Helper()
		if got := o.frames(addr); len(got) == 0 || got[len(got)-1].Function != want || got[0].Line == 0 {
			t.Errorf("%#x: %s, want %s with a line", addr, linesString(got), want)
		}
	}
	check(work, "work")
	ix := o.dwarfIndex()
	if len(ix.units) < 2 || parsed(ix) != 1 {
		t.Fatalf("%d units, %d parsed after one lookup; want >= 2 and 1", len(ix.units), parsed(ix))
	}
	ix.budget = 1
	check(lib, "lib_work")
	check(work, "work")
	if parsed(ix) != 1 {
		t.Errorf("%d units held over a budget of one entry", parsed(ix))
	}
}
