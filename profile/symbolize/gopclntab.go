package symbolize

import (
	"debug/elf"
	"debug/gosym"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"

	"github.com/flametop/flametop/profile"
	"github.com/flametop/flametop/profile/sanitize"
)

// goTable names Go code from the pclntab, the table the Go runtime itself
// uses for tracebacks. The linker keeps it in binaries built with
// -ldflags=-s -w, so stripped Go programs still get names, files, lines and
// their inlined calls.
//
// Tables of Go 1.18 and later are read here directly (debug/gosym does not
// expose the inline tree); older ones go through debug/gosym, without
// inlined frames.
type goTable struct {
	data    []byte // the whole pclntab
	order   binary.ByteOrder
	ptr     int    // pointer size
	quantum uint64 // instruction size unit of pc deltas
	go120   bool   // 1.20+ layout (startLine in _func, 16-byte inline records)
	nfunc   int

	funcnames, cutab, filetab, pctab, functab []byte

	text   uint64 // address of runtime.text: function entries are offsets from it
	gofunc uint64 // address of go:func.*, base of funcdata offsets; 0 if unknown
	addr   uint64 // of the pclntab
	file   func(vaddr uint64, n int) []byte

	old *gosym.Table

	wrapperID int // the funcID of compiler-written wrappers; 0: not known yet, -1: none
}

const (
	go118Magic = 0xfffffff0
	go120Magic = 0xfffffff1
	go116Magic = 0xfffffffa
	go12Magic  = 0xfffffffb

	pcdataInlTreeIndex = 2 // abi.PCDATA_InlTreeIndex
	funcdataInlTree    = 3 // abi.FUNCDATA_InlTree
	maxInlineDepth     = 64
)

// loadGoTable returns nil, nil for objects that are not Go programs.
func loadGoTable(o *object, f *elf.File, syms []elf.Symbol) (gt *goTable, err error) {
	defer func() {
		if p := recover(); p != nil {
			gt, err = nil, fmt.Errorf("malformed Go symbol table: %v", p)
		}
	}()
	data, addr, err := findPclntab(o, f, syms)
	if data == nil || err != nil {
		return nil, err
	}
	if magic, _ := pclntabMagic(data); magic != go118Magic && magic != go120Magic {
		return loadOldGoTable(f, data)
	}
	g, err := newGoTable(data, addr, o.readVaddr)
	if err != nil {
		return nil, err
	}
	md := findModuledata(o, f, g, addr)
	g.text, g.gofunc = md.text, md.gofunc
	if g.text == 0 {
		g.text = symValue(syms, "runtime.text")
	}
	if g.text == 0 {
		if t := f.Section(".text"); t != nil {
			g.text = t.Addr
		}
	}
	if g.gofunc == 0 {
		g.gofunc = symValue(syms, "go:func.*")
	}
	if g.gofunc == 0 {
		g.gofunc = symValue(syms, "go.func.*")
	}
	return g, nil
}

// newGoTable reads a 1.18+ pclntab at addr; file reads the rest of the
// image (the inline trees may be outside the table).
func newGoTable(data []byte, addr uint64, file func(vaddr uint64, n int) []byte) (*goTable, error) {
	if len(data) < 16 {
		return nil, errors.New("malformed Go symbol table: too short")
	}
	magic, order := pclntabMagic(data)
	g := &goTable{data: data, addr: addr, order: order, ptr: int(data[7]), quantum: uint64(data[6]), go120: magic == go120Magic, file: file}
	return g, g.parseHeader()
}

