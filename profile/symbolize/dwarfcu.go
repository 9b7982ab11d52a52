package symbolize

import (
	"debug/dwarf"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/flametop/flametop/profile"
	"github.com/flametop/flametop/profile/sanitize"
)

// cuIndex is one compilation unit's line table and functions.
type cuIndex struct {
	lines  []lineRow   // sorted by addr; a row holds until the next one
	files  []string    // the unit's file names, sanitized
	ranges []funcRange // sorted by lo
	ninl   int         // inlined ranges, for the cost
}

type lineRow struct {
	addr uint64
	file int32 // endSeq: no line until the next row; noFile: a line without a file
	line int32
}

// dwarfFunc is one subprogram; a function split in several ranges (hot and
// cold parts) has one funcRange per part, all pointing here.
type dwarfFunc struct {
	name    string
	inlined []inlineRange // every inlined call inside, any depth
}

type funcRange struct {
	lo, hi uint64
	fn     *dwarfFunc
}

type inlineRange struct {
	lo, hi   uint64
	name     string
	depth    int32 // 1: inlined directly into the subprogram
	callLine int32
	callFile int32 // index into files, or -1
}

const (
	endSeq = -1
	noFile = -2

	maxInlinedPerFunc = 1 << 16
)

func (c *cuIndex) cost() uint64 {
	return uint64(len(c.lines) + len(c.ranges) + c.ninl)
}

// parseUnit indexes the unit whose entry is at off. It gives up at the
// deadline, checked every few hundred entries.
func (ix *dwarfIndex) parseUnit(off dwarf.Offset, deadline time.Time) (*cuIndex, error) {
	r := ix.d.Reader()
	r.Seek(off)
	cuEntry, err := r.Next()
	if err != nil || cuEntry == nil {
		return nil, fmt.Errorf("malformed DWARF unit: %v", err)
	}
	c := &cuIndex{}
	fileIdx := map[*dwarf.LineFile]int32{}
	var lineFiles []*dwarf.LineFile
	if lr, err := ix.d.LineReader(cuEntry); err == nil && lr != nil {
		lineFiles = lr.Files()
		for _, lf := range lineFiles {
			if lf != nil {
				fileIdx[lf] = int32(len(c.files))
				c.files = append(c.files, sanitize.String(lf.Name))
			}
		}
		var row dwarf.LineEntry
		for lr.Next(&row) == nil {
			if len(c.lines) >= maxCUCost {
				return nil, errors.New("DWARF line table too large")
			}
			if row.EndSequence {
				c.lines = append(c.lines, lineRow{addr: row.Address, file: endSeq})
				continue
			}
			fi, ok := fileIdx[row.File]
			if !ok && row.File != nil {
				// A file the header did not list (DW_LNE_define_file).
				fi = int32(len(c.files))
				fileIdx[row.File] = fi
				c.files = append(c.files, sanitize.String(row.File.Name))
			} else if !ok {
				fi = noFile
			}
			c.lines = append(c.lines, lineRow{addr: row.Address, file: fi, line: int32(row.Line)})
		}
		// Sequences need not come in address order; a stable sort keeps a
		// sequence's end before the next sequence's start at one address.
		sort.SliceStable(c.lines, func(i, j int) bool { return c.lines[i].addr < c.lines[j].addr })
	}
	callFile := func(e *dwarf.Entry) int32 {
		n, ok := e.Val(dwarf.AttrCallFile).(int64)
		if !ok || n < 0 || n >= int64(len(lineFiles)) || lineFiles[n] == nil {
			return -1
		}
		return fileIdx[lineFiles[n]]
	}

	// The scopes we are inside: the enclosing subprogram and the inline
	// depth. Lexical blocks and the like inherit their parent's.
	type scope struct {
		fn    *dwarfFunc
		depth int32
	}
	lang, _ := cuEntry.Val(dwarf.AttrLanguage).(int64)
	plainC := cLanguages[lang]
	stack := []scope{{}}
	if !cuEntry.Children {
		stack = nil
	}
	for n := 0; len(stack) > 0; n++ {
		if n&255 == 0 && time.Now().After(deadline) {
			return nil, fmt.Errorf("reading DWARF took longer than %v", parseBudget)
		}
		e, err := r.Next()
		if err != nil {
			return nil, fmt.Errorf("malformed DWARF: %w", err)
		}
		if e == nil {
			break
		}
		if e.Tag == 0 {
			stack = stack[:len(stack)-1]
			continue
		}
		cur := stack[len(stack)-1]
		switch e.Tag {
		case dwarf.TagSubprogram:
			ranges, _ := ix.d.Ranges(e)
			fn := &dwarfFunc{}
			for _, rg := range ranges {
				if rg[1] > rg[0] {
					c.ranges = append(c.ranges, funcRange{rg[0], rg[1], fn})
				}
			}
			if len(ranges) > 0 {
				fn.name = ix.names.name(e)
			}
			cur = scope{fn: fn}
		case dwarf.TagInlinedSubroutine:
			if cur.fn == nil {
				break
			}
			cur.depth++
			ranges, _ := ix.d.Ranges(e)
			if len(ranges) == 0 {
				break
			}
			name := ix.names.name(e)
			cf, cl := callFile(e), e.Val(dwarf.AttrCallLine)
			line, _ := cl.(int64)
			for _, rg := range ranges {
				if rg[1] > rg[0] && len(cur.fn.inlined) < maxInlinedPerFunc {
					cur.fn.inlined = append(cur.fn.inlined, inlineRange{lo: rg[0], hi: rg[1], name: name, depth: cur.depth, callFile: cf, callLine: int32(line)})
					c.ninl++
				}
			}
		}
		if int(c.cost()) > maxCUCost {
			return nil, errors.New("DWARF unit too large")
		}
		if e.Children {
			if !descend(e.Tag, plainC) {
				// Types, variables and parameters hold no code: skip
				// their subtrees (a seek where the producer left
				// DW_AT_sibling) rather than decode every member.
				r.SkipChildren()
				continue
			}
			stack = append(stack, cur)
		}
	}
	sort.Slice(c.ranges, func(i, j int) bool { return c.ranges[i].lo < c.ranges[j].lo })
	return c, nil
}

