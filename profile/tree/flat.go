// Package tree reshapes a profile for display: stacks flattened to function
// ids (root first, inlined frames expanded), a per-function table, the merged
// call tree and the callers/callees trees of one function. It is pure and
// allocation-conscious: the TUI rebuilds these off its UI goroutine for every
// snapshot, for profiles of 100,000 distinct stack nodes.
package tree

import (
	"strings"

	"github.com/flametop/flametop/profile"
	"github.com/flametop/flametop/profile/sanitize"
)

// Func is one distinct frame as the views show it.
type Func struct {
	Name    string // full name (demangled); unnamed frames are "module+0xoff"
	Module  string // base name of the mapping's file, or "" when none
	Kind    profile.FrameKind
	Reason  string // why the frame is unnamed, if it is
	Process bool   // a synthetic root naming a process (group-by-process)
}

// Stack is one distinct path with its sample count.
type Stack struct {
	Frames  []int32 // function ids, root first
	Count   int64
	Process string
}

// Options select and shape the stacks.
type Options struct {
	GroupByProcess bool   // a process-name frame above every stack
	Process        string // keep only this process's samples ("" keeps all)
	Filter         string // keep only stacks with a frame whose name contains this (case-insensitive)
}

// Flat is a profile reduced to function-id stacks.
type Flat struct {
	Funcs  []Func
	Stacks []Stack
	Total  int64
}

type funcKey struct {
	name, module string
	kind         profile.FrameKind
	process      bool
}

// Flatten expands every sample of p into a root-first list of function ids.
// Samples with equal paths (for instance the same stack in two threads) are
// merged.
func Flatten(p *profile.Profile, o Options) *Flat {
	f := &Flat{}
	ids := map[funcKey]int32{}
	intern := func(k funcKey, reason string) int32 {
		if id, ok := ids[k]; ok {
			return id
		}
		id := int32(len(f.Funcs))
		// Names were sanitized on their way in; doing it again per distinct
		// function is cheap insurance that no profile, however it was
		// made, can put escape sequences on the user's terminal.
		f.Funcs = append(f.Funcs, Func{Name: sanitize.String(k.name), Module: sanitize.String(k.module), Kind: k.kind, Reason: sanitize.String(reason), Process: k.process})
		ids[k] = id
		return id
	}
	// Each location expands to the same ids every time: compute once.
	locFrames := make([][]int32, len(p.Locations))
	expand := func(li int) []int32 {
		if li < 0 || li >= len(p.Locations) {
			return nil
		}
		if fr := locFrames[li]; fr != nil {
			return fr
		}
		loc := &p.Locations[li]
		module := ""
		if loc.Mapping >= 0 && loc.Mapping < len(p.Mappings) {
			module = baseName(p.Mappings[loc.Mapping].File)
		}
		fr := make([]int32, 0, len(loc.Lines))
		// Lines are inlined-callee first; stacks here are root first.
		for j := len(loc.Lines) - 1; j >= 0; j-- {
			name := loc.Lines[j].Function
			fr = append(fr, intern(funcKey{name, module, kindOf(loc.Kind, name), false}, loc.Reason))
		}
		if len(fr) == 0 {
			fr = append(fr, intern(funcKey{"[unknown]", module, profile.KindUnknown, false}, loc.Reason))
		}
		locFrames[li] = fr
		return fr
	}
	filter := strings.ToLower(o.Filter)
	var matches []bool // per function id, for the filter
	matchesFilter := func(frames []int32) bool {
		for _, id := range frames {
			for int(id) >= len(matches) {
				fn := f.Funcs[len(matches)]
				matches = append(matches, strings.Contains(strings.ToLower(fn.Name), filter))
			}
			if matches[id] {
				return true
			}
		}
		return false
	}
	merged := map[string]int{}
	var key strings.Builder
	var path []int32
	for i := range p.Samples {
		s := &p.Samples[i]
		if s.Count <= 0 || o.Process != "" && s.Process != o.Process {
			continue
		}
		path = path[:0]
		if o.GroupByProcess {
			name := s.Process
			if name == "" {
				name = "[unknown process]"
			}
			path = append(path, intern(funcKey{name, "", profile.KindUnknown, true}, ""))
		}
		for j := len(s.Locations) - 1; j >= 0; j-- {
			path = append(path, expand(s.Locations[j])...)
		}
		if filter != "" && !matchesFilter(path) {
			continue
		}
		key.Reset()
		key.WriteString(s.Process)
		for _, id := range path {
			key.WriteByte(',')
			writeInt(&key, id)
		}
		if at, ok := merged[key.String()]; ok {
			f.Stacks[at].Count += s.Count
		} else {
			merged[key.String()] = len(f.Stacks)
			f.Stacks = append(f.Stacks, Stack{Frames: append([]int32(nil), path...), Count: s.Count, Process: s.Process})
		}
		f.Total += s.Count
	}
	return f
}

// kindOf refines a location's kind per function: Go runtime functions are
// native code to the symbolizer but deserve their own colour.
func kindOf(k profile.FrameKind, name string) profile.FrameKind {
	if k == profile.KindNative && strings.HasPrefix(name, "runtime.") {
		return profile.KindGoRuntime
	}
	return k
}

func writeInt(b *strings.Builder, v int32) {
	var buf [12]byte
	i := len(buf)
	u := uint32(v)
	for {
		i--
		buf[i] = byte('0' + u%10)
		u /= 10
		if u == 0 {
			break
		}
	}
	b.Write(buf[i:])
}

func baseName(path string) string {
	if i := strings.LastIndexByte(path, '/'); i >= 0 && i < len(path)-1 {
		return path[i+1:]
	}
	return path
}

// FindFunc returns the id of the function with this name (and module, when
// module is not empty), or -1.
func (f *Flat) FindFunc(name, module string) int32 {
	for i, fn := range f.Funcs {
		if fn.Name == name && (module == "" || fn.Module == module) {
			return int32(i)
		}
	}
	return -1
}

// Processes lists process names by samples, busiest first.
func Processes(p *profile.Profile) []string {
	counts := map[string]int64{}
	for _, s := range p.Samples {
		counts[s.Process] += s.Count
	}
	out := make([]string, 0, len(counts))
	for n := range counts {
		if n != "" {
			out = append(out, n)
		}
	}
	sortByCount(out, counts)
	return out
}
