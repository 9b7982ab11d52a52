package symbolize

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/ulikunitz/xz"
)

// MiniDebugInfo (Fedora, and some Debian builds): the .gnu_debugdata
// section holds an xz-compressed ELF file whose .symtab lists the functions
// that .dynsym leaves out, enough to name every frame of a stripped binary.
//
// The xz decoder sizes its dictionary from the stream's own headers, and
// the section is the profiled program's, so the stream is checked before
// it is decoded: one stream, whose index must add up to at most
// maxMiniDebugSize decompressed bytes and whose blocks' dictionaries are at
// most maxMiniDebugDict.
const (
	maxMiniDebugSize = 64 << 20
	maxMiniDebugDict = 64 << 20
	maxMiniDebugIn   = 64 << 20
)

// miniDebugSymbols returns the function symbols of f's MiniDebugInfo, or
// nil when it has none.
func miniDebugSymbols(f *elf.File, size int64) ([]elf.Symbol, error) {
	s := f.Section(".gnu_debugdata")
	if s == nil || s.Type == elf.SHT_NOBITS {
		return nil, nil
	}
	if s.Size > maxMiniDebugIn || s.Offset+s.Size > uint64(size) {
		return nil, errors.New("malformed MiniDebugInfo: section out of bounds")
	}
	data, err := s.Data()
	if err != nil {
		return nil, err
	}
	total, err := checkXZ(data)
	if err != nil {
		return nil, fmt.Errorf("malformed MiniDebugInfo: %w", err)
	}
	// DictCap is a floor: the stream's own (checked) size governs.
	r, err := xz.ReaderConfig{DictCap: 4096, SingleStream: true}.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("malformed MiniDebugInfo: %w", err)
	}
	out := make([]byte, 0, total)
	buf := bytes.NewBuffer(out)
	if _, err := io.Copy(buf, io.LimitReader(r, maxMiniDebugSize)); err != nil {
		return nil, fmt.Errorf("malformed MiniDebugInfo: %w", err)
	}
	inner, err := elf.NewFile(bytes.NewReader(buf.Bytes()))
	if err != nil {
		return nil, fmt.Errorf("malformed MiniDebugInfo: %w", err)
	}
	for _, s := range inner.Sections {
		if s.Type == elf.SHT_SYMTAB || s.Type == elf.SHT_STRTAB {
			if s.Offset+s.Size > uint64(buf.Len()) {
				return nil, errors.New("malformed MiniDebugInfo: section out of bounds")
			}
		}
	}
	return inner.Symbols()
}

// checkXZ validates the framing of a single xz stream and returns its
// decompressed size according to its index.
func checkXZ(d []byte) (uint64, error) {
	if len(d) < 32 || !bytes.HasPrefix(d, []byte("\xfd7zXZ\x00")) || string(d[len(d)-2:]) != "YZ" {
		return 0, errors.New("not a single xz stream")
	}
	backward := (uint64(binary.LittleEndian.Uint32(d[len(d)-8:])) + 1) * 4
	footer := uint64(len(d) - 12)
	if backward > footer-12 {
		return 0, errors.New("bad xz index size")
	}
	idx := d[footer-backward : footer]
	if idx[0] != 0 {
		return 0, errors.New("bad xz index")
	}
	p := idx[1:]
	n, k := binary.Uvarint(p)
	if k <= 0 || n > 1<<16 {
		return 0, errors.New("bad xz index")
	}
	p = p[k:]
	var total uint64
	block := uint64(12)
	for i := uint64(0); i < n; i++ {
		unpadded, k1 := binary.Uvarint(p)
		if k1 <= 0 {
			return 0, errors.New("bad xz index")
		}
		usize, k2 := binary.Uvarint(p[k1:])
		if k2 <= 0 {
			return 0, errors.New("bad xz index")
		}
		p = p[k1+k2:]
		if total += usize; total > maxMiniDebugSize {
			return 0, errors.New("decompresses to more than 64 MiB")
		}
		if block >= footer-backward || unpadded > footer {
			return 0, errors.New("xz block outside the stream")
		}
		if err := checkXZBlockHeader(d[block : footer-backward]); err != nil {
			return 0, err
		}
		block += (unpadded + 3) &^ 3
	}
	if block != footer-backward {
		return 0, errors.New("xz blocks do not add up to the stream")
	}
	return total, nil
}

// checkXZBlockHeader refuses filters other than LZMA2 (MiniDebugInfo uses
// nothing else) and dictionaries larger than maxMiniDebugDict.
func checkXZBlockHeader(b []byte) error {
	size := (int(b[0]) + 1) * 4
	if b[0] == 0 || size > len(b) || size < 8 {
		return errors.New("bad xz block header")
	}
	h := b[2:size]
	flags := b[1]
	for _, present := range []bool{flags&0x40 != 0, flags&0x80 != 0} { // sizes
		if present {
			_, k := binary.Uvarint(h)
			if k <= 0 {
				return errors.New("bad xz block header")
			}
			h = h[k:]
		}
	}
	for f := 0; f <= int(flags&3); f++ {
		id, k := binary.Uvarint(h)
		if k <= 0 {
			return errors.New("bad xz block header")
		}
		h = h[k:]
		psize, k := binary.Uvarint(h)
		if k <= 0 || psize > uint64(len(h)-k) {
			return errors.New("bad xz block header")
		}
		props := h[k : k+int(psize)]
		h = h[k+int(psize):]
		if id != 0x21 || len(props) != 1 || props[0] > 40 {
			return errors.New("xz filter other than LZMA2")
		}
		bits := uint(props[0])
		if bits == 40 || (2|uint64(bits&1))<<(bits/2+11) > maxMiniDebugDict {
			return errors.New("xz dictionary larger than 64 MiB")
		}
	}
	return nil
}
