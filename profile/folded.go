package profile

import (
	"bufio"
	"io"
	"sort"
	"strconv"
	"strings"
)

// WriteFolded writes one line per distinct stack, "process;root;...;leaf
// count", the input format of FlameGraph's flamegraph.pl and inferno.
// Kernel frames get the "_[k]" suffix those tools colour as kernel.
// Inlined functions become frames of their own, caller first. A ';' in a
// name would split the frame, so it becomes ':'; line breaks become spaces.
func WriteFolded(w io.Writer, p *Profile) error {
	counts := map[string]int64{}
	var frames []string
	for _, s := range p.Samples {
		frames = frames[:0]
		frames = append(frames, foldedName(s.Process))
		for i := len(s.Locations) - 1; i >= 0; i-- {
			loc := &p.Locations[s.Locations[i]]
			for j := len(loc.Lines) - 1; j >= 0; j-- {
				name := foldedName(loc.Lines[j].Function)
				if loc.Kind == KindKernel {
					name += "_[k]"
				}
				frames = append(frames, name)
			}
		}
		counts[strings.Join(frames, ";")] += s.Count
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	bw := bufio.NewWriter(w)
	for _, k := range keys {
		bw.WriteString(k)
		bw.WriteByte(' ')
		bw.WriteString(strconv.FormatInt(counts[k], 10))
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

var foldedReplacer = strings.NewReplacer(";", ":", "\n", " ", "\r", " ")

func foldedName(s string) string {
	if s == "" {
		return "[unknown]"
	}
	return foldedReplacer.Replace(s)
}
