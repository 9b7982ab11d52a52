package symbolize

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Malformed files cost their own frames their names, nothing else: no
// panic, no allocation their headers ask for, and whatever still holds
// together still names frames.
func TestMalformedELF(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "inline")
	gcc(t, bin, "-O2", "-g", "testdata/inline.c")
	good, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	ef, err := elf.NewFile(bytes.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	work := symAddr(t, "nm", bin, "work")
	sec := func(name string) *elf.Section {
		s := ef.Section(name)
		if s == nil {
			t.Fatalf("no %s", name)
		}
		return s
	}
	patch := func(edit func(b []byte)) []byte {
		b := append([]byte(nil), good...)
		edit(b)
		return b
	}
	le := binary.LittleEndian
	shoff := le.Uint64(good[0x28:])
	shdr := func(b []byte, s *elf.Section) []byte { // s's section header
		for i, x := range ef.Sections {
			if x == s {
				return b[shoff+uint64(i)*64:]
			}
		}
		t.Fatal("section not found")
		return nil
	}
	cases := []struct {
		name string
		data []byte
		// what must still work: "" nothing, "symtab" the symbol name,
		// "dwarf" the name with a line
		still string
	}{
		{"empty", nil, ""},
		{"not ELF", []byte("#!/bin/sh\necho hi\n"), ""},
		{"ELF header only", good[:64], ""},
		{"truncated in the program headers", good[:100], ""},
		{"truncated before the section headers", good[:shoff], ""},
		{"truncated in .debug_info", good[:sec(".debug_info").Offset+20], ""},
		{"65535 sections", patch(func(b []byte) { le.PutUint16(b[0x3c:], 0xffff) }), ""},
		{"65535 program headers", patch(func(b []byte) { le.PutUint16(b[0x38:], 0xffff) }), ""},
		{"section headers past the end", patch(func(b []byte) { le.PutUint64(b[0x28:], 1<<62) }), ""},
		{".symtab of 2^60 bytes", patch(func(b []byte) { le.PutUint64(shdr(b, sec(".symtab"))[0x20:], 1<<60) }), ""},
		{".strtab past the end", patch(func(b []byte) { le.PutUint64(shdr(b, sec(".strtab"))[0x18:], 1<<40) }), ""},
		{"garbage .debug_info", patch(func(b []byte) {
			s := sec(".debug_info")
			copy(b[s.Offset:s.Offset+s.Size], bytes.Repeat([]byte{0xff, 0x13, 0x80}, int(s.Size)))
		}), "symtab"},
		{"garbage .debug_line", patch(func(b []byte) {
			s := sec(".debug_line")
			copy(b[s.Offset:s.Offset+s.Size], bytes.Repeat([]byte{0x7f, 0xff, 0x01}, int(s.Size)))
		}), "symtab"},
		{"garbage .debug_abbrev", patch(func(b []byte) {
			s := sec(".debug_abbrev")
			copy(b[s.Offset:s.Offset+s.Size], bytes.Repeat([]byte{0x05}, int(s.Size)))
		}), "symtab"},
		{"a .debug_info of 2^40 bytes", patch(func(b []byte) { le.PutUint64(shdr(b, sec(".debug_info"))[0x20:], 1<<40) }), "symtab"},
		{"intact", good, "dwarf"},
	}
	for _, c := range cases {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		obj := loadObject(bytes.NewReader(c.data), int64(len(c.data)))
		lines := obj.frames(work)
		for a := work - 64; a < work+64; a++ {
			obj.frames(a)
		}
		runtime.ReadMemStats(&after)
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
			t.Errorf("%s: %d MiB allocated", c.name, alloc>>20)
		}
		named := len(lines) > 0 && lines[len(lines)-1].Function == "work"
		switch c.still {
		case "":
			if obj.err == nil && named && !strings.HasPrefix(c.name, "truncated in .debug") {
				t.Errorf("%s: no error, and named", c.name)
			}
		case "symtab":
			if !named {
				t.Errorf("%s: lost the symbol table too: %v %s", c.name, obj.err, linesString(lines))
			}
		case "dwarf":
			if !named || lines[0].Line == 0 {
				t.Errorf("%s: %v %s", c.name, obj.err, linesString(lines))
			}
		}
	}
}

// A Go binary whose pclntab is garbage still has its symbol table.
func TestMalformedPclntab(t *testing.T) {
	bin := goBuild(t, "gomain.go.txt", "full")
	addr := symAddr(t, "nm", bin, "main.spin")
	good, _ := os.ReadFile(bin)
	ef, _ := elf.NewFile(bytes.NewReader(good))
	s := ef.Section(".gopclntab")
	for name, edit := range map[string]func(b []byte){
		"function table offsets": func(b []byte) { // the header's words, past magic and sizes
			for i := s.Offset + 8 + 3*8; i < s.Offset+8+8*8; i++ {
				b[i] = 0xee
			}
		},
		"function records": func(b []byte) {
			mid := s.Offset + s.Size/2
			copy(b[mid:mid+s.Size/4], bytes.Repeat([]byte{0xff, 0x7f}, int(s.Size/8)))
		},
		"function count": func(b []byte) { binary.LittleEndian.PutUint64(b[s.Offset+8:], 1<<40) },
	} {
		b := append([]byte(nil), good...)
		edit(b)
		obj := loadObject(bytes.NewReader(b), int64(len(b)))
		for a := addr; a < addr+64; a++ {
			obj.frames(a)
		}
		if got := obj.frames(addr + 4); len(got) == 0 || !strings.HasPrefix(got[len(got)-1].Function, "main.") {
			t.Errorf("%s: %s (%v)", name, linesString(got), obj.err)
		}
	}
}
