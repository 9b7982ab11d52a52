package symbolize

import (
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// fileKey identifies an object file independently of its path.
type fileKey struct {
	major, minor uint32
	inode        uint64
}

func (m *mapping) key() fileKey { return fileKey{m.devMajor, m.devMinor, m.inode} }

// openMapped opens the file mapping m of process pid: through
// /proc/PID/map_files (the mapped file itself, even when deleted, replaced
// or in another mount namespace), else by path inside the process's root,
// else, for a process that is gone, by path on the host. Whatever is
// opened must have the device and inode the maps line names.
func (s *Symbolizer) openMapped(pid uint32, m *mapping) (*os.File, error) {
	k := m.key()
	f, err := os.Open(fmt.Sprintf("%s/%d/map_files/%x-%x", s.opts.ProcRoot, pid, m.start, m.end))
	if err == nil {
		if sameFile(f, k) {
			return f, nil
		}
		f.Close() // the range was unmapped and mapped again since the maps were read
		return nil, failuref(reasonReplaced, "%s", m.path)
	}
	f, err = openInRoot(fmt.Sprintf("%s/%d/root", s.opts.ProcRoot, pid), m.path)
	if err != nil && !m.deleted {
		f, err = openInRoot("/", m.path)
	}
	if err != nil {
		return nil, failure(reasonUnreadable, err)
	}
	if !sameFile(f, k) {
		f.Close()
		return nil, failuref(reasonReplaced, "%s", m.path)
	}
	return f, nil
}

func sameFile(f *os.File, k fileKey) bool {
	var st unix.Stat_t
	if unix.Fstat(int(f.Fd()), &st) != nil {
		return false
	}
	return st.Ino == k.inode && unix.Major(st.Dev) == k.major && unix.Minor(st.Dev) == k.minor
}

// openInRoot opens path resolved inside root, so that a symlink planted in a
// container cannot point us at the host's files, and only if it is a
// regular file: it is first opened with O_PATH and checked, so that a
// device or a FIFO is never opened for reading (which can block or act).
func openInRoot(root, path string) (*os.File, error) {
	rfd, err := unix.Open(root, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	defer unix.Close(rfd)
	how := unix.OpenHow{Flags: unix.O_PATH | unix.O_CLOEXEC, Resolve: unix.RESOLVE_IN_ROOT | unix.RESOLVE_NO_MAGICLINKS}
	pfd, err := unix.Openat2(rfd, strings.TrimPrefix(path, "/"), &how)
	if err != nil {
		return nil, err
	}
	defer unix.Close(pfd)
	var st unix.Stat_t
	if err := unix.Fstat(pfd, &st); err != nil {
		return nil, err
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	// Reopen the very inode the O_PATH descriptor holds.
	fd, err := unix.Open(fmt.Sprintf("/proc/self/fd/%d", pfd), unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NOCTTY, 0)
	if err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(fd), path), nil
}
