package symbolize

import (
	"debug/dwarf"
	"debug/elf"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/flametop/flametop/profile"
)

// dwarfIndex answers "which source line, and which chain of inlined calls,
// is at this address" from a file's DWARF. Opening it reads only the
// compilation units' address ranges (one entry per unit); a unit's line
// table and functions are indexed on the first lookup that lands in it, and
// the least recently used units are dropped when the file's budget is
// spent, so a big library costs what its hot code needs.
type dwarfIndex struct {
	d     *dwarf.Data
	names *nameResolver
	spans []cuSpan   // sorted by lo
	units []*cuState // by unit number

	cost, tick uint64        // entries held by parsed units; lookup clock
	budget     uint64        // most entries held at once (maxFileCost)
	spent      time.Duration // parse time so far, against parseBudget
	err        error         // set once the budget is spent: no more units parsed
}

type cuSpan struct {
	lo, hi uint64
	unit   int32
}

type cuState struct {
	off     dwarf.Offset
	ix      *cuIndex
	err     error
	lastUse uint64
}

// Bounds on what one file's DWARF may cost.
const (
	maxDwarfBytes = 1 << 30 // all .debug_* sections, decompressed
	maxDwarfUnits = 1 << 20
	maxCUCost     = 4 << 20  // line rows + functions + inlined ranges of one unit
	maxFileCost   = 16 << 20 // of all parsed units of one file
)

func hasDWARF(f *elf.File) bool {
	return f.Section(".debug_info") != nil || f.Section(".zdebug_info") != nil
}

// openDWARF reads the unit table. The caller recovers from panics:
// debug/dwarf is not hardened against malformed input.
func openDWARF(f *elf.File, size int64) (*dwarfIndex, error) {
	var total uint64
	for _, s := range f.Sections {
		if strings.HasPrefix(s.Name, ".debug_") || strings.HasPrefix(s.Name, ".zdebug_") {
			if s.Type != elf.SHT_NOBITS && s.Offset+s.FileSize > uint64(size) {
				return nil, fmt.Errorf("malformed DWARF: section %s out of bounds", s.Name)
			}
			total += s.Size
		}
	}
	if total > maxDwarfBytes {
		return nil, errors.New("DWARF larger than 1 GiB: not read")
	}
	d, err := f.DWARF()
	if err != nil {
		return nil, fmt.Errorf("unreadable DWARF: %w", err)
	}
	ix := &dwarfIndex{d: d, names: newNameResolver(d), budget: maxFileCost}
	r := d.Reader()
	for len(ix.units) < maxDwarfUnits {
		e, err := r.Next()
		if err != nil {
			return nil, fmt.Errorf("malformed DWARF: %w", err)
		}
		if e == nil {
			break
		}
		if e.Tag == dwarf.TagCompileUnit || e.Tag == dwarf.TagPartialUnit {
			ranges, _ := d.Ranges(e)
			n := int32(len(ix.units))
			ix.units = append(ix.units, &cuState{off: e.Offset})
			for _, rg := range ranges {
				if rg[1] > rg[0] {
					ix.spans = append(ix.spans, cuSpan{rg[0], rg[1], n})
				}
			}
		}
		r.SkipChildren() // for a unit: straight to the next unit's header
	}
	sort.Slice(ix.spans, func(i, j int) bool { return ix.spans[i].lo < ix.spans[j].lo })
	return ix, nil
}

// frames returns the lines at pc, inlined callee first, or nil.
func (ix *dwarfIndex) frames(pc uint64) []profile.Line {
	i := sort.Search(len(ix.spans), func(i int) bool { return ix.spans[i].lo > pc })
	// Spans may nest or overlap (producers differ): look a few back.
	for j := i - 1; j >= 0 && j >= i-8; j-- {
		s := ix.spans[j]
		if pc < s.lo || pc >= s.hi {
			continue
		}
		cu := ix.unit(s.unit)
		if cu == nil {
			continue
		}
		if lines := cu.frames(pc); lines != nil {
			return lines
		}
	}
	return nil
}

// line is the source position of pc from the line tables alone, for code
// that has lines but no function entry (a symbol-table name then goes with
// it).
func (ix *dwarfIndex) line(pc uint64) (string, int64) {
	i := sort.Search(len(ix.spans), func(i int) bool { return ix.spans[i].lo > pc })
	for j := i - 1; j >= 0 && j >= i-8; j-- {
		if s := ix.spans[j]; pc < s.hi {
			if cu := ix.unit(s.unit); cu != nil {
				if file, line := cu.lineAt(pc); file != "" {
					return file, line
				}
			}
		}
	}
	return "", 0
}

// unit returns unit n's index, parsing it if needed within the file's time
// budget and evicting the least recently used units over the memory budget.
func (ix *dwarfIndex) unit(n int32) *cuIndex {
	u := ix.units[n]
	ix.tick++
	u.lastUse = ix.tick
	if u.ix != nil || u.err != nil {
		return u.ix
	}
	if ix.err != nil {
		return nil
	}
	start := time.Now()
	func() {
		defer func() {
			if p := recover(); p != nil { // a bad unit costs only its own frames
				u.ix, u.err = nil, fmt.Errorf("malformed DWARF: %v", p)
			}
		}()
		u.ix, u.err = ix.parseUnit(u.off, start.Add(parseBudget-ix.spent))
	}()
	ix.spent += time.Since(start)
	if ix.spent >= parseBudget {
		ix.err = fmt.Errorf("reading DWARF took longer than %v", parseBudget)
	}
	if u.ix == nil {
		return nil
	}
	ix.cost += u.ix.cost()
	for ix.cost > ix.budget {
		if !ix.evict(n) {
			break
		}
	}
	return u.ix
}

// evict drops the least recently used parsed unit other than keep.
func (ix *dwarfIndex) evict(keep int32) bool {
	victim := -1
	for i, u := range ix.units {
		if u.ix != nil && int32(i) != keep && (victim < 0 || u.lastUse < ix.units[victim].lastUse) {
			victim = i
		}
	}
	if victim < 0 {
		return false
	}
	ix.cost -= ix.units[victim].ix.cost()
	ix.units[victim].ix = nil
	return true
}
