// Package atomicfile writes output files so that a reader never sees a
// partial file and an existing file is replaced only by a complete one.
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// Stdout is the path that means standard output.
const Stdout = "-"

// Check fails early, before any profiling, if path cannot be written: its
// directory must exist and be writable, and an existing target must be a
// regular file (never a device, a directory, a FIFO or a symlink).
func Check(path string) error {
	if path == Stdout {
		return nil
	}
	if path == "" {
		return errors.New("empty output path")
	}
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("output directory %s does not exist", dir)
		}
		return fmt.Errorf("output directory %s: %w", dir, unwrapPath(err))
	}
	if !st.IsDir() {
		return fmt.Errorf("output directory %s is not a directory", dir)
	}
	if err := unix.Access(dir, unix.W_OK); err != nil {
		return fmt.Errorf("output directory %s is not writable", dir)
	}
	return checkTarget(path)
}

func checkTarget(path string) error {
	st, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, unwrapPath(err))
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("refusing to overwrite %s: not a regular file", path)
	}
	return nil
}

// Write calls fill with a fresh temp file beside path (created exclusively,
// mode 0600, never through a symlink), syncs it and renames it over path. On
// any failure the temp file is removed and path is untouched. The path "-"
// writes to standard output instead.
func Write(path string, fill func(f *os.File) error) (err error) {
	if path == Stdout {
		return fill(os.Stdout)
	}
	if err := checkTarget(path); err != nil {
		return err
	}
	f, tmp, err := createTemp(filepath.Dir(path), filepath.Base(path))
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err = fill(f); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	// Re-check right before the rename: a directory or device planted at
	// path while we profiled must not be replaced.
	if err = checkTarget(path); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// createTemp opens dir/.base.tmpNNNN with O_EXCL|O_NOFOLLOW.
func createTemp(dir, base string) (*os.File, string, error) {
	for i := 0; i < 100; i++ {
		name := filepath.Join(dir, fmt.Sprintf(".%s.tmp%d%d", base, os.Getpid(), i))
		fd, err := unix.Open(name, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
		if errors.Is(err, unix.EEXIST) {
			continue
		}
		if err != nil {
			return nil, "", fmt.Errorf("create temp file in %s: %w", dir, err)
		}
		return os.NewFile(uintptr(fd), name), name, nil
	}
	return nil, "", fmt.Errorf("create temp file in %s: too many leftovers", dir)
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
