// Package symbolize names the addresses in sampled stacks: kernel frames
// from kallsyms, user frames from the ELF symbol tables of the objects each
// process maps. It implements profile.Symbolizer.
package symbolize

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/flametop/flametop/profile"
)

// Options configure a Symbolizer. The zero value is the live system.
type Options struct {
	ProcRoot string // default "/proc"; tests point it at a fake tree
	Kallsyms []byte // default: read <ProcRoot>/kallsyms on first use
	// DebugDirs hold separate debug files (.build-id/xx/yyyy.debug and
	// debuglink targets); default /usr/lib/debug.
	DebugDirs []string
	// DebuginfodURLs are debuginfod servers to fetch missing debug files
	// from, in the background; default $DEBUGINFOD_URLS.
	DebuginfodURLs []string
	// DebuginfodCache is the local client cache; default as elfutils:
	// $DEBUGINFOD_CACHE_PATH, else ~/.cache/debuginfod_client.
	DebuginfodCache string
}

// Symbolizer is safe for concurrent use: process events arrive on one
// goroutine while the collector asks for names on another.
type Symbolizer struct {
	opts Options

	mu      sync.Mutex
	procs   map[procKey]*process
	objects map[fileKey]*cachedObject
	kernel  *Kallsyms
	// kernelErr is why kallsyms could not be read; kernelRead when it was.
	kernelErr  error
	kernelRead time.Time
	vdso       *object
	vdsoErr    error

	debugFiles []*os.File // open separate debug files
	dbgd       *debuginfod

	// Least time between rereads; tests set them to zero.
	perfMapRecheck, kallsymsRecheck time.Duration
}

type procKey struct {
	pid uint32
	gen uint64
}

// exitedTTL is how long a gone process's maps are kept: long enough for the
// drains that still hold its samples.
const exitedTTL = 30 * time.Second

// New returns a Symbolizer.
func New(opts Options) *Symbolizer {
	if opts.ProcRoot == "" {
		opts.ProcRoot = "/proc"
	}
	if opts.DebugDirs == nil {
		opts.DebugDirs = []string{"/usr/lib/debug"}
	}
	return &Symbolizer{opts: opts, procs: map[procKey]*process{}, objects: map[fileKey]*cachedObject{},
		dbgd: newDebuginfod(opts.DebuginfodURLs, opts.DebuginfodCache), perfMapRecheck: perfMapRecheck, kallsymsRecheck: kallsymsRecheck}
}

var _ profile.Symbolizer = (*Symbolizer)(nil)

// Observe captures a process image's maps now (exec, fork, or a target
// named on the command line), or notes that it exited.
func (s *Symbolizer) Observe(pid uint32, gen uint64, exited bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := procKey{pid, gen}
	p := s.procs[k]
	if exited {
		if p != nil {
			p.exited = time.Now()
		}
		s.expire()
		return
	}
	if p == nil {
		p = &process{pid: pid}
		s.procs[k] = p
	}
	s.capture(p)
}

func (s *Symbolizer) expire() {
	now := time.Now()
	for k, p := range s.procs {
		if !p.exited.IsZero() && now.Sub(p.exited) > exitedTTL {
			delete(s.procs, k)
		}
	}
}

// proc returns the process image, capturing it now if it was never seen.
func (s *Symbolizer) proc(pid uint32, gen uint64) *process {
	k := procKey{pid, gen}
	p := s.procs[k]
	if p == nil {
		p = &process{pid: pid}
		s.procs[k] = p
		s.capture(p)
	}
	return p
}

// ProcessName is the executable's base name.
func (s *Symbolizer) ProcessName(pid uint32, gen uint64) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.proc(pid, gen)
	if p.name == "" {
		return fmt.Sprintf("pid %d", pid)
	}
	return p.name
}

