// Package profiletest builds deterministic profiles for tests and
// benchmarks of the packages that display profiles.
package profiletest

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/flametop/flametop/profile"
)

// Start is the fixed start time of every built profile.
var Start = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

// FromStacks builds a profile from lines "process;root;...;leaf count".
// A frame ending in "_[k]" is a kernel frame, "runtime." names are Go
// runtime, "[...]" names synthetic; "a+b" in one frame is an inlined call
// (b inlined into a) at one location. Every other frame maps to the module
// named after the process. It panics on malformed lines: fixtures are code.
func FromStacks(lines ...string) *profile.Profile {
	p := &profile.Profile{
		Start: Start, Duration: 10 * time.Second, Event: "cpu-clock", Frequency: 99,
		Period: int64(time.Second) / 99, Reasons: map[string]int64{},
	}
	locs := map[string]int{}
	maps := map[string]int{}
	mapping := func(file string, kernel bool) int {
		if i, ok := maps[file]; ok {
			return i
		}
		p.Mappings = append(p.Mappings, profile.Mapping{File: file, Kernel: kernel, Start: 0x400000 * uint64(len(p.Mappings)+1), Limit: 0x400000*uint64(len(p.Mappings)+1) + 0x100000})
		maps[file] = len(p.Mappings) - 1
		return maps[file]
	}
	for _, line := range lines {
		sp := strings.LastIndexByte(line, ' ')
		n, err := strconv.ParseInt(line[sp+1:], 10, 64)
		if sp < 0 || err != nil {
			panic(fmt.Sprintf("profiletest: bad line %q", line))
		}
		frames := strings.Split(line[:sp], ";")
		proc := frames[0]
		s := profile.Sample{Count: n, PID: uint32(1000 + len(proc)), TID: uint32(1000 + len(proc)), Comm: proc, Process: proc}
		for i := len(frames) - 1; i >= 1; i-- {
			key := proc + "\x00" + frames[i]
			li, ok := locs[key]
			if !ok {
				loc := profile.Location{Address: uint64(0x1000 + 0x10*len(p.Locations)), Mapping: -1, Kind: profile.KindNative}
				name := frames[i]
				switch {
				case strings.HasSuffix(name, "_[k]"):
					name = strings.TrimSuffix(name, "_[k]")
					loc.Kind = profile.KindKernel
					loc.Address = 0
					loc.Mapping = mapping("[kernel.kallsyms]", true)
				case strings.HasPrefix(name, "["):
					loc.Kind = profile.KindSynthetic
				case strings.HasPrefix(name, "runtime."):
					loc.Kind = profile.KindGoRuntime
					loc.Mapping = mapping("/usr/bin/"+proc, false)
				default:
					loc.Mapping = mapping("/usr/bin/"+proc, false)
				}
				parts := strings.Split(name, "+")
				for j := len(parts) - 1; j >= 0; j-- { // inlined callee first
					loc.Lines = append(loc.Lines, profile.Line{Function: parts[j]})
				}
				p.Locations = append(p.Locations, loc)
				li = len(p.Locations) - 1
				locs[key] = li
			}
			s.Locations = append(s.Locations, li)
		}
		p.Samples = append(p.Samples, s)
	}
	return p
}

// Wide builds a profile whose call tree has about nodes distinct nodes:
// a few processes, deep and bushy stacks, C++-like and Go-like names.
func Wide(nodes int) *profile.Profile {
	var lines []string
	fanout := 10
	depth := 1
	for n := fanout; n < nodes; n *= fanout {
		depth++
	}
	// Each leaf path is a distinct stack of length depth; together with
	// their prefixes they make ~nodes tree nodes.
	leaves := nodes * (fanout - 1) / fanout
	for i := 0; i < leaves; i++ {
		var b strings.Builder
		b.WriteString(fmt.Sprintf("proc%d;main", i%3))
		x := i
		for d := 0; d < depth; d++ {
			fmt.Fprintf(&b, ";ns%d::Class%d<std::vector<int>>::method%d(int, char const*)", d, x%fanout, d)
			x /= fanout
		}
		fmt.Fprintf(&b, " %d", 1+i%17)
		lines = append(lines, b.String())
	}
	return FromStacks(lines...)
}
