package symbolize

import (
	"bytes"
	"debug/elf"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
)

// debugLink reads .gnu_debuglink: a file name, NUL, padding to 4 bytes,
// and the CRC32 of the debug file.
func debugLink(f *elf.File, size int64) (string, uint32) {
	s := f.Section(".gnu_debuglink")
	if s == nil || s.Size > 4096 || s.Offset+s.Size > uint64(size) {
		return "", 0
	}
	data, err := s.Data()
	if err != nil {
		return "", 0
	}
	end := bytes.IndexByte(data, 0)
	if end <= 0 || end > 255 {
		return "", 0
	}
	crcAt := int(align4(uint64(end + 1)))
	if crcAt+4 > len(data) {
		return "", 0
	}
	name := string(data[:end])
	if filepath.Base(name) != name || name == "." || name == ".." {
		return "", 0 // a name, never a path: it must not walk the file system
	}
	return name, f.ByteOrder.Uint32(data[crcAt:])
}

// debugFileCandidates lists where separate debug info for an object at
// path may be, in the order GDB looks: by build id under each debug
// directory, then by debuglink beside the file, in its .debug directory,
// and under each debug directory.
func debugFileCandidates(o *object, path string, debugDirs []string) (byID, byLink []string) {
	if len(o.buildID) > 2 {
		for _, d := range debugDirs {
			byID = append(byID, filepath.Join(d, ".build-id", o.buildID[:2], o.buildID[2:]+".debug"))
		}
	}
	if o.debugLink != "" {
		dir := filepath.Dir(path)
		byLink = append(byLink, filepath.Join(dir, o.debugLink), filepath.Join(dir, ".debug", o.debugLink))
		for _, d := range debugDirs {
			byLink = append(byLink, filepath.Join(d, dir, o.debugLink))
		}
	}
	return byID, byLink
}

// findDebugFile opens and parses the first matching debug file: by build id
// (the id must match), or by debuglink (the CRC must match), in the
// process's root first, then the host's; last, in the debuginfod cache.
func (s *Symbolizer) findDebugFile(o *object, path, root string) (*object, *os.File) {
	byID, byLink := debugFileCandidates(o, path, s.opts.DebugDirs)
	var file *os.File
	try := func(p string, check func(*os.File, *object) bool, roots ...string) *object {
		for _, r := range roots {
			f, err := openInRoot(r, p)
			if err != nil {
				continue
			}
			st, err := f.Stat()
			if err != nil {
				f.Close()
				continue
			}
			dbg := loadObject(f, st.Size())
			if dbg.err == nil && check(f, dbg) {
				file = f // kept open: DWARF is read on demand
				return dbg
			}
			f.Close()
		}
		return nil
	}
	sameID := func(_ *os.File, d *object) bool { return d.buildID == o.buildID }
	for _, p := range byID {
		if d := try(p, sameID, root, "/"); d != nil {
			return d, file
		}
	}
	for _, p := range byLink {
		if p == path {
			continue
		}
		if d := try(p, func(f *os.File, _ *object) bool { return fileCRC(f) == o.debugCRC }, root, "/"); d != nil {
			return d, file
		}
	}
	// The debuginfod cache is ours, on the host: never the process's.
	if p := s.dbgd.cachePath(o.buildID); p != "" {
		if d := try(p, sameID, "/"); d != nil {
			return d, file
		}
	}
	return nil, nil
}

func fileCRC(f *os.File) uint32 {
	h := crc32.NewIEEE()
	if _, err := io.Copy(h, io.NewSectionReader(f, 0, 1<<40)); err != nil {
		return 0
	}
	return h.Sum32()
}
