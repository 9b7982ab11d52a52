package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	os.WriteFile(filepath.Join(dir, "file"), nil, 0o644)
	os.Symlink(filepath.Join(dir, "file"), filepath.Join(dir, "link"))
	cases := []struct {
		path, want string
	}{
		{filepath.Join(dir, "new.pb.gz"), ""},
		{filepath.Join(dir, "file"), ""},
		{"-", ""},
		{filepath.Join(dir, "missing", "x.pb.gz"), "output directory " + filepath.Join(dir, "missing") + " does not exist"},
		{filepath.Join(dir, "file", "x.pb.gz"), "output directory " + filepath.Join(dir, "file") + " is not a directory"},
		{filepath.Join(dir, "sub"), "refusing to overwrite " + filepath.Join(dir, "sub") + ": not a regular file"},
		{filepath.Join(dir, "link"), "refusing to overwrite " + filepath.Join(dir, "link") + ": not a regular file"},
		{"/dev/null", "refusing to overwrite /dev/null: not a regular file"},
	}
	for _, c := range cases {
		err := Check(c.path)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != c.want {
			t.Errorf("Check(%s) = %q, want %q", c.path, got, c.want)
		}
	}
}

func TestWriteReplacesAtomically(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.txt")
	os.WriteFile(path, []byte("old"), 0o644)
	if err := Write(path, func(f *os.File) error { _, err := f.WriteString("new"); return err }); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	st, _ := os.Stat(path)
	if string(b) != "new" || st.Mode().Perm() != 0o600 {
		t.Errorf("content %q mode %v", b, st.Mode())
	}
	// A failing writer leaves the old file and no temp file.
	boom := errors.New("boom")
	if err := Write(path, func(f *os.File) error { f.WriteString("partial"); return boom }); !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	b, _ = os.ReadFile(path)
	if string(b) != "new" {
		t.Errorf("old content lost: %q", b)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp") {
			t.Errorf("leftover %s", e.Name())
		}
	}
}

func TestWriteRefusesNonRegular(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "victim")
	os.WriteFile(target, []byte("keep"), 0o644)
	link := filepath.Join(dir, "link")
	os.Symlink(target, link)
	err := Write(link, func(f *os.File) error { _, err := f.WriteString("x"); return err })
	if err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("err = %v", err)
	}
	if b, _ := os.ReadFile(target); string(b) != "keep" {
		t.Errorf("symlink target modified: %q", b)
	}
}
