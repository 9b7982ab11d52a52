package symbolize

import (
	"os"
	"path/filepath"
	"testing"
)

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
