// Package symbolize names the addresses in sampled stacks: kernel frames
// from kallsyms, user frames from the Go pclntab, DWARF and ELF symbol
// tables of the objects each process maps (or of their separate debug
// files), JIT code from perf maps. It implements profile.Symbolizer.
//
// Everything read from the profiled processes' files is untrusted: sizes
// are checked before anything is allocated, a panic in a parser costs only
// that file's frames, and every string is sanitized on its way in.
package symbolize

import (
	"fmt"
	"os"
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
// goroutine while the collector asks for names on another. mu guards the
// process and object tables and is never held while a file is parsed, so
// a slow file does not delay the capture of a short-lived process's maps;
// each object has its own lock for that (taken after mu, never before).
type Symbolizer struct {
	opts Options
	dbgd *debuginfod

	mu      sync.Mutex
	procs   map[procKey]*process
	latest  map[uint32]uint64 // newest image generation seen per PID
	objects map[fileKey]*cachedObject
	byID    map[string]*cachedObject
	clock   uint64    // orders objects by when they fell idle
	swept   time.Time // last look for processes gone without an exit event
	maxIdle int

	kernel     *Kallsyms
	kernelErr  error // why kallsyms could not be read
	kernelRead time.Time
	vdso       *object
	vdsoErr    error

	// Least time between rereads, and how long a gone process is kept;
	// tests set them to zero.
	perfMapRecheck, kallsymsRecheck, exitedTTL time.Duration
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
	return &Symbolizer{
		opts: opts, dbgd: newDebuginfod(opts.DebuginfodURLs, opts.DebuginfodCache),
		procs: map[procKey]*process{}, latest: map[uint32]uint64{},
		objects: map[fileKey]*cachedObject{}, byID: map[string]*cachedObject{}, maxIdle: maxIdleObjects,
		perfMapRecheck: perfMapRecheck, kallsymsRecheck: kallsymsRecheck, exitedTTL: exitedTTL,
	}
}

var _ profile.Symbolizer = (*Symbolizer)(nil)

// Observe captures a process image's maps now (exec, fork, or a target
// named on the command line), or notes that it exited. An exec replaces
// the image under the same PID: the older generation keeps the maps it had
// and is never read again.
func (s *Symbolizer) Observe(pid uint32, gen uint64, exited bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := procKey{pid, gen}
	p := s.procs[k]
	defer s.expire()
	if exited {
		if p != nil && p.exited.IsZero() {
			p.exited = time.Now()
		}
		return
	}
	if latest, ok := s.latest[pid]; !ok || gen > latest {
		for ok, old := range s.procs {
			if ok.pid == pid && ok.gen < gen && old.exited.IsZero() {
				old.exited = time.Now()
			}
		}
		s.latest[pid] = gen
	}
	if p == nil {
		p = &process{pid: pid, gen: gen}
		s.procs[k] = p
	}
	s.capture(p)
}

// Touch tells the symbolizer that a process image was sampled at addrs,
// for a caller that names them later: what can only be read while the
// process lives is read now (maps never captured or missing an address,
// and a JIT's perf map, which lives inside the process's root). Call it
// once per process image per drain: each call reads the perf map's new
// lines.
func (s *Symbolizer) Touch(pid uint32, gen uint64, addrs []uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.proc(pid, gen)
	if !s.current(p) {
		return
	}
	for _, a := range addrs {
		s.mappingAt(p, a)
	}
	if p.captured && p.nspid != 0 {
		pm := s.perfMapFor(p)
		if pm.found {
			// A JIT's last entries must be read before it exits: the
			// file is only re-read from where the last read stopped.
			pm.checked = time.Time{}
		}
		pm.load()
	}
}

// expire forgets processes gone for longer than exitedTTL. Processes whose
// exit was never reported (a lost event) are found gone from /proc, at
// most every exitedTTL.
func (s *Symbolizer) expire() {
	now := time.Now()
	sweep := now.Sub(s.swept) > s.exitedTTL
	if sweep {
		s.swept = now
	}
	for k, p := range s.procs {
		if sweep && p.exited.IsZero() {
			if _, err := os.Stat(fmt.Sprintf("%s/%d", s.opts.ProcRoot, k.pid)); err != nil {
				p.exited = now
			}
		}
		if !p.exited.IsZero() && now.Sub(p.exited) >= s.exitedTTL {
			delete(s.procs, k)
			if s.latest[k.pid] == k.gen {
				delete(s.latest, k.pid)
			}
			s.release(p)
		}
	}
}

// proc returns the process image, capturing it now if it was never seen.
func (s *Symbolizer) proc(pid uint32, gen uint64) *process {
	k := procKey{pid, gen}
	p := s.procs[k]
	if p == nil {
		p = &process{pid: pid, gen: gen}
		s.procs[k] = p
		if latest, ok := s.latest[pid]; !ok || gen >= latest {
			s.latest[pid] = gen
			s.capture(p)
		}
	}
	return p
}

// current tells whether /proc/PID still shows this image.
func (s *Symbolizer) current(p *process) bool {
	return p.exited.IsZero() && s.latest[p.pid] == p.gen
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
