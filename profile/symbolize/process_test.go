package symbolize

import (
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
)

// twoBinaries builds two different programs: work() in one, local_work()
// in the other.
func twoBinaries(t *testing.T) (a, b string, workA, workB uint64) {
	t.Helper()
	dir := t.TempDir()
	a, b = filepath.Join(dir, "alpha"), filepath.Join(dir, "beta")
	gcc(t, a, "-O1", "testdata/inline.c")
	gcc(t, b, "-O1", "testdata/addrs.c", "testdata/lib.c")
	return a, b, symAddr(t, "nm", a, "work"), symAddr(t, "nm", b, "local_work")
}

// exec replaces the image under the same PID: each generation keeps its
// own maps and name, and the old one is never read again from /proc.
func TestExecSamePID(t *testing.T) {
	a, b, workA, workB := twoBinaries(t)
	p := newFakeProc(t, 4242, 4242)
	inA := p.mapELF(a, 0x5555_0000_0000)
	s := New(Options{ProcRoot: p.proc})
	s.Observe(4242, 100, false)
	p.lines = nil
	inB := p.mapELF(b, 0x5666_0000_0000)
	s.Observe(4242, 200, false)

	name := func(gen, addr uint64) string { return s.User(4242, gen, addr).Lines[0].Function }
	if got := name(100, inA(workA)); got != "work" {
		t.Errorf("old image: %q", got)
	}
	if got := name(200, inB(workB)); got != "local_work" {
		t.Errorf("new image: %q", got)
	}
	if f := s.User(4242, 100, inB(workB)); f.Reason != reasonNoMapping {
		t.Errorf("the old image was given the new one's maps: %+v", f)
	}
	if f := s.User(4242, 150, inB(workB)); f.Reason != reasonGone {
		t.Errorf("an image never seen alive: %+v", f)
	}
	if s.ProcessName(4242, 100) != "alpha" || s.ProcessName(4242, 200) != "beta" {
		t.Errorf("names %q, %q", s.ProcessName(4242, 100), s.ProcessName(4242, 200))
	}
}

// Files are opened through map_files when it is there, else by path, and
// only if device and inode are still those the maps line names.
func TestReplacedAndDeletedFiles(t *testing.T) {
	a, b, workA, _ := twoBinaries(t)
	saved := a + ".saved"
	if err := os.Link(a, saved); err != nil {
		t.Fatal(err)
	}
	p := newFakeProc(t, 4242, 4242)
	inA := p.mapELF(a, 0x5555_0000_0000)
	mapFiles := filepath.Join(p.dir, "map_files")

	// Replaced on disk (a new inode at the path): map_files still has the
	// mapped file.
	os.Rename(b, a)
	if f := New(Options{ProcRoot: p.proc}).User(4242, 1, inA(workA)); f.Lines[0].Function != "work" {
		t.Errorf("through map_files: %+v", f)
	}
	// Without map_files, the path now names another file: refused.
	os.Rename(mapFiles, mapFiles+".off")
	if f := New(Options{ProcRoot: p.proc}).User(4242, 1, inA(workA)); f.Reason != reasonReplaced || f.Lines[0].Function == "work" {
		t.Errorf("replaced file: %+v", f)
	}
	// By path, the original file is accepted.
	os.Rename(saved, a)
	if f := New(Options{ProcRoot: p.proc}).User(4242, 1, inA(workA)); f.Lines[0].Function != "work" {
		t.Errorf("by path: %+v", f)
	}
	// A map_files entry that is another file (the range was mapped again
	// since the maps were read) is refused too.
	os.Rename(mapFiles+".off", mapFiles)
	entries, _ := os.ReadDir(mapFiles)
	for _, e := range entries {
		os.Remove(filepath.Join(mapFiles, e.Name()))
		os.Symlink("/proc/self/exe", filepath.Join(mapFiles, e.Name()))
	}
	if f := New(Options{ProcRoot: p.proc}).User(4242, 1, inA(workA)); f.Reason != reasonReplaced {
		t.Errorf("remapped range: %+v", f)
	}
	// Deleted, and map_files unreadable: a reason, not a wrong name.
	for _, e := range entries {
		os.Remove(filepath.Join(mapFiles, e.Name()))
	}
	os.Remove(a)
	if f := New(Options{ProcRoot: p.proc}).User(4242, 1, inA(workA)); f.Reason != reasonUnreadable || f.Mapping.Note == "" {
		t.Errorf("deleted file: %+v", f)
	}
}

