package profile

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/flametop/flametop/probes/sample"
	"github.com/flametop/flametop/profile/sanitize"
)

// Meta describes how a profile was taken.
type Meta struct {
	Event     string
	Frequency int
	Period    int64 // nanoseconds per sample
	Start     time.Time
}

// bucketWidth is the granularity of the sliding window; maxBuckets bounds
// how far back a window can reach (and so the memory it costs).
const (
	bucketWidth = time.Second
	maxBuckets  = 600
)

// Collector turns raw batches into named, aggregated profiles.
//
// Every method must be called from one goroutine (the pipeline's); the
// Symbolizer it calls does its own locking. Snapshots it returns share the
// append-only location and mapping tables but are never modified afterwards.
type Collector struct {
	sym  Symbolizer
	meta Meta

	locs     []Location
	maps     []Mapping
	mapIdx   map[Mapping]int
	locIdx   map[locKey]int
	userLoc  map[userAddr]int // (pid, gen, addr) → location
	kernLoc  map[uint64]int
	synthLoc map[string]int
	procName map[procKey]string

	total   *agg
	buckets []*agg // newest last, at most maxBuckets
	start   time.Time
	last    time.Time
}

type userAddr struct {
	pid  uint32
	gen  uint64
	addr uint64
}

type procKey struct {
	pid uint32
	gen uint64
}

type locKey struct {
	mapping int
	addr    uint64
	name    string
}

type sampleKey struct {
	stack    string // location indexes, leaf first, comma separated
	pid, tid uint32
	comm     string
	process  string
}

type agg struct {
	start   time.Time
	counts  map[sampleKey]int64
	reasons map[string]int64
	shallow map[int][2]int64 // mapping → [samples with ≤2 user frames, all samples] for the frame-pointer heuristic
}

func newAgg(t time.Time) *agg {
	return &agg{start: t, counts: map[sampleKey]int64{}, reasons: map[string]int64{}, shallow: map[int][2]int64{}}
}

// NewCollector starts an empty profile.
func NewCollector(sym Symbolizer, meta Meta) *Collector {
	c := &Collector{sym: sym, meta: meta}
	c.reset(meta.Start)
	return c
}

func (c *Collector) reset(t time.Time) {
	c.locs, c.maps = nil, nil
	c.mapIdx = map[Mapping]int{}
	c.locIdx = map[locKey]int{}
	c.userLoc = map[userAddr]int{}
	c.kernLoc = map[uint64]int{}
	c.synthLoc = map[string]int{}
	c.procName = map[procKey]string{}
	c.total = newAgg(t)
	c.buckets = nil
	c.start, c.last = t, t
}

// Reset forgets everything collected so far.
func (c *Collector) Reset() { c.reset(time.Now()) }

// Add symbolizes and aggregates one drain's samples.
func (c *Collector) Add(b sample.Batch) {
	t := b.Time
	if t.IsZero() {
		t = time.Now()
	}
	c.last = t
	bk := c.bucket(t)
	var stack []int
	var sb strings.Builder
	for i := range b.Samples {
		s := &b.Samples[i]
		if s.Count == 0 {
			continue
		}
		n := int64(s.Count)
		stack = stack[:0]
		var reasons []string
		if s.KernelStatus.Lost() {
			stack = append(stack, c.synthetic("[missing kernel stack]"))
			reasons = append(reasons, "kernel stack: "+s.KernelStatus.String())
		}
		for _, a := range s.Kernel {
			li := c.kernel(a)
			stack = append(stack, li)
			if r := c.reason(li); r != "" {
				reasons = append(reasons, r)
			}
		}
		userStart := len(stack)
		if s.UserStatus.Lost() {
			stack = append(stack, c.synthetic("[missing user stack]"))
			reasons = append(reasons, "user stack: "+s.UserStatus.String())
		}
		for _, a := range s.User {
			li := c.user(s.PID, s.Gen, a)
			stack = append(stack, li)
			if r := c.reason(li); r != "" {
				reasons = append(reasons, r)
			}
		}
		if s.KernelStatus == sample.StackTruncated || s.UserStatus == sample.StackTruncated {
			stack = append(stack, c.synthetic("[truncated]"))
			reasons = append(reasons, sample.StackTruncated.String())
		}
		if len(stack) == 0 {
			stack = append(stack, c.synthetic("[missing stack]"))
		}
		if len(s.User) > 0 {
			if m := c.locs[stack[userStart]].Mapping; m >= 0 && !c.maps[m].Kernel {
				shallow := len(s.User) <= 2
				for _, a := range []*agg{c.total, bk} {
					v := a.shallow[m]
					if shallow {
						v[0] += n
					}
					v[1] += n
					a.shallow[m] = v
				}
			}
		}
		sb.Reset()
		for j, li := range stack {
			if j > 0 {
				sb.WriteByte(',')
			}
			sb.WriteString(strconv.Itoa(li))
		}
		key := sampleKey{stack: sb.String(), pid: s.PID, tid: s.TID, comm: c.comm(s.Comm), process: c.process(s.PID, s.Gen)}
		for _, a := range []*agg{c.total, bk} {
			a.counts[key] += n
			for _, r := range dedupe(reasons) {
				a.reasons[r] += n
			}
		}
	}
}

func dedupe(rs []string) []string {
	if len(rs) < 2 {
		return rs
	}
	sort.Strings(rs)
	out := rs[:1]
	for _, r := range rs[1:] {
		if r != out[len(out)-1] {
			out = append(out, r)
		}
	}
	return out
}

