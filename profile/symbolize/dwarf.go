package symbolize

import (
	"debug/dwarf"
	"debug/elf"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/flametop/flametop/profile"
)

// dwarfIndex answers "which source line, and which chain of inlined calls,
// is at this address" from a file's DWARF. It is built once per file, on
// the first lookup, within the parse budget.
type dwarfIndex struct {
	lines []lineRow   // sorted by addr; a row holds until the next one
	files []string    // interned file names
	funcs []*dwarfFun // subprograms, sorted by lo; inlined calls hang below
}

type lineRow struct {
	addr uint64
	file int32 // -1: end of a sequence (no line until the next row)
	line int32
}

type dwarfFun struct {
	lo, hi   uint64
	name     string
	inlined  []inlineRange // every inlined call inside, any depth
	depthMax int
}

type inlineRange struct {
	lo, hi   uint64
	name     string
	depth    int // 1: inlined directly into the subprogram
	callFile string
	callLine int
}

// Bounds on what one file's DWARF may cost.
const (
	maxDwarfRows  = 16 << 20
	maxDwarfFuncs = 4 << 20
	maxDwarfBytes = 1 << 30
)

func hasDWARF(f *elf.File) bool {
	return f.Section(".debug_info") != nil || f.Section(".zdebug_info") != nil
}

