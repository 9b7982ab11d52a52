package symbolize

import (
	"debug/elf"
	"testing"
)

// The load-base arithmetic for the layouts linkers really produce.
func TestFileOffsetToVaddr(t *testing.T) {
	load := func(off, vaddr, size uint64) elf.ProgHeader {
		return elf.ProgHeader{Type: elf.PT_LOAD, Off: off, Vaddr: vaddr, Filesz: size, Memsz: size}
	}
	cases := []struct {
		name  string
		loads []elf.ProgHeader
		// a mapping as /proc/PID/maps shows it and a sampled address in it
		start, mapOff, addr uint64
		want                uint64
		ok                  bool
	}{
		{"ET_EXEC non-PIE, text segment", []elf.ProgHeader{load(0, 0x400000, 0x1000), load(0x1000, 0x401000, 0x5000)},
			0x401000, 0x1000, 0x401234, 0x401234, true},
		{"PIE, bias 0x55d0c8a00000", []elf.ProgHeader{load(0, 0, 0x2000), load(0x2000, 0x2000, 0x5000)},
			0x55d0c8a02000, 0x2000, 0x55d0c8a02010, 0x2010, true},
		{"shared library, text vaddr differs from offset", []elf.ProgHeader{load(0, 0, 0x28000), load(0x28000, 0x28000+0x1000, 0x195000)},
			0x7f3b1d028000, 0x28000, 0x7f3b1d028100, 0x29100, true},
		{"lld layout: first segment at non-zero vaddr", []elf.ProgHeader{load(0, 0x200000, 0x800), load(0x800, 0x201800, 0x3000)},
			0x5600_0000_1000, 0x0, 0x5600_0000_1900, 0x201900, true},
		{"second executable segment", []elf.ProgHeader{load(0, 0, 0x1000), load(0x1000, 0x1000, 0x1000), load(0x3000, 0x4000, 0x1000)},
			0x7000_0000_3000, 0x3000, 0x7000_0000_3008, 0x4008, true},
		{"offset outside every segment", []elf.ProgHeader{load(0, 0, 0x1000)},
			0x7000_0000_0000, 0x5000, 0x7000_0000_0010, 0, false},
	}
	for _, c := range cases {
		o := &object{loads: c.loads}
		got, ok := o.fileOffsetToVaddr(c.addr - c.start + c.mapOff)
		if got != c.want || ok != c.ok {
			t.Errorf("%s: got %#x, %v; want %#x, %v", c.name, got, ok, c.want, c.ok)
		}
	}
}

func TestObjectLookup(t *testing.T) {
	o := &object{syms: []symbol{{0x1000, 0x10, "a"}, {0x1010, 0, "b_unsized"}, {0x1100, 0x20, "c"}}}
	cases := []struct {
		addr uint64
		want string
		ok   bool
	}{
		{0xfff, "", false}, {0x1000, "a", true}, {0x100f, "a", true},
		{0x1010, "b_unsized", true}, {0x10ff, "b_unsized", true},
		{0x111f, "c", true}, {0x1120, "", false},
	}
	for _, c := range cases {
		got, ok := o.lookup(c.addr)
		if got != c.want || ok != c.ok {
			t.Errorf("lookup(%#x) = %q, %v; want %q, %v", c.addr, got, ok, c.want, c.ok)
		}
	}
}
