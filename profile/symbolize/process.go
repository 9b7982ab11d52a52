package symbolize

import (
	"fmt"
	"os"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/flametop/flametop/profile/sanitize"
)

// process is one image of one PID: what its memory looked like.
type process struct {
	pid      uint32
	nspid    uint32 // the PID as the process sees it (perf map names)
	maps     []mapping
	name     string
	captured bool // maps were read at least once
	exited   time.Time
	reread   time.Time // last re-read for an address outside every mapping
	perf     *perfMap  // the JIT's perf map, once looked for
}

// capture reads the process's maps and opens every executable object it
// maps, so that it can be symbolized after it exits or its files are
// deleted.
func (s *Symbolizer) capture(p *process) {
	raw, err := os.ReadFile(fmt.Sprintf("%s/%d/maps", s.opts.ProcRoot, p.pid))
	if err != nil || len(raw) == 0 {
		return
	}
	p.maps = parseMaps(raw)
	p.captured = true
	p.nspid = nsPID(s.opts.ProcRoot, p.pid)
	if name := s.readName(p.pid); name != "" {
		p.name = name
	}
	for i := range p.maps {
		m := &p.maps[i]
		if m.exec() && m.fileBacked() {
			s.objectFor(p.pid, m)
		}
	}
}

// readName is the executable's base name, else the thread group's comm.
func (s *Symbolizer) readName(pid uint32) string {
	if exe, err := os.Readlink(fmt.Sprintf("%s/%d/exe", s.opts.ProcRoot, pid)); err == nil {
		exe = strings.TrimSuffix(exe, " (deleted)")
		if b := shortPath(exe); b != "" {
			return sanitize.String(b)
		}
	}
	if comm, err := os.ReadFile(fmt.Sprintf("%s/%d/comm", s.opts.ProcRoot, pid)); err == nil {
		return sanitize.String(strings.TrimSpace(string(comm)))
	}
	return ""
}

// fileKey identifies an object file independently of its path.
type fileKey struct {
	major, minor uint32
	inode        uint64
}

// cachedObject is an open object file, parsed on first use.
type cachedObject struct {
	path           string
	debugSearched  bool
	debuginfodSeen bool // searched again after a debuginfod fetch
	f              *os.File
	obj            *object
	err            error
}

// objectFor returns the object mapped by m, opening it on first sight: the
// mapping's own file through /proc/PID/map_files (right even when the file
// was deleted or lives in another mount namespace), else the path inside
// the process's root, accepted only if device and inode match the mapping.
func (s *Symbolizer) objectFor(pid uint32, m *mapping) *cachedObject {
	k := fileKey{m.devMajor, m.devMinor, m.inode}
	if co, ok := s.objects[k]; ok {
		return co
	}
	co := &cachedObject{path: m.path}
	f, err := os.Open(fmt.Sprintf("%s/%d/map_files/%x-%x", s.opts.ProcRoot, pid, m.start, m.end))
	if err != nil {
		f, err = openInRoot(fmt.Sprintf("%s/%d/root", s.opts.ProcRoot, pid), m.path)
		if err != nil && !m.deleted {
			f, err = openInRoot("/", m.path) // the process is gone: try the host's view
		}
		if err == nil && !sameFile(f, k) {
			f.Close()
			f, err = nil, fmt.Errorf("%s changed on disk since it was mapped", m.path)
		}
	}
	if err != nil {
		co.err = fmt.Errorf("file not readable: %w", err)
		if len(s.objects) < maxObjects {
			s.objects[k] = co
		}
		return co
	}
	co.f = f
	if len(s.objects) >= maxObjects {
		s.evictObjects()
	}
	s.objects[k] = co
	return co
}

// maxObjects bounds open files and parsed tables.
const maxObjects = 2048

// evictObjects drops half of the cache; a later lookup reopens what it needs
// (the process may be gone by then: its frames keep module+offset names).
func (s *Symbolizer) evictObjects() {
	n := 0
	for k, co := range s.objects {
		if n >= maxObjects/2 {
			return
		}
		if co.f != nil {
			co.f.Close()
		}
		delete(s.objects, k)
		n++
	}
}

func sameFile(f *os.File, k fileKey) bool {
	var st unix.Stat_t
	if unix.Fstat(int(f.Fd()), &st) != nil {
		return false
	}
	return st.Ino == k.inode && unix.Major(st.Dev) == k.major && unix.Minor(st.Dev) == k.minor
}

// openInRoot opens path resolved inside root, so that a symlink planted in a
// container cannot point us at the host's files; regular files only.
func openInRoot(root, path string) (*os.File, error) {
	rfd, err := unix.Open(root, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	defer unix.Close(rfd)
	how := unix.OpenHow{Flags: unix.O_RDONLY | unix.O_CLOEXEC | unix.O_NOCTTY | unix.O_NONBLOCK, Resolve: unix.RESOLVE_IN_ROOT | unix.RESOLVE_NO_MAGICLINKS}
	fd, err := unix.Openat2(rfd, strings.TrimPrefix(path, "/"), &how)
	if err != nil {
		return nil, err
	}
	f := os.NewFile(uintptr(fd), path)
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	return f, nil
}

// parsed returns the object's tables, parsing the file on first use within
// a time budget; a file that takes longer is given up on.
func (co *cachedObject) parsed() *object {
	if co.obj != nil || co.f == nil {
		return co.obj
	}
	st, err := co.f.Stat()
	if err != nil {
		co.obj = &object{err: err}
		return co.obj
	}
	done := make(chan *object, 1)
	go func() { done <- loadObject(co.f, st.Size()) }()
	select {
	case co.obj = <-done:
	case <-time.After(parseBudget):
		co.obj = &object{err: fmt.Errorf("reading symbols took longer than %v", parseBudget)}
	}
	return co.obj
}

const parseBudget = 10 * time.Second
