package symbolize

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
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
	o.debug, _ = s.findDebugFile(o, linked, "/")
	if got := o.frames(want); len(got) == 0 || got[len(got)-1].Function != "work" || got[0].File == "" {
		t.Errorf("by debuglink: %s", linesString(got))
	}

	// A debug file with the right name but other contents is refused.
	other := filepath.Join(dir, "sub")
	os.Mkdir(other, 0o755)
	run(t, "cp", linked, filepath.Join(other, "prog"))
	os.WriteFile(filepath.Join(other, "prog.debug"), []byte("not the debug file"), 0o644)
	o2 := openObject(t, filepath.Join(other, "prog"))
	if d, _ := s.findDebugFile(o2, filepath.Join(other, "prog"), "/"); d != nil {
		t.Error("accepted a debuglink target whose CRC does not match")
	}

	byID := filepath.Join(dir, "byid")
	run(t, "objcopy", "--strip-all", full, byID)
	o3 := openObject(t, byID)
	idDir := filepath.Join(dir, "debug", ".build-id", o3.buildID[:2])
	os.MkdirAll(idDir, 0o755)
	run(t, "cp", dbg, filepath.Join(idDir, o3.buildID[2:]+".debug"))
	s = New(Options{DebugDirs: []string{filepath.Join(dir, "debug")}})
	o3.debug, _ = s.findDebugFile(o3, byID, "/")
	if got := o3.frames(want); len(got) == 0 || got[len(got)-1].Function != "work" {
		t.Errorf("by build id: %s", linesString(got))
	}
}

// A debug file missing locally is fetched from debuginfod in the
// background: the lookup that starts the fetch does not wait for it, a
// later one names the frame, and the file lands in the client cache where
// the next run finds it without the network.
func TestDebuginfod(t *testing.T) {
	dir := t.TempDir()
	full := filepath.Join(dir, "full")
	gcc(t, full, "-O1", "-g", "-Wl,--build-id", "testdata/inline.c")
	work := symAddr(t, "nm", full, "work")
	dbg := filepath.Join(dir, "full.debug")
	run(t, "objcopy", "--only-keep-debug", full, dbg)
	bin := filepath.Join(dir, "prog")
	run(t, "strip", "--strip-all", "-o", bin, full)
	id := openObject(t, bin).buildID

	var mu sync.Mutex
	asked := map[string]int{}
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		asked[r.URL.Path]++
		mu.Unlock()
		<-release // the lookup must not be waiting on this
		if r.URL.Path != "/buildid/"+id+"/debuginfo" {
			http.NotFound(w, r)
			return
		}
		http.ServeFile(w, r, dbg)
	}))
	defer srv.Close()

	p := newFakeProc(t, 4242, 4242)
	addr := p.mapELF(bin, 0x5555_0000_0000)(work)
	cache := filepath.Join(dir, "cache")
	s := New(Options{ProcRoot: p.proc, DebugDirs: []string{filepath.Join(dir, "none")}, DebuginfodURLs: []string{srv.URL + "/"}, DebuginfodCache: cache})
	if f := s.User(4242, 1, addr); f.Reason != "stripped binary, no debug file found" {
		t.Errorf("before the fetch: %+v", f)
	}
	close(release)
	s.dbgd.wg.Wait()
	f := s.User(4242, 1, addr)
	if f.Reason != "" || f.Lines[len(f.Lines)-1].Function != "work" || f.Lines[0].Line == 0 {
		t.Errorf("after the fetch: %+v", f)
	}
	if asked["/buildid/"+id+"/debuginfo"] != 1 {
		t.Errorf("requests: %v", asked)
	}
	if _, err := os.Stat(filepath.Join(cache, id, "debuginfo")); err != nil {
		t.Errorf("not cached: %v", err)
	}
	s2 := New(Options{ProcRoot: p.proc, DebugDirs: []string{filepath.Join(dir, "none")}, DebuginfodURLs: []string{}, DebuginfodCache: cache})
	if f := s2.User(4242, 1, addr); f.Reason != "" || f.Lines[len(f.Lines)-1].Function != "work" {
		t.Errorf("from the cache: %+v", f)
	}
}
