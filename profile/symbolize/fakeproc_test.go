package symbolize

import (
	"debug/elf"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// fakeProc is a /proc tree with one process in it, so the symbolizer's
// process paths run without root and without a live process: maps,
// map_files, status, exe and a root directory.
type fakeProc struct {
	t     *testing.T
	proc  string // the ProcRoot
	pid   uint32
	dir   string // proc/<pid>
	lines []string
}

func newFakeProc(t *testing.T, pid, nspid uint32) *fakeProc {
	t.Helper()
	p := &fakeProc{t: t, proc: t.TempDir(), pid: pid}
	p.dir = filepath.Join(p.proc, fmt.Sprint(pid))
	for _, d := range []string{"map_files", "root/tmp"} {
		if err := os.MkdirAll(filepath.Join(p.dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	status := fmt.Sprintf("Name:\tfake\nTgid:\t%d\nNSpid:\t%d\t%d\n", pid, pid, nspid)
	os.WriteFile(filepath.Join(p.dir, "status"), []byte(status), 0o644)
	os.WriteFile(filepath.Join(p.dir, "comm"), []byte("fake\n"), 0o644)
	p.write()
	return p
}

// mapELF maps bin's loadable segments as the kernel would at base (0 for
// an ET_EXEC), linking map_files entries to it, and returns the function
// from the file's virtual addresses to the process's.
func (p *fakeProc) mapELF(bin string, base uint64) func(vaddr uint64) uint64 {
	p.t.Helper()
	f, err := elf.Open(bin)
	if err != nil {
		p.t.Fatal(err)
	}
	defer f.Close()
	var st unix.Stat_t
	if err := unix.Stat(bin, &st); err != nil {
		p.t.Fatal(err)
	}
	// map_files links to the mapped inode, whatever happens to the path
	// later: a hard link of our own stands for it.
	held := filepath.Join(p.dir, "held-"+filepath.Base(bin))
	os.Remove(held)
	if err := os.Link(bin, held); err != nil {
		p.t.Fatal(err)
	}
	for _, prog := range f.Progs {
		if prog.Type != elf.PT_LOAD {
			continue
		}
		start := base + prog.Vaddr&^0xfff
		end := (base + prog.Vaddr + prog.Memsz + 0xfff) &^ 0xfff
		perms := []byte("r--p")
		if prog.Flags&elf.PF_W != 0 {
			perms[1] = 'w'
		}
		if prog.Flags&elf.PF_X != 0 {
			perms[2] = 'x'
		}
		p.lines = append(p.lines, fmt.Sprintf("%x-%x %s %08x %02x:%02x %d %s", start, end, perms, prog.Off&^0xfff,
			unix.Major(st.Dev), unix.Minor(st.Dev), st.Ino, bin))
		os.Symlink(held, filepath.Join(p.dir, "map_files", fmt.Sprintf("%x-%x", start, end)))
	}
	os.Remove(filepath.Join(p.dir, "exe"))
	os.Symlink(bin, filepath.Join(p.dir, "exe"))
	p.write()
	return func(vaddr uint64) uint64 { return base + vaddr }
}

// mapFile maps one page of any file, executable, at start.
func (p *fakeProc) mapFile(path string, start uint64) {
	p.t.Helper()
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		p.t.Fatal(err)
	}
	p.lines = append(p.lines, fmt.Sprintf("%x-%x r-xp 00000000 %02x:%02x %d %s", start, start+0x1000,
		unix.Major(st.Dev), unix.Minor(st.Dev), st.Ino, path))
	p.write()
}

// mapAnon adds a mapping with no file: JIT code, heap, stack.
func (p *fakeProc) mapAnon(start, end uint64, perms, name string) {
	p.lines = append(p.lines, fmt.Sprintf("%x-%x %s 00000000 00:00 0 %s", start, end, perms, name))
	p.write()
}

// write writes maps sorted by address, as the kernel lists them.
func (p *fakeProc) write() {
	p.t.Helper()
	sort.Slice(p.lines, func(i, j int) bool {
		a, _, _ := strings.Cut(p.lines[i], "-")
		b, _, _ := strings.Cut(p.lines[j], "-")
		return len(a) < len(b) || len(a) == len(b) && a < b
	})
	if err := os.WriteFile(filepath.Join(p.dir, "maps"), []byte(strings.Join(p.lines, "\n")+"\n"), 0o644); err != nil {
		p.t.Fatal(err)
	}
}

// file writes a file inside the process's root.
func (p *fakeProc) file(path, content string) {
	p.t.Helper()
	full := filepath.Join(p.dir, "root", path)
	os.MkdirAll(filepath.Dir(full), 0o755)
	if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
		p.t.Fatal(err)
	}
}
