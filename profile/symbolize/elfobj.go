package symbolize

import (
	"debug/elf"
	"encoding/hex"
	"io"
	"sort"
	"strings"

	"github.com/flametop/flametop/profile/sanitize"
	"github.com/flametop/flametop/profile/symbolize/demangle"
)

// Limits on what one object file may make us allocate: the files are
// untrusted and debug/elf trusts their headers.
const (
	maxSymbols     = 4 << 20
	maxSectionSize = 512 << 20
	maxNameLen     = 4096
)

// symbol is one function-like symbol in the ELF virtual address space.
type symbol struct {
	addr, size uint64
	name       string
}

// object is a parsed ELF file: its loadable segments and its symbols.
type object struct {
	buildID   string
	debugLink string // .gnu_debuglink file name, if any
	debugCRC  uint32
	loads     []elf.ProgHeader
	syms      []symbol // sorted by addr
	stripped  bool     // no .symtab, MiniDebugInfo or pclntab: .dynsym at most
	err       error    // why it could not be read, if it could not

	elf      *elf.File // kept for the DWARF, read on first lookup
	r        io.ReaderAt
	size     int64
	goTab    *goTable
	hasDWARF bool
	dwarf    *dwarfIndex
	dwarfErr error
	debug    *object // a separate debug file (by build id or debuglink), if found
}

// loadObject parses r (size bytes). It never panics: debug/elf is not
// hardened against malformed input, so a panic becomes the object's error.
func loadObject(r io.ReaderAt, size int64) (obj *object) {
	obj = &object{}
	defer func() {
		if p := recover(); p != nil {
			obj = &object{err: failuref(reasonMalformed, "%v", p)}
		}
	}()
	f, err := elf.NewFile(r)
	if err != nil {
		obj.err = failure(reasonNotELF, err)
		magic := make([]byte, 4)
		if _, rerr := r.ReadAt(magic, 0); rerr == nil && string(magic) == elf.ELFMAG {
			obj.err = failure(reasonMalformed, err) // ELF, but broken
		}
		return obj
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_LOAD {
			if p.Off > uint64(size) {
				obj.err = failuref(reasonMalformed, "segment beyond end of file")
				return obj
			}
			obj.loads = append(obj.loads, p.ProgHeader)
		}
	}
	obj.buildID = buildID(f, size)
	obj.debugLink, obj.debugCRC = debugLink(f, size)
	obj.elf, obj.r, obj.size = f, r, size
	obj.hasDWARF = hasDWARF(f)
	for _, s := range f.Sections {
		if (s.Type == elf.SHT_SYMTAB || s.Type == elf.SHT_DYNSYM || s.Type == elf.SHT_STRTAB) &&
			(s.Size > maxSectionSize || s.Offset+s.Size > uint64(size)) {
			obj.err = failuref(reasonMalformed, "section %s out of bounds", s.Name)
			return obj
		}
	}
	syms, errS := f.Symbols()
	dyn, _ := f.DynamicSymbols()
	if len(syms)+len(dyn) > maxSymbols {
		obj.err = failuref(reasonMalformed, "more than %d symbols", maxSymbols)
		return obj
	}
	exec := map[elf.SectionIndex]bool{}
	for i, s := range f.Sections {
		if s.Flags&elf.SHF_EXECINSTR != 0 {
			exec[elf.SectionIndex(i)] = true
		}
	}
	seen := map[uint64]bool{}
	add := func(list []elf.Symbol) {
		for _, s := range list {
			t := elf.ST_TYPE(s.Info)
			if s.Value == 0 || s.Name == "" || len(s.Name) > maxNameLen {
				continue
			}
			if t != elf.STT_FUNC && t != elf.STT_GNU_IFUNC && !(t == elf.STT_NOTYPE && exec[s.Section]) {
				continue
			}
			if seen[s.Value] {
				continue // .symtab came first and names it already
			}
			seen[s.Value] = true
			name := sanitize.String(s.Name)
			if s.Section == elf.SHN_UNDEF {
				// An undefined function with an address is a non-PIE
				// executable's canonical PLT entry for a library function.
				name += "@plt"
			}
			obj.syms = append(obj.syms, symbol{addr: s.Value, size: s.Size, name: name})
		}
	}
	add(syms)
	add(dyn)
	mini, errM := miniDebugSymbols(f, size)
	if errM == nil && len(mini) <= maxSymbols {
		add(mini)
	}
	if gt, err := loadGoTable(obj, f, syms); err == nil {
		obj.goTab = gt
	}
	// Stripped: nothing names the functions .dynsym leaves out.
	obj.stripped = (errS != nil || len(syms) == 0) && len(mini) == 0 && obj.goTab == nil
	sort.Slice(obj.syms, func(i, j int) bool { return obj.syms[i].addr < obj.syms[j].addr })
	return obj
}

// buildID reads the GNU build-id note, if any.
func buildID(f *elf.File, size int64) string {
	for _, s := range f.Sections {
		if s.Type != elf.SHT_NOTE || s.Size > 1<<16 || s.Offset+s.Size > uint64(size) {
			continue
		}
		data, err := s.Data()
		if err != nil {
			continue
		}
		for len(data) >= 12 {
			namesz := f.ByteOrder.Uint32(data[0:])
			descsz := f.ByteOrder.Uint32(data[4:])
			typ := f.ByteOrder.Uint32(data[8:])
			nameEnd := 12 + align4(uint64(namesz))
			descEnd := nameEnd + align4(uint64(descsz))
			if descEnd > uint64(len(data)) {
				break
			}
			if typ == 3 && namesz == 4 && string(data[12:15]) == "GNU" { // NT_GNU_BUILD_ID
				return hex.EncodeToString(data[nameEnd : nameEnd+uint64(descsz)])
			}
			data = data[descEnd:]
		}
	}
	return ""
}

func align4(n uint64) uint64 { return (n + 3) &^ 3 }

// fileOffsetToVaddr translates a file offset into the ELF virtual address
// space the symbol table uses.
//
// The kernel maps each PT_LOAD segment so that file offset p_offset lands
// at (load bias + p_vaddr). A sampled address a inside a mapping that starts
// at `start` with file offset `off` therefore has file offset
// fo = a - start + off, and ELF address fo - p_offset + p_vaddr, where the
// segment is the one whose file range holds fo. This is the same arithmetic
// for ET_EXEC (bias 0) and ET_DYN (PIE executables and shared libraries,
// any bias), and it holds for binaries with several executable segments or
// a first segment at a non-zero p_vaddr (lld, prelink).
func (o *object) fileOffsetToVaddr(fo uint64) (uint64, bool) {
	for _, p := range o.loads {
		if fo >= p.Off && fo < p.Off+p.Filesz {
			return fo - p.Off + p.Vaddr, true
		}
	}
	return 0, false
}

// lookup names the function holding vaddr.
func (o *object) lookup(vaddr uint64) (string, bool) {
	i := sort.Search(len(o.syms), func(i int) bool { return o.syms[i].addr > vaddr }) - 1
	if i < 0 {
		return "", false
	}
	s := o.syms[i]
	if s.size > 0 && vaddr >= s.addr+s.size {
		return "", false // in a gap between functions: padding or stripped code
	}
	return s.name, true
}

// displayName demangles C++ and Rust names and makes them safe to print
// (Rust's v0 names may spell identifiers in any Unicode).
func displayName(raw string) string {
	if d := demangle.Full(raw); d != raw {
		return sanitize.String(d)
	}
	return sanitize.String(raw)
}

func shortPath(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return p
}
