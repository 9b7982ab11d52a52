package symbolize

import (
	"fmt"

	"github.com/flametop/flametop/profile"
)

// anonFrame names an address in memory no ELF file backs: JIT code named
// by the process's perf map (whatever the mapping's permissions said when
// the maps were read: JITs flip W^X), else a label and the reason. ok is
// false for a memfd the perf map does not name: it may hold an ELF image.
func (s *Symbolizer) anonFrame(p *process, m *mapping, addr uint64, pm profile.Mapping) (profile.Frame, bool) {
	found := false
	if p.captured && p.nspid != 0 {
		perf := s.perfMapFor(p)
		var name string
		var ok bool
		if name, ok, found = perf.lookup(addr); ok {
			pm.File = perf.name
			return profile.Frame{Lines: []profile.Line{{Function: name}}, Mapping: pm, Kind: profile.KindJIT}, true
		}
	}
	if m.fileBacked() {
		return profile.Frame{}, false
	}
	label := m.name
	if label == "" {
		label = "[anon]"
	}
	name := fmt.Sprintf("%s+%#x", label, addr-m.start)
	switch {
	case m.exec() && found:
		return unnamed(name, pm, profile.KindJIT, reasonJITMissing, reasonJITMissing), true
	case m.exec() && label != "[heap]" && label != "[stack]":
		return unnamed(name, pm, profile.KindJIT, reasonJIT, reasonJIT), true
	case label == "[heap]" || label == "[stack]":
		return unnamed(name, pm, profile.KindUnknown, "address in "+label, "address in "+label), true
	}
	return unnamed(name, pm, profile.KindUnknown, reasonAnon, reasonAnon), true
}
