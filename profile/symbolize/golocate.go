package symbolize

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"strings"
)

// Bounds on how much of a file is read to find Go's tables when the
// section headers that name them are gone.
const (
	maxScanBytes = 256 << 20
	scanChunk    = 1 << 20
)

// findPclntab returns the pclntab and its address: from its section (the
// Go linker keeps .gopclntab even with -s -w; external linkers may prefix
// the name), from the runtime.pclntab symbol, or, when the section headers
// were removed (sstrip, llvm-objcopy --strip-sections), by scanning the
// loaded segments for the table's magic and a header that holds together.
func findPclntab(o *object, f *elf.File, syms []elf.Symbol) ([]byte, uint64, error) {
	for _, s := range f.Sections {
		if s.Name == ".gopclntab" || strings.HasSuffix(s.Name, ".gopclntab") {
			if s.Type == elf.SHT_NOBITS || s.Size < 16 || s.Size > maxSectionSize || s.Offset+s.Size > uint64(o.size) {
				return nil, 0, errors.New("malformed Go binary: .gopclntab out of bounds")
			}
			data := make([]byte, s.Size)
			if _, err := o.r.ReadAt(data, int64(s.Offset)); err != nil {
				return nil, 0, err
			}
			return data, s.Addr, nil
		}
	}
	if a, e := symValue(syms, "runtime.pclntab"), symValue(syms, "runtime.epclntab"); a != 0 && e > a+16 && e-a <= maxSectionSize {
		if data := o.readVaddr(a, int(e-a)); data != nil {
			return data, a, nil
		}
	}
	if len(f.Sections) > 1 {
		return nil, 0, nil // section headers present and none is Go's: not a Go program
	}
	return scanPclntab(o)
}

// scanPclntab looks for a 1.18+ pclntab header at pointer-aligned offsets
// of every loaded segment.
func scanPclntab(o *object) ([]byte, uint64, error) {
	scanned := 0
	for _, p := range o.loads {
		for at := uint64(0); at < p.Filesz && scanned < maxScanBytes; at += scanChunk {
			n := min(p.Filesz-at, scanChunk+16)
			buf := make([]byte, n)
			if _, err := o.r.ReadAt(buf, int64(p.Off+at)); err != nil {
				break
			}
			scanned += int(n)
			for i := 0; i+16 <= len(buf) && uint64(i) < scanChunk; i += 4 {
				if !pclntabHeader(buf[i:]) {
					continue
				}
				start := at + uint64(i)
				size := min(p.Filesz-start, maxSectionSize)
				data := make([]byte, size)
				if _, err := o.r.ReadAt(data, int64(p.Off+start)); err != nil {
					continue
				}
				_, order := pclntabMagic(data)
				g := &goTable{data: data, ptr: int(data[7]), quantum: uint64(data[6]), order: order}
				if g.parseHeader() == nil {
					return data, p.Vaddr + start, nil
				}
			}
		}
	}
	return nil, 0, nil
}

func pclntabHeader(b []byte) bool {
	le, be := binary.LittleEndian.Uint32(b), binary.BigEndian.Uint32(b)
	if le != go118Magic && le != go120Magic && be != go118Magic && be != go120Magic {
		return false
	}
	return b[4] == 0 && b[5] == 0 && (b[6] == 1 || b[6] == 2 || b[6] == 4) && (b[7] == 4 || b[7] == 8)
}

// moduledata is what we need of runtime.firstmoduledata.
type moduledata struct{ text, gofunc uint64 }

// findModuledata finds runtime.firstmoduledata, which starts with a pointer
// to the pclntab followed by the funcnametab slice, in the section Go 1.26
// gives it, else in the data sections, else in the writable segments. Word
// 22 is runtime.text; go:func.* is word 40 (1.20+, which added the coverage
// counters) or 38 (1.18, 1.19).
func findModuledata(o *object, f *elf.File, g *goTable, pclntab uint64) moduledata {
	var regions [][2]uint64 // file offset, size
	for _, name := range []string{".go.module", ".noptrdata", ".data", ".data.rel.ro"} {
		if s := f.Section(name); s != nil && s.Type != elf.SHT_NOBITS {
			regions = append(regions, [2]uint64{s.Offset, s.Size})
		}
	}
	if len(regions) == 0 {
		for _, p := range o.loads {
			if p.Flags&elf.PF_W != 0 {
				regions = append(regions, [2]uint64{p.Off, p.Filesz})
			}
		}
	}
	w := g.ptr
	want := make([]byte, 2*w)
	names := pclntab + uint64(len(g.data)-len(g.funcnames))
	if w == 4 {
		g.order.PutUint32(want, uint32(pclntab))
		g.order.PutUint32(want[4:], uint32(names))
	} else {
		g.order.PutUint64(want, pclntab)
		g.order.PutUint64(want[8:], names)
	}
	gofuncWord := 38
	if g.go120 {
		gofuncWord = 40
	}
	need := (gofuncWord + 1) * w
	scanned := uint64(0)
	for _, r := range regions {
		if r[0]+r[1] > uint64(o.size) || scanned+r[1] > maxScanBytes {
			continue
		}
		scanned += r[1]
		buf := make([]byte, r[1])
		if _, err := o.r.ReadAt(buf, int64(r[0])); err != nil {
			continue
		}
		for i := 0; ; i++ {
			j := bytes.Index(buf[i:], want)
			if j < 0 {
				break
			}
			i += j
			if i%w != 0 || i+need > len(buf) {
				continue
			}
			word := func(k int) uint64 { return g.uintptr(buf[i+k*w:]) }
			md := moduledata{text: word(22), gofunc: word(gofuncWord)}
			if md.text == 0 || word(20) != md.text+uint64(g.order.Uint32(g.functab)) {
				continue // minpc is the first function's entry
			}
			if o.readVaddr(md.gofunc, 1) == nil {
				md.gofunc = 0
			}
			return md
		}
	}
	return moduledata{}
}

// readVaddr reads n bytes at a virtual address of the file's loaded image.
func (o *object) readVaddr(addr uint64, n int) []byte {
	for _, p := range o.loads {
		if addr >= p.Vaddr && addr-p.Vaddr+uint64(n) <= p.Filesz {
			b := make([]byte, n)
			if _, err := o.r.ReadAt(b, int64(p.Off+addr-p.Vaddr)); err != nil {
				return nil
			}
			return b
		}
	}
	return nil
}
