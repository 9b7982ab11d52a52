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

// llvmSymbolizer's answer for one address, in the shape of linesString.
// It is the reference where binutils 2.40 misreads DWARF 5 file indexes.
func llvmSymbolizer(t *testing.T, bin string, addr uint64) string {
	t.Helper()
	out, err := exec.Command("llvm-symbolizer-14", "--obj="+bin, "--inlining", "--demangle", "--output-style=GNU", fmt.Sprintf("%#x", addr)).Output()
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Split(strings.TrimSpace(string(out)), "\n")
	var parts []string
	for i := 0; i+1 < len(f); i += 2 {
		file, line, _ := strings.Cut(strings.Fields(f[i+1])[0], ":")
		line, _, _ = strings.Cut(line, ":")
		if line == "?" {
			line = "0"
		}
		parts = append(parts, fmt.Sprintf("%s@%s:%s", f[i], filepath.Base(file), line))
	}
	return strings.Join(parts, " < ")
}