// User names addr in process image (pid, gen).
func (s *Symbolizer) User(pid uint32, gen uint64, addr uint64) profile.Frame {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.proc(pid, gen)
	m := findMapping(p.maps, addr)
	if m == nil && p.exited.IsZero() && time.Since(p.reread) > time.Second {
		// A library loaded after we read the maps (dlopen, or ld.so still
		// busy when we saw the exec): read them again, at most once a second.
		p.reread = time.Now()
		s.capture(p)
		m = findMapping(p.maps, addr)
	}
	if m == nil {
		reason := "address outside every known mapping"
		if !p.captured {
			reason = "process gone before its maps were read"
		}
		return unnamed(fmt.Sprintf("[unknown] %#x", addr), profile.Mapping{}, profile.KindUnknown, reason)
	}
	pm := profile.Mapping{Start: m.start, Limit: m.end, Offset: m.offset, File: m.path}
	switch {
	case m.path == "[vdso]":
		return s.vdsoFrame(m, addr, pm)
	case !m.fileBacked() || strings.HasPrefix(m.path, "/memfd:"):
		if f, ok := s.anonFrame(p, m, addr, pm); ok {
			return f
		}
	}
	fo := addr - m.start + m.offset
	base := displayName(shortPath(m.path))
	co := s.objectFor(pid, m)
	if co.err != nil && strings.HasPrefix(m.path, "/memfd:") && m.exec() {
		return unnamed(fmt.Sprintf("%s+%#x", base, fo), pm, profile.KindJIT, "JIT region without a perf map")
	}
	if co.err != nil {
		return unnamed(fmt.Sprintf("%s+%#x", base, fo), pm, profile.KindNative, co.err.Error())
	}
	obj := co.parsed()
	if obj.err != nil {
		return unnamed(fmt.Sprintf("%s+%#x", base, fo), pm, profile.KindNative, obj.err.Error())
	}
	pm.BuildID = obj.buildID
	vaddr, ok := obj.fileOffsetToVaddr(fo)
	if !ok {
		return unnamed(fmt.Sprintf("%s+%#x", base, fo), pm, profile.KindNative, "address outside the file's loadable segments")
	}
	s.attachDebugFile(co, obj, m.path, pid)
	lines := obj.frames(vaddr)
	if lines == nil {
		reason := "no symbol covers this address"
		if obj.stripped && obj.debug == nil {
			reason = "stripped binary, no debug file found"
		}
		return unnamed(fmt.Sprintf("%s+%#x", base, fo), pm, profile.KindNative, reason)
	}
	kind := profile.KindNative
	if name := lines[len(lines)-1].Function; len(name) > 8 && name[:8] == "runtime." {
		kind = profile.KindGoRuntime
	}
	return profile.Frame{Lines: lines, Mapping: pm, Kind: kind}
}

// attachDebugFile looks for obj's separate debug file once, and once more
// when a background debuginfod fetch for it has finished.
func (s *Symbolizer) attachDebugFile(co *cachedObject, obj *object, path string, pid uint32) {
	if obj.debug != nil || obj.goTab != nil || !obj.stripped && obj.hasDWARF {
		return
	}
	fetched := s.dbgd.done[obj.buildID]
	if co.debugSearched && (!fetched || co.debuginfodSeen) {
		return
	}
	co.debugSearched, co.debuginfodSeen = true, fetched
	obj.debug = s.findDebugFile(obj, path, fmt.Sprintf("%s/%d/root", s.opts.ProcRoot, pid))
	if obj.debug == nil && obj.buildID != "" {
		id := obj.buildID
		s.dbgd.fetch(id, func() {
			s.mu.Lock()
			s.dbgd.done[id] = true
			s.mu.Unlock()
		})
	}
}

func unnamed(name string, m profile.Mapping, kind profile.FrameKind, reason string) profile.Frame {
	m.Note = reason
	return profile.Frame{Lines: []profile.Line{{Function: name}}, Mapping: m, Kind: kind, Reason: reason}
}

func findMapping(ms []mapping, addr uint64) *mapping {
	lo, hi := 0, len(ms)
	for lo < hi {
		mid := (lo + hi) / 2
		switch {
		case addr < ms[mid].start:
			hi = mid
		case addr >= ms[mid].end:
			lo = mid + 1
		default:
			return &ms[mid]
		}
	}
	return nil
}
