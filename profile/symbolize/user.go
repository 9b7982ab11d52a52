package symbolize

import (
	"fmt"
	"strings"
	"time"

	"github.com/flametop/flametop/profile"
)

// User names addr in process image (pid, gen).
func (s *Symbolizer) User(pid uint32, gen uint64, addr uint64) profile.Frame {
	s.mu.Lock()
	p := s.proc(pid, gen)
	m := s.mappingAt(p, addr)
	if m == nil {
		captured := p.captured
		s.mu.Unlock()
		reason := reasonNoMapping
		if !captured {
			reason = reasonGone
		}
		return unnamed(fmt.Sprintf("[unknown] %#x", addr), profile.Mapping{}, profile.KindUnknown, reason, "")
	}
	pm := profile.Mapping{Start: m.start, Limit: m.end, Offset: m.offset, File: m.name}
	switch {
	case m.path == "[vdso]":
		defer s.mu.Unlock()
		return s.vdsoFrame(m, addr, pm)
	case !m.fileBacked() || strings.HasPrefix(m.path, "/memfd:"):
		if f, ok := s.anonFrame(p, m, addr, pm); ok {
			s.mu.Unlock()
			return f
		}
	}
	co := s.objectFor(p, m)
	root := fmt.Sprintf("%s/%d/root", s.opts.ProcRoot, pid)
	mc := *m // p.maps may be replaced once mu is released
	s.mu.Unlock()
	return s.fileFrame(co, &mc, addr, pm, root)
}

// mappingAt finds the mapping holding addr. The caller holds s.mu.
func (s *Symbolizer) mappingAt(p *process, addr uint64) *mapping {
	m := findMapping(p.maps, addr)
	if m == nil && s.current(p) && time.Since(p.reread) > time.Second {
		// A library loaded after we read the maps (dlopen, or ld.so still
		// busy when we saw the exec), or a JIT's new code region: read them
		// again, at most once a second.
		p.reread = time.Now()
		s.capture(p)
		m = findMapping(p.maps, addr)
	}
	return m
}

// fileFrame names addr in the ELF file co that m maps, under co's lock.
func (s *Symbolizer) fileFrame(co *cachedObject, m *mapping, addr uint64, pm profile.Mapping, root string) profile.Frame {
	fo := addr - m.start + m.offset
	label := fmt.Sprintf("%s+%#x", shortPath(m.name), fo)
	kind := profile.KindNative
	if strings.HasPrefix(m.path, "/memfd:") && m.exec() {
		kind = profile.KindJIT // no perf map named it, and it is not ELF
	}
	co.mu.Lock()
	defer co.mu.Unlock()
	if co.err != nil {
		return unnamedErr(label, pm, kind, co.err, m)
	}
	obj := co.parsed()
	if obj.err != nil {
		return unnamedErr(label, pm, kind, obj.err, m)
	}
	pm.BuildID = obj.buildID
	vaddr, ok := obj.fileOffsetToVaddr(fo)
	if !ok {
		return unnamed(label, pm, profile.KindNative, reasonOutsideLoad, "")
	}
	s.attachDebugFile(co, obj, m.path, root)
	lines := obj.frames(vaddr)
	if lines == nil {
		if obj.stripped && obj.debug == nil {
			return unnamed(label, pm, profile.KindNative, reasonStripped, reasonStripped)
		}
		return unnamed(label, pm, profile.KindNative, reasonNoSymbol, "")
	}
	if strings.HasPrefix(lines[len(lines)-1].Function, "runtime.") {
		kind = profile.KindGoRuntime
	}
	return profile.Frame{Lines: lines, Mapping: pm, Kind: kind}
}

// unnamed is a frame without a name. note goes on the mapping: it must be
// the same for every frame of the mapping (the caller tells mappings apart
// by all their fields), so per-address reasons leave it empty.
func unnamed(name string, m profile.Mapping, kind profile.FrameKind, reason, note string) profile.Frame {
	m.Note = note
	return profile.Frame{Lines: []profile.Line{{Function: name}}, Mapping: m, Kind: kind, Reason: reason}
}

// unnamedErr is a frame of a file that could not be read at all; a memfd
// that is not ELF is JIT code without a perf map.
func unnamedErr(label string, pm profile.Mapping, kind profile.FrameKind, err error, m *mapping) profile.Frame {
	reason := reasonOf(err)
	if kind == profile.KindJIT {
		reason = reasonJIT
	}
	return unnamed(label, pm, kind, reason, sanitizeNote(err.Error()))
}

// attachDebugFile looks for obj's separate debug file once, and once more
// when a background debuginfod fetch for it has finished. The caller holds
// co.mu.
func (s *Symbolizer) attachDebugFile(co *cachedObject, obj *object, path, root string) {
	if obj.debug != nil || obj.goTab != nil || !obj.stripped && obj.hasDWARF {
		return
	}
	fetched := s.dbgd.finished(obj.buildID)
	if co.debug.searched && (!fetched || co.debug.afterFetch) {
		return
	}
	co.debug.searched, co.debug.afterFetch = true, fetched
	obj.debug, co.dbgF = s.findDebugFile(obj, path, root)
	if obj.debug == nil && !fetched {
		s.dbgd.fetch(obj.buildID)
	}
}

func findMapping(ms []mapping, addr uint64) *mapping {
	lo, hi := 0, len(ms)
	for lo < hi {
		mid := (lo + hi) / 2
		switch {
		case addr < ms[mid].start:
			hi = mid
		case addr >= ms[mid].end:
			lo = mid + 1
		default:
			return &ms[mid]
		}
	}
	return nil
}