// openInRoot resolves symlinks inside the root and opens regular files
// only.
func TestOpenInRoot(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "secret")
	os.WriteFile(outside, []byte("host file"), 0o644)
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "usr/lib"), 0o755)
	os.WriteFile(filepath.Join(root, "usr/lib/real.so"), []byte("inside"), 0o644)
	os.Symlink(outside, filepath.Join(root, "usr/lib/abs.so"))
	os.Symlink("../../../../../../.."+outside, filepath.Join(root, "usr/lib/rel.so"))
	os.Symlink("real.so", filepath.Join(root, "usr/lib/ok.so"))
	syscall.Mkfifo(filepath.Join(root, "usr/lib/fifo.so"), 0o644)
	for path, ok := range map[string]bool{
		"/usr/lib/real.so": true, "/usr/lib/ok.so": true,
		"/usr/lib/abs.so": false, "/usr/lib/rel.so": false, "/usr/lib/fifo.so": false, "/usr/lib": false,
		"/../../../../.." + outside: false,
	} {
		f, err := openInRoot(root, path)
		if (err == nil) != ok {
			t.Errorf("%s: err %v, want ok %v", path, err, ok)
		}
		if f != nil {
			f.Close()
		}
	}
}

// An object is parsed once for every process that maps it, by device and
// inode or by build id, and closed once no process has used it for a while.
func TestObjectCache(t *testing.T) {
	a, _, workA, _ := twoBinaries(t)
	copyA := a + ".copy"
	data, _ := os.ReadFile(a)
	os.WriteFile(copyA, data, 0o755)
	p1 := newFakeProc(t, 100, 100)
	in1 := p1.mapELF(a, 0x5555_0000_0000)
	p2 := newFakeProc(t, 200, 200)
	in2 := p2.mapELF(copyA, 0x5555_0000_0000)
	os.Rename(filepath.Join(p2.dir), filepath.Join(p1.proc, "200"))
	s := New(Options{ProcRoot: p1.proc})
	s.exitedTTL = 0
	s.maxIdle = 0
	for _, c := range []struct {
		pid  uint32
		addr uint64
	}{{100, in1(workA)}, {200, in2(workA)}} {
		if f := s.User(c.pid, 1, c.addr); f.Lines[0].Function != "work" {
			t.Fatalf("pid %d: %+v", c.pid, f)
		}
	}
	var cos []*cachedObject
	for _, co := range s.objects {
		cos = append(cos, co)
	}
	if len(s.objects) != 2 || cos[0] != cos[1] || cos[0].refs != 2 {
		t.Fatalf("%d keys; shared %v", len(s.objects), len(cos) == 2 && cos[0] == cos[1])
	}
	s.Observe(100, 1, true)
	if cos[0].gone || cos[0].refs != 1 {
		t.Errorf("closed while process 200 maps it (refs %d)", cos[0].refs)
	}
	s.Observe(200, 1, true)
	if !cos[0].gone || len(s.objects) != 0 || len(s.byID) != 0 {
		t.Errorf("still open after both processes left: gone %v, %d objects", cos[0].gone, len(s.objects))
	}
}

// Lookups and process events from different goroutines: run with -race.
func TestConcurrentUse(t *testing.T) {
	a, _, workA, _ := twoBinaries(t)
	p := newFakeProc(t, 4242, 4242)
	in := p.mapELF(a, 0x5555_0000_0000)
	s := New(Options{ProcRoot: p.proc})
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := uint64(0); i < 50; i++ {
				if f := s.User(4242, 1, in(workA)); f.Lines[0].Function != "work" {
					t.Errorf("%+v", f)
					return
				}
				s.User(4242, 1, in(workA)+i)
			}
		}()
	}
	for i := 0; i < 50; i++ {
		s.Observe(4242, 1, false)
		s.ProcessName(4242, 1)
	}
	wg.Wait()
}

// A caller that names addresses after the process is gone (record defers
// symbolization) touches the process while it lives: a JIT region mapped
// after the first capture and the perf map's last entries are read then.
func TestTouchBeforeExit(t *testing.T) {
	a, _, workA, _ := twoBinaries(t)
	p := newFakeProc(t, 4242, 7)
	inA := p.mapELF(a, 0x5555_0000_0000)
	p.file("tmp/perf-7.map", "7f0000000100 40 JS:hot\n")
	s := New(Options{ProcRoot: p.proc})
	s.Touch(4242, 1, []uint64{inA(workA)})

	p.mapAnon(0x7f00_0000_0000, 0x7f00_0001_0000, "r-xp", "")
	s.Touch(4242, 1, []uint64{0x7f00_0000_0110})
	p.file("tmp/perf-7.map", "7f0000000100 40 JS:hot\n7f0000000200 40 JS:compiledLast\n")
	s.Touch(4242, 1, []uint64{0x7f00_0000_0110})

	if err := os.RemoveAll(p.dir); err != nil {
		t.Fatal(err)
	}
	s.Observe(4242, 1, true)
	for addr, want := range map[uint64]string{
		inA(workA):       "work",
		0x7f00_0000_0110: "JS:hot",
		0x7f00_0000_0210: "JS:compiledLast",
	} {
		if f := s.User(4242, 1, addr); len(f.Lines) == 0 || f.Lines[0].Function != want {
			t.Errorf("%#x: %+v, want %s", addr, f, want)
		}
	}
}
