package symbolize

import (
	"encoding/binary"
	"testing"
)

// synthPclntab builds a small Go 1.20+ pclntab by hand, laid out as the
// linker lays it out, with text at 0x401000: main.a (0x401000-0x401020)
// has main.inl inlined at its first 8 bytes, called from line 11;
// main.b follows. It returns the table and the address of its inline
// tree's base (go:func.*), which is inside the table.
func synthPclntab() (data []byte, gofunc uint64) {
	le := binary.LittleEndian
	const addr = 0x4d0000
	var b []byte
	u32 := func(v uint32) { b = le.AppendUint32(b, v) }
	align := func() {
		for len(b)%4 != 0 {
			b = append(b, 0)
		}
	}
	b = make([]byte, 8+8*8)
	le.PutUint32(b, go120Magic)
	b[6], b[7] = 1, 8 // quantum, pointer size
	word := func(i int, v int) { le.PutUint64(b[8+8*i:], uint64(v)) }
	word(0, 2) // functions
	word(1, 1) // files

	word(3, len(b)) // funcnametab
	b = append(b, "\x00main.a\x00main.b\x00main.inl\x00"...)
	nameA, nameB, nameInl := 1, 8, 15
	align()
	word(4, len(b)) // cutab: the unit's file 0 is filetab offset 1
	u32(1)
	word(5, len(b)) // filetab
	b = append(b, "\x00x.go\x00"...)
	word(6, len(b)) // pctab; offset 0 means "no table"
	pctab := len(b)
	b = append(b, 0)
	// (zig-zag value delta, pc delta) pairs from value -1 at the entry.
	pcln := len(b) - pctab
	b = append(b, 22, 16, 2, 16, 0) // line 10 for 16 bytes, 11 for 16
	pcfile := len(b) - pctab
	b = append(b, 2, 32, 0) // file 0 for 32 bytes
	pcinl := len(b) - pctab
	b = append(b, 2, 8, 1, 24, 0) // inline record 0 for 8 bytes, then none
	align()
	word(7, len(b)) // functab: (entry, record) pairs, then the end
	functab := len(b)
	u32(0)
	u32(0) // patched below
	u32(32)
	u32(0)
	u32(64)
	record := func(entry uint32, name int, npcdata, nfuncdata int) int {
		off := len(b) - functab
		for _, v := range []uint32{entry, uint32(name), 0, 0, 0, uint32(pcfile), uint32(pcln), uint32(npcdata), 0, 1} {
			u32(v)
		}
		b = append(b, 0, 0, 0, byte(nfuncdata))
		return off
	}
	offA := record(0, nameA, 3, 4)
	u32(0)
	u32(0)
	u32(uint32(pcinl)) // pcdata[2]: the inline index
	u32(^uint32(0))
	u32(^uint32(0))
	u32(^uint32(0))
	u32(0) // funcdata[3]: the inline tree, at go:func.* + 0
	offB := record(32, nameB, 0, 0)
	le.PutUint32(b[functab+4:], uint32(offA))
	le.PutUint32(b[functab+12:], uint32(offB))
	// The inline tree: {funcID, pad, nameOff, parentPc, startLine}.
	gofunc = addr + uint64(len(b))
	b = append(b, 0, 0, 0, 0)
	u32(uint32(nameInl))
	u32(20) // the call site: a pc of line 11
	u32(0)
	return b, gofunc
}

func TestSyntheticPclntab(t *testing.T) {
	data, gofunc := synthPclntab()
	g, err := newGoTable(data, 0x4d0000, func(uint64, int) []byte { return nil })
	if err != nil {
		t.Fatal(err)
	}
	g.text, g.gofunc = 0x401000, gofunc
	for pc, want := range map[uint64]string{
		0x401004: "main.inl@x.go:10 < main.a@x.go:11",
		0x401010: "main.a@x.go:11",
		0x40100f: "main.a@x.go:10",
		0x401021: "main.b@x.go:10",
		0x401040: "",
		0x400fff: "",
	} {
		if got := linesString(g.frames(pc)); got != want {
			t.Errorf("%#x: %q, want %q", pc, got, want)
		}
	}
}
