package symbolize

import (
	"debug/elf"
	"fmt"
	"os"
	"sync"
	"time"
)

// cachedObject is one object file, shared by every process that maps it:
// found by device and inode, and by build id (the same library in two
// containers is parsed once). Processes hold references; an object no
// process uses is kept a while in case the next process maps it, then
// closed.
type cachedObject struct {
	keys  []fileKey // every identity it is cached under (Symbolizer.mu)
	id    string    // build id and size, "" if none (Symbolizer.mu)
	refs  int       // processes mapping it (Symbolizer.mu)
	idle  uint64    // when refs fell to zero, on the Symbolizer's clock
	gone  bool      // evicted (Symbolizer.mu)
	path  string
	mu    sync.Mutex // guards what follows: parsing and lookups
	f     *os.File
	obj   *object
	err   error // why it could not be opened
	dbgF  *os.File
	debug struct{ searched, afterFetch bool }
}

// Cache bounds: objects nobody maps are closed past maxIdleObjects; the
// total is bounded by what live processes map.
const (
	maxIdleObjects = 64
	parseBudget    = 10 * time.Second
)

// objectFor returns the object m maps, for process p. The caller holds
// s.mu.
func (s *Symbolizer) objectFor(p *process, m *mapping) *cachedObject {
	k := m.key()
	co := s.objects[k]
	if co == nil {
		co = s.openObject(p.pid, m)
	}
	if p.objects == nil {
		p.objects = map[*cachedObject]bool{}
	}
	if !p.objects[co] {
		p.objects[co] = true
		co.refs++
	}
	return co
}

func (s *Symbolizer) openObject(pid uint32, m *mapping) *cachedObject {
	k := m.key()
	f, err := s.openMapped(pid, m)
	if err != nil {
		co := &cachedObject{keys: []fileKey{k}, path: m.path, err: err}
		s.objects[k] = co
		return co
	}
	id := peekBuildID(f)
	if co := s.byID[id]; id != "" && co != nil && !co.gone {
		f.Close()
		co.keys = append(co.keys, k)
		s.objects[k] = co
		return co
	}
	co := &cachedObject{keys: []fileKey{k}, id: id, path: m.path, f: f}
	s.objects[k] = co
	if id != "" {
		s.byID[id] = co
	}
	return co
}

// release drops a gone process's references and closes the objects idle
// longest beyond maxIdleObjects. The caller holds s.mu.
func (s *Symbolizer) release(p *process) {
	s.clock++
	for co := range p.objects {
		if co.refs--; co.refs == 0 {
			co.idle = s.clock
		}
	}
	p.objects = nil
	var idle []*cachedObject
	seen := map[*cachedObject]bool{}
	for _, co := range s.objects {
		if co.refs == 0 && !seen[co] {
			seen[co] = true
			idle = append(idle, co)
		}
	}
	for len(idle) > s.maxIdle {
		oldest := 0
		for i, co := range idle {
			if co.idle < idle[oldest].idle {
				oldest = i
			}
		}
		s.evict(idle[oldest])
		idle = append(idle[:oldest], idle[oldest+1:]...)
	}
}

func (s *Symbolizer) evict(co *cachedObject) {
	for _, k := range co.keys {
		if s.objects[k] == co {
			delete(s.objects, k)
		}
	}
	if co.id != "" && s.byID[co.id] == co {
		delete(s.byID, co.id)
	}
	co.gone = true
	co.mu.Lock() // a lookup in progress finishes first
	defer co.mu.Unlock()
	for _, f := range []*os.File{co.f, co.dbgF} {
		if f != nil {
			f.Close()
		}
	}
	co.f, co.dbgF, co.obj = nil, nil, nil
}

// peekBuildID reads the GNU build id from the headers alone; "" for files
// without one or that are not ELF. The size is part of the key: a
// stripped and an unstripped copy of one build are different files.
func peekBuildID(f *os.File) (id string) {
	defer func() {
		if recover() != nil {
			id = ""
		}
	}()
	st, err := f.Stat()
	if err != nil {
		return ""
	}
	ef, err := elf.NewFile(f)
	if err != nil {
		return ""
	}
	if b := buildID(ef, st.Size()); b != "" {
		return fmt.Sprintf("%s/%d", b, st.Size())
	}
	return ""
}

// parsed returns the object's tables, parsing the file on first use within
// the time budget; a file that takes longer is given up on. The caller
// holds co.mu.
func (co *cachedObject) parsed() *object {
	if co.obj != nil {
		return co.obj
	}
	if co.f == nil {
		return &object{err: failuref(reasonUnreadable, "closed")}
	}
	st, err := co.f.Stat()
	if err != nil {
		co.obj = &object{err: failure(reasonUnreadable, err)}
		return co.obj
	}
	// debug/elf cannot be interrupted: a parse past the budget is left to
	// finish on its own, and its result dropped.
	done := make(chan *object, 1)
	go func() { done <- loadObject(co.f, st.Size()) }()
	timer := time.NewTimer(parseBudget)
	defer timer.Stop()
	select {
	case co.obj = <-done:
	case <-timer.C:
		co.obj = &object{err: failuref(reasonTooSlow, "more than %v", parseBudget)}
	}
	return co.obj
}
