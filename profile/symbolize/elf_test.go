package symbolize

import (
	"bufio"
	"bytes"
	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() == 0 {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("reading /proc/PID/map_files needs root, and CI runs as root")
	}
	t.Skip("reading /proc/PID/map_files needs root")
}

func run(t *testing.T, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}

// startAddrs builds testdata/addrs.c with extra flags, runs it and returns
// its PID and the three addresses it prints.
func startAddrs(t *testing.T, strip bool, flags ...string) (int, [3]uint64) {
	pid, a, _ := startAddrsBin(t, strip, flags...)
	return pid, a
}

// startAddrsBin is startAddrs, also returning the binary's path.
func startAddrsBin(t *testing.T, strip bool, flags ...string) (int, [3]uint64, string) {
	t.Helper()
	dir := t.TempDir()
	lib := filepath.Join(dir, "libwork.so")
	run(t, "gcc", "-O1", "-shared", "-fPIC", "-o", lib, "testdata/lib.c")
	bin := filepath.Join(dir, "addrs")
	args := append([]string{"-O1", "-o", bin, "testdata/addrs.c", "-L" + dir, "-lwork", "-Wl,-rpath," + dir}, flags...)
	run(t, "gcc", args...)
	if strip {
		run(t, "strip", bin)
	}
	cmd := exec.Command(bin)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	var a [3]uint64
	if _, err := fmt.Sscanf(line, "0x%x 0x%x 0x%x", &a[0], &a[1], &a[2]); err != nil {
		t.Fatalf("parse %q: %v", line, err)
	}
	return cmd.Process.Pid, a, bin
}

func TestUserSymbols(t *testing.T) {
	requireRoot(t)
	for _, c := range []struct {
		name    string
		flags   []string
		libName string // a non-PIE executable's &lib_work is its PLT entry
	}{{"pie", []string{"-fPIE", "-pie"}, "lib_work"}, {"no-pie", []string{"-fno-PIE", "-no-pie"}, "lib_work@plt"}} {
		t.Run(c.name, func(t *testing.T) {
			pid, a := startAddrs(t, false, c.flags...)
			s := New(Options{})
			s.Observe(uint32(pid), 1, false)
			for i, want := range []string{"local_work", "static_work", c.libName} {
				f := s.User(uint32(pid), 1, a[i]+1) // +1: a return address points inside, not at the start
				if f.Lines[0].Function != want || f.Reason != "" {
					t.Errorf("%#x: got %+v, want %s", a[i], f, want)
				}
			}
			f := s.User(uint32(pid), 1, a[2])
			if c.libName == "lib_work" && (!strings.HasSuffix(f.Mapping.File, "/libwork.so") || f.Mapping.BuildID == "") {
				t.Errorf("lib mapping %+v", f.Mapping)
			}
			if name := s.ProcessName(uint32(pid), 1); name != "addrs" {
				t.Errorf("process name %q", name)
			}
		})
	}
}

// A stripped binary keeps module+offset names with a reason; its shared
// library (own symbol table) is still named.
func TestStrippedBinary(t *testing.T) {
	requireRoot(t)
	pid, a := startAddrs(t, true, "-fPIE", "-pie")
	s := New(Options{})
	f := s.User(uint32(pid), 0, a[1])
	if !strings.HasPrefix(f.Lines[0].Function, "addrs+0x") || f.Reason != "stripped binary, no debug file found" {
		t.Errorf("stripped frame = %+v", f)
	}
	if f := s.User(uint32(pid), 0, a[2]); f.Lines[0].Function != "lib_work" {
		t.Errorf("library frame = %+v", f)
	}
}

// A binary deleted, or replaced by another, while its process runs is
// still read: through /proc/PID/map_files.
func TestDeletedBinary(t *testing.T) {
	requireRoot(t)
	for _, replace := range []bool{false, true} {
		pid, a, bin := startAddrsBin(t, false, "-fPIE", "-pie")
		os.Remove(bin)
		if replace {
			os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755)
		}
		s := New(Options{})
		if f := s.User(uint32(pid), 0, a[1]+1); f.Lines[0].Function != "static_work" || f.Reason != "" {
			t.Errorf("replaced %v: %+v", replace, f)
		}
	}
}

// A process we never saw alive keeps a reason instead of a name.
func TestGoneProcess(t *testing.T) {
	s := New(Options{ProcRoot: t.TempDir()})
	f := s.User(12345, 7, 0x401000)
	if f.Reason != "process gone before its maps were read" || !strings.HasPrefix(f.Lines[0].Function, "[unknown]") {
		t.Errorf("frame = %+v", f)
	}
}

// FuzzLoadObject feeds the ELF reader (and the pclntab, DWARF and
// MiniDebugInfo readers behind it) any bytes; seeds in
// testdata/fuzz/FuzzLoadObject are small real files of each kind.
func FuzzLoadObject(f *testing.F) {
	f.Add([]byte("\x7fELF\x02\x01\x01"))
	f.Fuzz(func(t *testing.T, data []byte) {
		obj := loadObject(bytes.NewReader(data), int64(len(data)))
		if obj.err != nil {
			return
		}
		for _, p := range obj.loads {
			if p.Flags&elf.PF_X != 0 {
				for a := p.Vaddr; a < p.Vaddr+min(p.Memsz, 256); a += 7 {
					obj.frames(a)
				}
			}
		}
	})
}
