package symbolize

import "debug/dwarf"

// nameResolver finds an entry's display name, following
// DW_AT_abstract_origin and DW_AT_specification (inlined and out-of-line
// C++ definitions name themselves through them). Linkage names are
// preferred: demangled, they carry the parameter types and match what the
// symbol table says. Names are demangled and sanitized once, here.
type nameResolver struct {
	d     *dwarf.Data
	cache map[dwarf.Offset]string
}

const maxNameCache = 1 << 20

func newNameResolver(d *dwarf.Data) *nameResolver {
	return &nameResolver{d: d, cache: map[dwarf.Offset]string{}}
}

func (n *nameResolver) name(e *dwarf.Entry) string {
	return n.resolve(e, 0)
}

func (n *nameResolver) resolve(e *dwarf.Entry, hops int) string {
	for _, a := range []dwarf.Attr{dwarf.AttrLinkageName, dwarf.AttrName} {
		if s, ok := e.Val(a).(string); ok && s != "" {
			return displayName(s)
		}
	}
	if hops > 4 { // a cycle, or a chain no producer writes
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
		if len(n.cache) >= maxNameCache {
			clear(n.cache)
		}
		n.cache[off] = s
		return s
	}
	return ""
}