// parseHeader reads the 1.18+ header: magic, two zero bytes, quantum and
// pointer size, then eight words (function and file counts, the text start
// and the offsets of the sub-tables).
func (g *goTable) parseHeader() error {
	if g.ptr != 4 && g.ptr != 8 || g.quantum == 0 || g.quantum > 4 || len(g.data) < 8+8*g.ptr {
		return errors.New("malformed Go symbol table: bad header")
	}
	word := func(i int) uint64 { return g.uintptr(g.data[8+i*g.ptr:]) }
	n := word(0)
	if n == 0 || n > uint64(len(g.data))/8 {
		return errors.New("malformed Go symbol table: bad function count")
	}
	g.nfunc = int(n)
	sub := func(i int) ([]byte, error) {
		off := word(i)
		if off > uint64(len(g.data)) {
			return nil, errors.New("malformed Go symbol table: offset out of range")
		}
		return g.data[off:], nil
	}
	var err error
	for i, dst := range []*[]byte{&g.funcnames, &g.cutab, &g.filetab, &g.pctab, &g.functab} {
		if *dst, err = sub(3 + i); err != nil {
			return err
		}
	}
	if uint64(len(g.functab)) < (n*2+1)*4 {
		return errors.New("malformed Go symbol table: function table truncated")
	}
	return nil
}

// pclntabMagic tells the version and byte order: the magic numbers read
// differently in the other byte order.
func pclntabMagic(data []byte) (uint32, binary.ByteOrder) {
	if m := binary.BigEndian.Uint32(data); m == go118Magic || m == go120Magic || m == go116Magic || m == go12Magic {
		return m, binary.BigEndian
	}
	return binary.LittleEndian.Uint32(data), binary.LittleEndian
}

// read returns n bytes at vaddr: from the pclntab when it holds them (Go
// 1.26 puts go:func.* there), else from the file.
func (g *goTable) read(vaddr uint64, n int) []byte {
	if vaddr >= g.addr && vaddr-g.addr+uint64(n) <= uint64(len(g.data)) {
		return g.data[vaddr-g.addr:][:n]
	}
	return g.file(vaddr, n)
}

func (g *goTable) uintptr(b []byte) uint64 {
	if g.ptr == 4 {
		return uint64(g.order.Uint32(b))
	}
	return g.order.Uint64(b)
}

func symValue(syms []elf.Symbol, name string) uint64 {
	for _, s := range syms {
		if s.Name == name {
			return s.Value
		}
	}
	return 0
}

func loadOldGoTable(f *elf.File, data []byte) (*goTable, error) {
	var text uint64
	if t := f.Section(".text"); t != nil {
		text = t.Addr
	}
	t, err := gosym.NewTable(nil, gosym.NewLineTable(data, text))
	if err != nil {
		return nil, fmt.Errorf("malformed Go symbol table: %w", err)
	}
	return &goTable{old: t}, nil
}

// goFunc is one _func record: what a lookup needs of it.
type goFunc struct {
	entry              uint64
	nameOff            uint32
	pcfile, pcln       uint32
	cuOffset           uint32
	funcID             uint8
	npcdata, nfuncdata uint32
	rec                []byte // the record, then its pcdata and funcdata offsets
}

// findFunc returns the function whose code holds pc.
func (g *goTable) findFunc(pc uint64) (goFunc, bool) {
	if pc < g.text || pc-g.text >= 1<<32 {
		return goFunc{}, false
	}
	off := uint32(pc - g.text)
	entryOff := func(i int) uint32 { return g.order.Uint32(g.functab[i*8:]) }
	i := sort.Search(g.nfunc, func(i int) bool { return entryOff(i) > off }) - 1
	if i < 0 || off >= entryOff(i+1) { // entry nfunc is the end of the text
		return goFunc{}, false
	}
	return g.funcAt(i)
}

// funcAt reads the record of function i of the function table.
func (g *goTable) funcAt(i int) (goFunc, bool) {
	foff := uint64(g.order.Uint32(g.functab[i*8+4:]))
	fixed := uint64(40)
	if g.go120 {
		fixed = 44
	}
	if foff+fixed > uint64(len(g.functab)) {
		return goFunc{}, false
	}
	r := g.functab[foff:]
	fn := goFunc{
		entry:     g.text + uint64(g.order.Uint32(r)),
		nameOff:   g.order.Uint32(r[4:]),
		pcfile:    g.order.Uint32(r[20:]),
		pcln:      g.order.Uint32(r[24:]),
		npcdata:   g.order.Uint32(r[28:]),
		cuOffset:  g.order.Uint32(r[32:]),
		funcID:    r[fixed-4],
		nfuncdata: uint32(r[fixed-1]),
	}
	if fn.npcdata > 1<<10 || fixed+4*uint64(fn.npcdata+fn.nfuncdata) > uint64(len(r)) {
		return goFunc{}, false
	}
	fn.rec = r[fixed : fixed+4*uint64(fn.npcdata+fn.nfuncdata)]
	return fn, true
}

