package symbolize

import (
	"bytes"
	"errors"
	"fmt"
	"os"

	"github.com/flametop/flametop/profile"
)

// vdsoFrame names an address in the [vdso]. Every process of one kernel maps
// the same vdso image, so ours (read from /proc/self/mem) stands for all.
func (s *Symbolizer) vdsoFrame(m *mapping, addr uint64, pm profile.Mapping) profile.Frame {
	if s.vdso == nil && s.vdsoErr == nil {
		s.vdso, s.vdsoErr = readOwnVDSO()
	}
	label := fmt.Sprintf("[vdso]+%#x", addr-m.start)
	if s.vdsoErr != nil {
		return unnamed(label, pm, profile.KindNative, reasonVDSO, sanitizeNote(reasonVDSO+": "+s.vdsoErr.Error()))
	}
	vaddr, ok := s.vdso.fileOffsetToVaddr(addr - m.start)
	if !ok {
		return unnamed(label, pm, profile.KindNative, reasonOutsideLoad, "")
	}
	name, ok := s.vdso.lookup(vaddr)
	if !ok {
		return unnamed(label, pm, profile.KindNative, reasonNoSymbol, "")
	}
	return profile.Frame{Lines: []profile.Line{{Function: displayName(name)}}, Mapping: pm, Kind: profile.KindNative}
}

func readOwnVDSO() (*object, error) {
	raw, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		return nil, err
	}
	for _, m := range parseMaps(raw) {
		if m.path != "[vdso]" {
			continue
		}
		mem, err := os.Open("/proc/self/mem")
		if err != nil {
			return nil, err
		}
		defer mem.Close()
		buf := make([]byte, m.end-m.start)
		if _, err := mem.ReadAt(buf, int64(m.start)); err != nil {
			return nil, err
		}
		obj := loadObject(bytes.NewReader(buf), int64(len(buf)))
		return obj, obj.err
	}
	return nil, errors.New("no [vdso] mapping")
}
