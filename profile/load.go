package profile

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	pprof "github.com/google/pprof/profile"

	"github.com/flametop/flametop/profile/sanitize"
)

// Limits on files read for `flametop view`: a profile is user input.
const (
	maxFileSize   = 1 << 30 // bytes, after decompression
	maxLineLength = 1 << 20
	maxDepth      = 4096
)

// ReadFile reads a pprof (gzipped or not) or folded-stack file.
func ReadFile(path string) (*Profile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	return Read(f, path)
}

// Read decodes r; name is used in error messages. It never panics: the
// decoders are not hardened against every input, so a panic becomes an
// error naming the file.
func Read(r io.Reader, name string) (p *Profile, err error) {
	defer func() {
		if rec := recover(); rec != nil {
			p, err = nil, fmt.Errorf("%s: malformed profile (%v)", name, rec)
		}
	}()
	data, err := readAllLimited(r, name)
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("%s: empty file", name)
	}
	if looksFolded(data) {
		return readFolded(data, name)
	}
	pp, perr := pprof.ParseData(data)
	if perr != nil {
		return nil, fmt.Errorf("%s: not a pprof or folded-stack file", name)
	}
	return fromPprof(pp, name)
}

func readAllLimited(r io.Reader, name string) ([]byte, error) {
	br := bufio.NewReader(r)
	var src io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		src = zr
	}
	data, err := io.ReadAll(io.LimitReader(src, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("%s: larger than %d MiB uncompressed", name, maxFileSize>>20)
	}
	return data, nil
}

// looksFolded accepts text whose first meaningful line ends in a count.
func looksFolded(data []byte) bool {
	for _, line := range bytes.SplitN(data, []byte("\n"), 64) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		if !isText(line) {
			return false
		}
		sp := bytes.LastIndexAny(line, " \t")
		if sp < 0 {
			return false
		}
		_, err := strconv.ParseInt(string(line[sp+1:]), 10, 64)
		return err == nil
	}
	return false
}

func isText(b []byte) bool {
	for _, c := range b {
		if c < 0x20 && c != '\t' {
			return false
		}
	}
	return true
}

// readFolded parses "root;...;leaf count" lines (FlameGraph, inferno,
// ours). Annotations _[k] (kernel), _[j] (JIT), _[i] (inlined) and _[w]
// are stripped into the frame kind.
func readFolded(data []byte, name string) (*Profile, error) {
	p := &Profile{Reasons: map[string]int64{}}
	locs := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), maxLineLength)
	lineNo := 0
	for sc.Scan() {
		lineNo++
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		sp := strings.LastIndexAny(line, " \t")
		if sp < 0 {
			return nil, fmt.Errorf("%s: line %d: missing sample count", name, lineNo)
		}
		n, err := strconv.ParseInt(line[sp+1:], 10, 64)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("%s: line %d: bad sample count %q", name, lineNo, sanitize.String(line[sp+1:]))
		}
		frames := strings.Split(strings.TrimSpace(line[:sp]), ";")
		if len(frames) > maxDepth {
			return nil, fmt.Errorf("%s: line %d: stack deeper than %d frames", name, lineNo, maxDepth)
		}
		if n == 0 {
			continue
		}
		s := Sample{Count: n}
		for i := len(frames) - 1; i >= 0; i-- {
			f := frames[i]
			li, ok := locs[f]
			if !ok {
				fn, kind := foldedFrame(f)
				p.Locations = append(p.Locations, Location{Mapping: -1, Kind: kind, Lines: []Line{{Function: sanitize.String(fn)}}})
				li = len(p.Locations) - 1
				locs[f] = li
			}
			s.Locations = append(s.Locations, li)
		}
		p.Samples = append(p.Samples, s)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("%s: line %d: longer than %d KiB", name, lineNo+1, maxLineLength>>10)
		}
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if len(p.Samples) == 0 {
		return nil, fmt.Errorf("%s: empty profile", name)
	}
	return p, nil
}

func foldedFrame(f string) (string, FrameKind) {
	kind := KindNative
	switch {
	case strings.HasSuffix(f, "_[k]"):
		return strings.TrimSuffix(f, "_[k]"), KindKernel
	case strings.HasSuffix(f, "_[j]"):
		return strings.TrimSuffix(f, "_[j]"), KindJIT
	case strings.HasSuffix(f, "_[i]"), strings.HasSuffix(f, "_[w]"):
		f = f[:len(f)-4]
	}
	if f == "" {
		return "[unknown]", KindUnknown
	}
	if strings.HasPrefix(f, "[") && strings.HasSuffix(f, "]") {
		kind = KindSynthetic
	}
	return f, kind
}