// reason is a location's reason for having no name, with its module so
// the user knows which file wants debug info.
func (c *Collector) reason(li int) string {
	l := &c.locs[li]
	if l.Reason == "" || l.Mapping < 0 {
		return l.Reason
	}
	return l.Reason + " (" + baseName(c.maps[l.Mapping].File) + ")"
}

func (c *Collector) bucket(t time.Time) *agg {
	start := t.Truncate(bucketWidth)
	if n := len(c.buckets); n > 0 && !c.buckets[n-1].start.Before(start) {
		return c.buckets[n-1]
	}
	b := newAgg(start)
	c.buckets = append(c.buckets, b)
	if len(c.buckets) > maxBuckets {
		c.buckets = c.buckets[len(c.buckets)-maxBuckets:]
	}
	return b
}

func (c *Collector) comm(raw string) string { return sanitize.String(raw) }

func (c *Collector) process(pid uint32, gen uint64) string {
	k := procKey{pid, gen}
	if n, ok := c.procName[k]; ok {
		return n
	}
	n := c.sym.ProcessName(pid, gen)
	c.procName[k] = n
	return n
}

func (c *Collector) user(pid uint32, gen uint64, addr uint64) int {
	k := userAddr{pid, gen, addr}
	if li, ok := c.userLoc[k]; ok {
		return li
	}
	li := c.location(c.sym.User(pid, gen, addr), addr)
	c.userLoc[k] = li
	return li
}

func (c *Collector) kernel(addr uint64) int {
	if li, ok := c.kernLoc[addr]; ok {
		return li
	}
	// Raw kernel addresses stay out of exported profiles: they would help
	// defeat KASLR for whoever reads the file.
	li := c.location(c.sym.Kernel(addr), 0)
	c.kernLoc[addr] = li
	return li
}

func (c *Collector) synthetic(name string) int {
	if li, ok := c.synthLoc[name]; ok {
		return li
	}
	c.locs = append(c.locs, Location{Mapping: -1, Lines: []Line{{Function: name}}, Kind: KindSynthetic})
	li := len(c.locs) - 1
	c.synthLoc[name] = li
	return li
}

func (c *Collector) location(f Frame, addr uint64) int {
	mi := -1
	if f.Mapping.File != "" {
		var ok bool
		if mi, ok = c.mapIdx[f.Mapping]; !ok {
			c.maps = append(c.maps, f.Mapping)
			mi = len(c.maps) - 1
			c.mapIdx[f.Mapping] = mi
		}
	}
	lines := f.Lines
	if len(lines) == 0 {
		lines = []Line{{Function: fmt.Sprintf("[unknown] %#x", addr)}}
	}
	k := locKey{mapping: mi, addr: addr, name: lines[0].Function}
	if li, ok := c.locIdx[k]; ok {
		return li
	}
	c.locs = append(c.locs, Location{Address: addr, Mapping: mi, Lines: lines, Kind: f.Kind, Reason: f.Reason})
	li := len(c.locs) - 1
	c.locIdx[k] = li
	return li
}

// Snapshot returns an immutable profile: everything since the start (or the
// last Reset) when window is 0, else only the last window of time.
func (c *Collector) Snapshot(window time.Duration) *Profile {
	p := &Profile{
		Start:     c.start,
		Duration:  c.last.Sub(c.start),
		Event:     c.meta.Event,
		Frequency: c.meta.Frequency,
		Period:    c.meta.Period,
		Locations: c.locs[:len(c.locs):len(c.locs)],
		Reasons:   map[string]int64{},
	}
	parts := []*agg{c.total}
	if window > 0 {
		parts = nil
		from := c.last.Add(-window)
		for _, b := range c.buckets {
			if !b.start.Add(bucketWidth).Before(from) {
				parts = append(parts, b)
			}
		}
		p.Start = from
		if from.Before(c.start) {
			p.Start = from
		}
		p.Duration = window
	}
	counts := map[sampleKey]int64{}
	shallow := map[int][2]int64{}
	for _, a := range parts {
		for k, v := range a.counts {
			counts[k] += v
		}
		for r, v := range a.reasons {
			p.Reasons[r] += v
		}
		for m, v := range a.shallow {
			s := shallow[m]
			shallow[m] = [2]int64{s[0] + v[0], s[1] + v[1]}
		}
	}
	p.Mappings = make([]Mapping, len(c.maps))
	copy(p.Mappings, c.maps)
	for m, v := range shallow {
		// Most stacks of this binary stop after one or two frames: the
		// kernel's frame-pointer walk is probably failing on it.
		if v[1] >= 20 && v[0]*2 > v[1] {
			r := "no frame pointers suspected in " + baseName(p.Mappings[m].File)
			p.Reasons[r] += v[0]
			if p.Mappings[m].Note == "" {
				p.Mappings[m].Note = r
			}
		}
	}
	p.Samples = make([]Sample, 0, len(counts))
	for k, v := range counts {
		s := Sample{Count: v, PID: k.pid, TID: k.tid, Comm: k.comm, Process: k.process}
		for _, f := range strings.Split(k.stack, ",") {
			li, _ := strconv.Atoi(f)
			s.Locations = append(s.Locations, li)
		}
		p.Samples = append(p.Samples, s)
	}
	sort.Slice(p.Samples, func(i, j int) bool { return p.Samples[i].Count > p.Samples[j].Count })
	return p
}

func baseName(path string) string {
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		return path[i+1:]
	}
	return path
}
