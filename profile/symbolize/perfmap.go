package symbolize

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/flametop/flametop/profile/sanitize"
)

// perfMap is a JIT's symbol file, /tmp/perf-PID.map (Node's
// --perf-basic-prof, Python 3.12's -X perf, Java agents): one line per
// function, "START SIZE name" with hexadecimal start and size. It is found
// inside the process's own root under the PID the process sees in its PID
// namespace, and re-read as the JIT appends to it.
type perfMap struct {
	root, name string // open name inside root
	size       int64  // bytes read so far
	checked    time.Time
	syms       []symbol // sorted by addr
	err        error
}

// Bounds: the file is written by the profiled process.
const (
	maxPerfMapBytes = 256 << 20
	perfMapRecheck  = time.Second
)

// parsePerfMap reads perf-map lines; malformed lines are skipped.
func parsePerfMap(data []byte) []symbol {
	var out []symbol
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 64<<10)
	for sc.Scan() && len(out) < maxSymbols {
		line := sc.Text()
		f1 := strings.IndexByte(line, ' ')
		if f1 <= 0 {
			continue
		}
		rest := line[f1+1:]
		f2 := strings.IndexByte(rest, ' ')
		if f2 <= 0 {
			continue
		}
		start, err1 := strconv.ParseUint(strings.TrimPrefix(line[:f1], "0x"), 16, 64)
		size, err2 := strconv.ParseUint(strings.TrimPrefix(rest[:f2], "0x"), 16, 64)
		name := strings.TrimSpace(rest[f2+1:])
		if err1 != nil || err2 != nil || size == 0 || name == "" || start+size < start {
			continue
		}
		if len(name) > maxNameLen {
			name = name[:maxNameLen]
		}
		out = append(out, symbol{addr: start, size: size, name: sanitize.String(name)})
	}
	// Later lines win for the same start: a JIT may recompile a function
	// at a recycled address.
	sort.SliceStable(out, func(i, j int) bool { return out[i].addr < out[j].addr })
	dedup := out[:0]
	for i, s := range out {
		if i+1 < len(out) && out[i+1].addr == s.addr {
			continue
		}
		dedup = append(dedup, s)
	}
	return dedup
}

// nsPID is the process's PID in its own PID namespace (the last NSpid
// field of /proc/PID/status), which is what the JIT puts in the file name.
func nsPID(procRoot string, pid uint32) uint32 {
	b, err := os.ReadFile(fmt.Sprintf("%s/%d/status", procRoot, pid))
	if err != nil {
		return pid
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "NSpid:"); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				if n, err := strconv.ParseUint(f[len(f)-1], 10, 32); err == nil {
					return uint32(n)
				}
			}
		}
	}
	return pid
}

// load re-reads the file when it has grown (at most once per second).
func (pm *perfMap) load() {
	if time.Since(pm.checked) < perfMapRecheck {
		return
	}
	pm.checked = time.Now()
	f, err := openInRoot(pm.root, pm.name)
	if err != nil {
		if pm.syms == nil {
			pm.err = err
		}
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.Size() == pm.size {
		return
	}
	data, err := io.ReadAll(io.LimitReader(f, maxPerfMapBytes))
	if err != nil {
		return
	}
	pm.syms, pm.size, pm.err = parsePerfMap(data), st.Size(), nil
}

func (pm *perfMap) lookup(addr uint64) (string, bool) {
	find := func() (string, bool) {
		o := object{syms: pm.syms}
		return o.lookup(addr)
	}
	if name, ok := find(); ok {
		return name, true
	}
	pm.load()
	return find()
}

// perfMapFor returns the perf map of a process image, set up while the
// process is alive (its root and namespace PID are needed).
func (s *Symbolizer) perfMapFor(k procKey, p *process) *perfMap {
	if s.perfMaps == nil {
		s.perfMaps = map[procKey]*perfMap{}
	}
	pm, ok := s.perfMaps[k]
	if !ok {
		pm = &perfMap{
			root: fmt.Sprintf("%s/%d/root", s.opts.ProcRoot, p.pid),
			name: fmt.Sprintf("/tmp/perf-%d.map", p.nspid),
		}
		s.perfMaps[k] = pm
	}
	return pm
}