// fromPprof maps any pprof profile into the model: ours, Go's
// runtime/pprof, or another tool's.
func fromPprof(pp *pprof.Profile, name string) (*Profile, error) {
	if len(pp.SampleType) == 0 {
		return nil, fmt.Errorf("%s: pprof profile without sample types", name)
	}
	vi := valueIndex(pp)
	p := &Profile{
		Start:    time.Unix(0, pp.TimeNanos),
		Duration: time.Duration(pp.DurationNanos),
		Period:   pp.Period,
		Reasons:  map[string]int64{},
	}
	if pp.PeriodType != nil {
		p.Event = sanitize.String(pp.PeriodType.Type)
	}
	for _, c := range pp.Comments {
		var ev string
		var hz int
		if n, _ := fmt.Sscanf(c, "event=%s frequency=%d", &ev, &hz); n == 2 {
			p.Event, p.Frequency = sanitize.String(ev), hz
		}
	}
	mapIdx := map[*pprof.Mapping]int{}
	for _, m := range pp.Mapping {
		mapIdx[m] = len(p.Mappings)
		file := sanitize.String(m.File)
		p.Mappings = append(p.Mappings, Mapping{
			Start: m.Start, Limit: m.Limit, Offset: m.Offset, File: file,
			BuildID: sanitize.String(m.BuildID), Kernel: strings.HasPrefix(file, "[kernel"),
		})
	}
	locIdx := map[*pprof.Location]int{}
	for _, l := range pp.Location {
		loc := Location{Address: l.Address, Mapping: -1}
		if l.Mapping != nil {
			loc.Mapping = mapIdx[l.Mapping]
		}
		for _, ln := range l.Line {
			if ln.Function == nil {
				continue
			}
			loc.Lines = append(loc.Lines, Line{Function: sanitize.String(ln.Function.Name), File: sanitize.String(ln.Function.Filename), Line: ln.Line})
		}
		loc.Kind = pprofKind(p, &loc)
		if len(loc.Lines) == 0 {
			loc.Lines = []Line{{Function: unnamed(p, &loc)}}
		}
		locIdx[l] = len(p.Locations)
		p.Locations = append(p.Locations, loc)
	}
	for _, s := range pp.Sample {
		if vi >= len(s.Value) || s.Value[vi] <= 0 {
			continue
		}
		out := Sample{Count: s.Value[vi]}
		if len(s.Location) > maxDepth {
			return nil, fmt.Errorf("%s: stack deeper than %d frames", name, maxDepth)
		}
		for _, l := range s.Location {
			out.Locations = append(out.Locations, locIdx[l])
		}
		if v := s.NumLabel["pid"]; len(v) > 0 {
			out.PID = uint32(v[0])
		}
		if v := s.NumLabel["tid"]; len(v) > 0 {
			out.TID = uint32(v[0])
		}
		if v := s.Label["comm"]; len(v) > 0 {
			out.Comm = sanitize.String(v[0])
		}
		if v := s.Label["process"]; len(v) > 0 {
			out.Process = sanitize.String(v[0])
		}
		p.Samples = append(p.Samples, out)
	}
	if len(p.Samples) == 0 {
		return nil, fmt.Errorf("%s: empty profile", name)
	}
	return p, nil
}

// valueIndex picks the value to show: sample counts when the profile has
// them (ours, Go's CPU profiles), else the default sample type, else the
// last one (pprof's own convention).
func valueIndex(pp *pprof.Profile) int {
	for i, st := range pp.SampleType {
		if st.Type == "samples" && st.Unit == "count" {
			return i
		}
	}
	for i, st := range pp.SampleType {
		if pp.DefaultSampleType != "" && st.Type == pp.DefaultSampleType {
			return i
		}
	}
	return len(pp.SampleType) - 1
}

func pprofKind(p *Profile, l *Location) FrameKind {
	file := ""
	if l.Mapping >= 0 {
		m := &p.Mappings[l.Mapping]
		if m.Kernel {
			return KindKernel
		}
		file = m.File
	}
	switch {
	case len(l.Lines) == 0:
		return KindUnknown
	case strings.HasSuffix(l.Lines[0].Function, "_[k]"):
		return KindKernel
	case strings.HasPrefix(file, "/tmp/perf-") || file == "//anon":
		return KindJIT
	case strings.HasPrefix(l.Lines[0].Function, "["):
		return KindSynthetic
	}
	return KindNative
}

func unnamed(p *Profile, l *Location) string {
	if l.Mapping >= 0 {
		m := &p.Mappings[l.Mapping]
		return fmt.Sprintf("%s+%#x", baseName(m.File), l.Address-m.Start+m.Offset)
	}
	return fmt.Sprintf("[unknown] %#x", l.Address)
}
