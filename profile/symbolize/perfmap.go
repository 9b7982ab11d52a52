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
// namespace. The JIT only appends to it: a lookup that misses reads what
// was added since (at most once per recheck interval); a file that shrank
// was rewritten and is read again from the start.
type perfMap struct {
	root, name string        // open name inside root
	recheck    time.Duration // least time between two reads
	off        int64         // bytes parsed: up to the last complete line
	checked    time.Time
	found      bool     // the file existed at the last read
	syms       []symbol // sorted by addr
}

// Bounds: the file is written by the profiled process.
const (
	maxPerfMapBytes = 256 << 20
	perfMapRecheck  = time.Second // default Symbolizer.perfMapRecheck
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

// load reads what was appended since the last read.
func (pm *perfMap) load() {
	if !pm.checked.IsZero() && time.Since(pm.checked) < pm.recheck {
		return
	}
	pm.checked = time.Now()
	f, err := openInRoot(pm.root, pm.name)
	if err != nil {
		pm.found = false
		return
	}
	defer f.Close()
	pm.found = true
	st, err := f.Stat()
	if err != nil {
		return
	}
	if st.Size() < pm.off {
		pm.off, pm.syms = 0, nil
	}
	n := min(st.Size(), maxPerfMapBytes) - pm.off
	if n <= 0 {
		return
	}
	buf := make([]byte, n)
	if _, err := f.ReadAt(buf, pm.off); err != nil && err != io.EOF {
		return
	}
	end := bytes.LastIndexByte(buf, '\n') + 1 // a line being written waits for the next read
	if end == 0 {
		return
	}
	pm.off += int64(end)
	pm.syms = mergeSymbols(pm.syms, parsePerfMap(buf[:end]))
}

// mergeSymbols adds newer entries to a sorted list; at one start address
// the newer entry wins (a JIT may reuse the memory of freed code).
func mergeSymbols(old, newer []symbol) []symbol {
	if len(old) == 0 {
		return newer
	}
	all := append(old, newer...)
	sort.SliceStable(all, func(i, j int) bool { return all[i].addr < all[j].addr })
	out := all[:0]
	for i, s := range all {
		if i+1 < len(all) && all[i+1].addr == s.addr {
			continue
		}
		out = append(out, s)
	}
	if len(out) > maxSymbols {
		out = out[:maxSymbols]
	}
	return out
}

// lookup names addr; a miss reads what the JIT appended since. found
// tells whether the file exists at all.
func (pm *perfMap) lookup(addr uint64) (name string, ok, found bool) {
	find := func() (string, bool) {
		o := object{syms: pm.syms}
		return o.lookup(addr)
	}
	if name, ok := find(); ok {
		return name, true, true
	}
	pm.load()
	name, ok = find()
	return name, ok, pm.found
}

// perfMapFor returns the perf map of a process image, set up while the
// process is alive (its root and namespace PID are needed).
func (s *Symbolizer) perfMapFor(p *process) *perfMap {
	if p.perf == nil {
		p.perf = &perfMap{
			root:    fmt.Sprintf("%s/%d/root", s.opts.ProcRoot, p.pid),
			name:    fmt.Sprintf("/tmp/perf-%d.map", p.nspid),
			recheck: s.perfMapRecheck,
		}
	}
	return p.perf
}
