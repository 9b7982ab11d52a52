package symbolize

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A stripped binary with MiniDebugInfo names its static functions, as
// Fedora's binaries are built: .symtab of the functions .dynsym lacks,
// xz-compressed into .gnu_debugdata.
func TestMiniDebugInfo(t *testing.T) {
	dir := t.TempDir()
	full := filepath.Join(dir, "full")
	gcc(t, full, "-O1", "testdata/addrs.c", "testdata/lib.c")
	want := symAddr(t, "nm", full, "static_work")

	out, err := exec.Command("nm", "--defined-only", full).Output()
	if err != nil {
		t.Fatal(err)
	}
	var keep []string
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.Fields(line); len(f) == 3 && (f[1] == "t" || f[1] == "T") {
			keep = append(keep, f[2])
		}
	}
	keepFile := filepath.Join(dir, "keep")
	os.WriteFile(keepFile, []byte(strings.Join(keep, "\n")+"\n"), 0o644)
	mini := filepath.Join(dir, "mini")
	run(t, "objcopy", "--only-keep-debug", full, mini)
	run(t, "objcopy", "-S", "--remove-section", ".comment", "--keep-symbols="+keepFile, mini)
	run(t, "xz", "-k", mini)
	bin := filepath.Join(dir, "bin")
	run(t, "strip", "--strip-all", "-o", bin, full)
	run(t, "objcopy", "--add-section", ".gnu_debugdata="+mini+".xz", bin)

	o := openObject(t, bin)
	if o.stripped {
		t.Error("a binary with MiniDebugInfo was reported as stripped")
	}
	if got := o.frames(want + 1); len(got) != 1 || got[0].Function != "static_work" {
		t.Errorf("static_work: %s", linesString(got))
	}
	stripped := filepath.Join(dir, "stripped")
	run(t, "strip", "--strip-all", "-o", stripped, full)
	if o := openObject(t, stripped); !o.stripped {
		t.Error("the same binary without MiniDebugInfo was not reported as stripped")
	}
}

// The xz stream is checked before it is decoded: a dictionary or a
// decompressed size past the caps is refused without allocating them.
func TestCheckXZ(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small")
	os.WriteFile(small, bytes.Repeat([]byte("symbols "), 1000), 0o644)
	xzOut := func(args ...string) []byte {
		t.Helper()
		b, err := exec.Command("xz", append([]string{"-c"}, args...)...).Output()
		if err != nil {
			t.Fatalf("xz %v: %v", args, err)
		}
		return b
	}
	if n, err := checkXZ(xzOut(small)); err != nil || n != 8000 {
		t.Errorf("ordinary stream: %d, %v", n, err)
	}
	if _, err := checkXZ(xzOut("--lzma2=dict=128MiB", small)); err == nil || !strings.Contains(err.Error(), "dictionary") {
		t.Errorf("128 MiB dictionary: %v", err)
	}
	zeros := filepath.Join(dir, "zeros")
	f, _ := os.Create(zeros)
	f.Truncate(maxMiniDebugSize + 1)
	f.Close()
	if _, err := checkXZ(xzOut("-0", zeros)); err == nil || !strings.Contains(err.Error(), "more than") {
		t.Errorf("stream over the size cap: %v", err)
	}
	ok := xzOut(small)
	for name, bad := range map[string][]byte{
		"truncated":   ok[:len(ok)-20],
		"bad index":   append(append([]byte{}, ok[:len(ok)-8]...), 0xff, 0xff, 0xff, 0x0f, 0, 0, 'Y', 'Z'),
		"not xz":      []byte(strings.Repeat("x", 64)),
		"two streams": append(append([]byte{}, ok...), ok...),
	} {
		if _, err := checkXZ(bad); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func FuzzCheckXZ(f *testing.F) {
	f.Add([]byte("\xfd7zXZ\x00\x00\x04\xe6\xd6\xb4\x46\x02\x00\x21\x01\x16\x00\x00\x00t/\xe5\xa3\x01\x00\x03abc\x00\x00\x00\x00\x01\x10\x04\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x04YZ"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if n, err := checkXZ(data); err == nil && n > maxMiniDebugSize {
			t.Fatalf("accepted %d bytes", n)
		}
	})
}