// pcvalue decodes one of a function's pc-value tables at pc: pairs of
// (zig-zag varint value delta, varint pc delta in quanta), starting from
// value -1 at the entry, ended by a zero value delta after the first pair.
func (g *goTable) pcvalue(off uint32, entry, pc uint64) (int32, bool) {
	if off == 0 || uint64(off) >= uint64(len(g.pctab)) {
		return -1, false
	}
	p := g.pctab[off:]
	val, cur := int32(-1), entry
	for first := true; ; first = false {
		uv, n := binary.Uvarint(p)
		if n <= 0 || uv == 0 && !first {
			return -1, false
		}
		p = p[n:]
		val += int32(-(uint32(uv) & 1) ^ (uint32(uv) >> 1))
		pcd, n := binary.Uvarint(p)
		if n <= 0 {
			return -1, false
		}
		p = p[n:]
		cur += pcd * g.quantum
		if pc < cur {
			return val, true
		}
	}
}

// cstring reads a NUL-terminated name from tab, sanitized on the way in.
func cstring(tab []byte, off uint64) string {
	if off >= uint64(len(tab)) {
		return ""
	}
	b := tab[off:]
	n := 0
	for n < len(b) && n < maxNameLen && b[n] != 0 {
		n++
	}
	return sanitize.String(string(b[:n]))
}

func (g *goTable) funcName(nameOff uint32) string { return cstring(g.funcnames, uint64(nameOff)) }

// fileLine is the source position of pc in fn.
func (g *goTable) fileLine(fn goFunc, pc uint64) (string, int64) {
	line, _ := g.pcvalue(fn.pcln, fn.entry, pc)
	fileno, ok := g.pcvalue(fn.pcfile, fn.entry, pc)
	if !ok || fileno < 0 {
		return "", int64(max(line, 0))
	}
	i := uint64(fn.cuOffset) + uint64(fileno)
	if (i+1)*4 > uint64(len(g.cutab)) {
		return "", int64(max(line, 0))
	}
	off := g.order.Uint32(g.cutab[i*4:])
	if off == ^uint32(0) {
		return "", int64(max(line, 0))
	}
	return cstring(g.filetab, uint64(off)), int64(max(line, 0))
}

// frames names pc: the inlined calls at pc, innermost first, then the
// function that physically holds it. nil when pc is not Go code.
func (g *goTable) frames(pc uint64) []profile.Line {
	if g.old != nil {
		return g.oldFrame(pc)
	}
	fn, ok := g.findFunc(pc)
	if !ok {
		return nil
	}
	var out []profile.Line
	tree, treeOK := g.inlineTree(fn)
	for ix := g.inlineIndex(fn, pc, treeOK); ix >= 0 && len(out) < maxInlineDepth; ix = g.inlineIndex(fn, pc, treeOK) {
		call, ok := g.inlinedCall(tree, ix)
		if !ok {
			break
		}
		if len(out) == 0 || !g.isWrapper(call.funcID) {
			file, line := g.fileLine(fn, pc)
			out = append(out, profile.Line{Function: g.funcName(call.nameOff), File: file, Line: line})
		}
		// The caller's position is that of an instruction of the call site.
		pc = fn.entry + uint64(call.parentPC)
	}
	file, line := g.fileLine(fn, pc)
	if len(out) > 0 && g.isWrapper(fn.funcID) {
		return out
	}
	return append(out, profile.Line{Function: g.funcName(fn.nameOff), File: file, Line: line})
}

func (g *goTable) oldFrame(pc uint64) []profile.Line {
	file, line, fn := g.old.PCToLine(pc)
	if fn == nil {
		return nil
	}
	return []profile.Line{{Function: sanitize.String(fn.Name), File: sanitize.String(file), Line: int64(line)}}
}