// loadDWARF builds the index; the caller recovers from panics (debug/dwarf
// is not hardened) and enforces the time budget.
func loadDWARF(f *elf.File, size int64) (*dwarfIndex, error) {
	var total uint64
	for _, s := range f.Sections {
		if strings.HasPrefix(s.Name, ".debug_") || strings.HasPrefix(s.Name, ".zdebug_") {
			if s.Offset+s.FileSize > uint64(size) && s.Type != elf.SHT_NOBITS {
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
	ix := &dwarfIndex{}
	fileIdx := map[string]int32{}
	intern := func(name string) int32 {
		if i, ok := fileIdx[name]; ok {
			return i
		}
		ix.files = append(ix.files, name)
		fileIdx[name] = int32(len(ix.files) - 1)
		return fileIdx[name]
	}
	names := newNameResolver(d)
	r := d.Reader()
	var cuFiles []*dwarf.LineFile
	// stack of open scopes: the subprogram and inlined calls we are inside.
	type scope struct {
		fun   *dwarfFun
		depth int
		tag   dwarf.Tag
	}
	var stack []scope
	depthOf := func() (*dwarfFun, int) {
		for i := len(stack) - 1; i >= 0; i-- {
			if stack[i].fun != nil {
				return stack[i].fun, stack[i].depth
			}
		}
		return nil, 0
	}
	for {
		e, err := r.Next()
		if err != nil {
			return nil, fmt.Errorf("malformed DWARF: %w", err)
		}
		if e == nil {
			break
		}
		if e.Tag == 0 { // end of a sibling list
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			continue
		}
		var fun *dwarfFun
		depth := 0
		switch e.Tag {
		case dwarf.TagCompileUnit, dwarf.TagPartialUnit:
			stack = stack[:0]
			cuFiles = nil
			if lr, err := d.LineReader(e); err == nil && lr != nil {
				cuFiles = lr.Files()
				var row dwarf.LineEntry
				for lr.Next(&row) == nil {
					if len(ix.lines) >= maxDwarfRows {
						return nil, errors.New("DWARF line table too large")
					}
					if row.EndSequence {
						ix.lines = append(ix.lines, lineRow{addr: row.Address, file: -1})
						continue
					}
					name := ""
					if row.File != nil {
						name = row.File.Name
					}
					ix.lines = append(ix.lines, lineRow{addr: row.Address, file: intern(name), line: int32(row.Line)})
				}
			}
		case dwarf.TagSubprogram:
			ranges, _ := d.Ranges(e)
			if len(ranges) > 0 {
				name := names.name(e)
				for _, rg := range ranges {
					if rg[1] > rg[0] {
						if len(ix.funcs) >= maxDwarfFuncs {
							return nil, errors.New("too many DWARF functions")
						}
						fun = &dwarfFun{lo: rg[0], hi: rg[1], name: name}
						ix.funcs = append(ix.funcs, fun)
					}
				}
			}
		case dwarf.TagInlinedSubroutine:
			parent, pd := depthOf()
			if parent != nil {
				depth = pd + 1
				fun = parent
				cf, _ := e.Val(dwarf.AttrCallFile).(int64)
				cl, _ := e.Val(dwarf.AttrCallLine).(int64)
				callFile := ""
				if cf >= 0 && int(cf) < len(cuFiles) && cuFiles[cf] != nil {
					callFile = cuFiles[cf].Name
				}
				ranges, _ := d.Ranges(e)
				name := names.name(e)
				for _, rg := range ranges {
					if rg[1] > rg[0] && len(parent.inlined) < 1<<16 {
						parent.inlined = append(parent.inlined, inlineRange{lo: rg[0], hi: rg[1], name: name, depth: depth, callFile: callFile, callLine: int(cl)})
					}
				}
				if depth > parent.depthMax {
					parent.depthMax = depth
				}
			}
		}
		if e.Children {
			if e.Tag == dwarf.TagSubprogram || e.Tag == dwarf.TagInlinedSubroutine {
				stack = append(stack, scope{fun: fun, depth: depth, tag: e.Tag})
			} else {
				// Lexical blocks and the like keep the enclosing function.
				f, d := depthOf()
				stack = append(stack, scope{fun: f, depth: d, tag: e.Tag})
			}
		}
	}
	sort.SliceStable(ix.lines, func(i, j int) bool { return ix.lines[i].addr < ix.lines[j].addr })
	sort.Slice(ix.funcs, func(i, j int) bool { return ix.funcs[i].lo < ix.funcs[j].lo })
	return ix, nil
}

// frames returns the lines at pc, inlined callee first, or nil.
func (ix *dwarfIndex) frames(pc uint64, displayName func(string) string) []profile.Line {
	i := sort.Search(len(ix.funcs), func(i int) bool { return ix.funcs[i].lo > pc }) - 1
	if i < 0 || pc >= ix.funcs[i].hi {
		return nil
	}
	fun := ix.funcs[i]
	file, line := ix.lineAt(pc)
	// The inlined calls containing pc, innermost first.
	var chain []inlineRange
	for _, in := range fun.inlined {
		if pc >= in.lo && pc < in.hi {
			chain = append(chain, in)
		}
	}
	sort.Slice(chain, func(a, b int) bool { return chain[a].depth > chain[b].depth })
	out := make([]profile.Line, 0, len(chain)+1)
	for _, in := range chain {
		out = append(out, profile.Line{Function: displayName(in.name), File: file, Line: int64(line)})
		file, line = in.callFile, in.callLine // where the caller made this call
	}
	out = append(out, profile.Line{Function: displayName(fun.name), File: file, Line: int64(line)})
	return out
}

func (ix *dwarfIndex) lineAt(pc uint64) (string, int) {
	i := sort.Search(len(ix.lines), func(i int) bool { return ix.lines[i].addr > pc }) - 1
	if i < 0 || ix.lines[i].file < 0 {
		return "", 0
	}
	return ix.files[ix.lines[i].file], int(ix.lines[i].line)
}

// nameResolver finds an entry's name, following DW_AT_abstract_origin and
// DW_AT_specification (inlined and out-of-line C++ definitions name
// themselves through them). Linkage names are preferred: demangled, they
// match what the symbol table says.
type nameResolver struct {
	d     *dwarf.Data
	cache map[dwarf.Offset]string
}

func newNameResolver(d *dwarf.Data) *nameResolver {
	return &nameResolver{d: d, cache: map[dwarf.Offset]string{}}
}

func (n *nameResolver) name(e *dwarf.Entry) string {
	return n.resolve(e, 0)
}

func (n *nameResolver) resolve(e *dwarf.Entry, hops int) string {
	for _, a := range []dwarf.Attr{dwarf.AttrLinkageName, dwarf.AttrName} {
		if s, ok := e.Val(a).(string); ok && s != "" {
			return s
		}
	}
	if hops > 4 {
		return ""
	}
	for _, a := range []dwarf.Attr{dwarf.AttrAbstractOrigin, dwarf.AttrSpecification} {
		off, ok := e.Val(a).(dwarf.Offset)
		if !ok {
			continue
		}
		if s, ok := n.cache[off]; ok {
			return s
		}
		r := n.d.Reader()
		r.Seek(off)
		ref, err := r.Next()
		if err != nil || ref == nil {
			continue
		}
		s := n.resolve(ref, hops+1)
		if len(n.cache) < 1<<20 {
			n.cache[off] = s
		}
		return s
	}
	return ""
}
