package symbolize

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/flametop/flametop/profile/sanitize"
)

// process is one image of one PID: what its memory looked like. Fields
// are guarded by Symbolizer.mu.
type process struct {
	pid      uint32
	gen      uint64
	nspid    uint32 // the PID as the process sees it (perf map names)
	maps     []mapping
	name     string
	captured bool      // maps were read at least once
	exited   time.Time // or replaced by a newer image (exec)
	reread   time.Time // last re-read for an address outside every mapping
	perf     *perfMap  // the JIT's perf map, once looked for
	objects  map[*cachedObject]bool
}

// capture reads the process's maps and opens every executable object it
// maps, so that it can be symbolized after it exits or its files are
// deleted. The caller holds s.mu.
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
			s.objectFor(p, m)
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
