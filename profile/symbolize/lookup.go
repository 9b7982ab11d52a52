package symbolize

import (
	"fmt"

	"github.com/flametop/flametop/profile"
)

// frames names vaddr with the best source the object has: DWARF (source
// lines and inlined calls, from the file or its debug file), then Go's
// pclntab, then the ELF symbol tables. nil means nothing covers vaddr.
func (o *object) frames(vaddr uint64) (lines []profile.Line) {
	defer func() {
		if recover() != nil { // a malformed table costs this frame its name
			lines = nil
		}
	}()
	// Go code first: the pclntab is exact, and cheaper than Go's DWARF. A
	// cgo binary's C code is not in it and falls through to DWARF.
	var goLines []profile.Line
	if o.goTab != nil {
		if goLines = o.goTab.frames(vaddr); goLines != nil && goLines[0].File != "" {
			return goLines
		}
		// Without a line, it is C code the Go linker linked in: DWARF or
		// the symbol table may say more.
	}
	for _, src := range []*object{o.debug, o} {
		if src == nil {
			continue
		}
		if ix := src.dwarfIndex(); ix != nil {
			if lines := ix.frames(vaddr); lines != nil {
				// A frame DWARF names only as "" (rare, broken producers)
				// falls through to the symbol table.
				if lines[len(lines)-1].Function != "" {
					return lines
				}
			}
		}
	}
	for _, src := range []*object{o, o.debug} {
		if src == nil {
			continue
		}
		if name, ok := src.lookup(vaddr); ok {
			l := profile.Line{Function: displayName(name)}
			if ix := o.lineSource(); ix != nil {
				l.File, l.Line = ix.line(vaddr)
			}
			return []profile.Line{l}
		}
	}
	return goLines
}

// dwarfIndex opens the DWARF on first use; a failure is remembered so a
// bad file costs one attempt.
func (o *object) dwarfIndex() (ix *dwarfIndex) {
	if !o.hasDWARF || o.dwarfErr != nil || o.dwarf != nil || o.elf == nil {
		return o.dwarf
	}
	defer func() {
		if p := recover(); p != nil {
			o.dwarf, o.dwarfErr, ix = nil, fmt.Errorf("malformed DWARF: %v", p), nil
		}
	}()
	o.dwarf, o.dwarfErr = openDWARF(o.elf, o.size)
	return o.dwarf
}

// lineSource is the DWARF that has o's line tables, if any.
func (o *object) lineSource() *dwarfIndex {
	if o.debug != nil {
		if ix := o.debug.dwarfIndex(); ix != nil {
			return ix
		}
	}
	return o.dwarfIndex()
}
