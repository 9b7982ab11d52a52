package profile

import (
	"fmt"
	"io"
	"sort"

	pprof "github.com/google/pprof/profile"
)

// WritePprof writes p as a gzipped pprof protobuf: sample types
// samples/count and cpu/nanoseconds, locations leaf first, functions and
// locations deduplicated, kernel frames in a [kernel.kallsyms] mapping, and
// pid, tid, comm and process labels.
func WritePprof(w io.Writer, p *Profile) error {
	out, err := ToPprof(p)
	if err != nil {
		return err
	}
	return out.Write(w)
}

// ToPprof converts p; the result passes CheckValid.
func ToPprof(p *Profile) (*pprof.Profile, error) {
	period := p.Period
	if period <= 0 {
		period = 1
	}
	out := &pprof.Profile{
		SampleType: []*pprof.ValueType{
			{Type: "samples", Unit: "count"},
			{Type: "cpu", Unit: "nanoseconds"},
		},
		PeriodType:    &pprof.ValueType{Type: "cpu", Unit: "nanoseconds"},
		Period:        period,
		TimeNanos:     p.Start.UnixNano(),
		DurationNanos: p.Duration.Nanoseconds(),
	}
	if p.Event != "" {
		out.Comments = append(out.Comments, fmt.Sprintf("event=%s frequency=%d", p.Event, p.Frequency))
	}

	mappings := make([]*pprof.Mapping, len(p.Mappings))
	for i, m := range p.Mappings {
		mappings[i] = &pprof.Mapping{
			Start: m.Start, Limit: m.Limit, Offset: m.Offset,
			File: m.File, BuildID: m.BuildID,
			HasFunctions: true,
		}
	}
	// pprof takes the first mapping for the profiled binary ("File:" in its
	// reports): order user mappings by samples, the kernel last.
	weight := make([]int64, len(p.Mappings))
	for _, s := range p.Samples {
		for _, li := range s.Locations {
			if li >= 0 && li < len(p.Locations) {
				if m := p.Locations[li].Mapping; m >= 0 && m < len(weight) {
					weight[m] += s.Count
				}
			}
		}
	}
	order := make([]int, len(p.Mappings))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		ka, kb := p.Mappings[order[a]].Kernel, p.Mappings[order[b]].Kernel
		if ka != kb {
			return kb
		}
		return weight[order[a]] > weight[order[b]]
	})
	for i, mi := range order {
		mappings[mi].ID = uint64(i + 1)
		out.Mapping = append(out.Mapping, mappings[mi])
	}
	type fnKey struct{ name, file string }
	funcs := map[fnKey]*pprof.Function{}
	function := func(name, file string) *pprof.Function {
		k := fnKey{name, file}
		if f, ok := funcs[k]; ok {
			return f
		}
		f := &pprof.Function{ID: uint64(len(funcs) + 1), Name: name, SystemName: name, Filename: file}
		funcs[k] = f
		out.Function = append(out.Function, f)
		return f
	}
	locs := make([]*pprof.Location, len(p.Locations))
	for i, l := range p.Locations {
		loc := &pprof.Location{ID: uint64(i + 1), Address: l.Address}
		if l.Mapping >= 0 && l.Mapping < len(mappings) {
			loc.Mapping = mappings[l.Mapping]
		}
		for _, ln := range l.Lines {
			loc.Line = append(loc.Line, pprof.Line{Function: function(ln.Function, ln.File), Line: ln.Line})
		}
		locs[i] = loc
		out.Location = append(out.Location, loc)
	}
	for _, s := range p.Samples {
		ps := &pprof.Sample{
			Value:    []int64{s.Count, s.Count * period},
			Label:    map[string][]string{},
			NumLabel: map[string][]int64{"pid": {int64(s.PID)}, "tid": {int64(s.TID)}},
		}
		if s.Comm != "" {
			ps.Label["comm"] = []string{s.Comm}
		}
		if s.Process != "" {
			ps.Label["process"] = []string{s.Process}
		}
		for _, li := range s.Locations {
			if li < 0 || li >= len(locs) {
				return nil, fmt.Errorf("sample refers to location %d of %d", li, len(locs))
			}
			ps.Location = append(ps.Location, locs[li])
		}
		out.Sample = append(out.Sample, ps)
	}
	if err := out.CheckValid(); err != nil {
		return nil, fmt.Errorf("internal error: invalid pprof profile: %w", err)
	}
	return out, nil
}