// DW_LANG_C89, C, C99, C11, C17: no member functions in structs.
var cLanguages = map[int64]bool{0x1: true, 0x2: true, 0xc: true, 0x1d: true, 0x2c: true}

// descend reports whether a DIE's children may hold a function with code:
// scopes do, and in C++ or Rust so may types (local classes, methods).
func descend(tag dwarf.Tag, plainC bool) bool {
	switch tag {
	case dwarf.TagSubprogram, dwarf.TagInlinedSubroutine, dwarf.TagLexDwarfBlock,
		dwarf.TagNamespace, dwarf.TagModule, dwarf.TagTryDwarfBlock, dwarf.TagCatchDwarfBlock:
		return true
	case dwarf.TagStructType, dwarf.TagClassType, dwarf.TagUnionType, dwarf.TagInterfaceType:
		return !plainC
	}
	return false
}

// frames returns the lines at pc, inlined callee first, or nil when no
// function of the unit holds pc.
func (c *cuIndex) frames(pc uint64) []profile.Line {
	i := sort.Search(len(c.ranges), func(i int) bool { return c.ranges[i].lo > pc })
	var fn *dwarfFunc
	// A nested function (GNU C, some C++ producers) may start inside its
	// parent's range: the innermost range holding pc wins.
	for j := i - 1; j >= 0 && j >= i-8; j-- {
		if pc < c.ranges[j].hi {
			fn = c.ranges[j].fn
			break
		}
	}
	if fn == nil || fn.name == "" {
		return nil
	}
	var chain []*inlineRange
	for k := range fn.inlined {
		if in := &fn.inlined[k]; pc >= in.lo && pc < in.hi {
			chain = append(chain, in)
		}
	}
	sort.Slice(chain, func(a, b int) bool { return chain[a].depth > chain[b].depth })
	file, line := c.lineAt(pc)
	out := make([]profile.Line, 0, len(chain)+1)
	for _, in := range chain {
		out = append(out, profile.Line{Function: in.name, File: file, Line: line})
		// The caller's position is where it made this call.
		file, line = c.file(in.callFile), int64(in.callLine)
	}
	return append(out, profile.Line{Function: fn.name, File: file, Line: line})
}

func (c *cuIndex) file(i int32) string {
	if i < 0 || int(i) >= len(c.files) {
		return ""
	}
	return c.files[i]
}

func (c *cuIndex) lineAt(pc uint64) (string, int64) {
	i := sort.Search(len(c.lines), func(i int) bool { return c.lines[i].addr > pc }) - 1
	if i < 0 || c.lines[i].file == endSeq {
		return "", 0
	}
	return c.file(c.lines[i].file), int64(c.lines[i].line)
}
