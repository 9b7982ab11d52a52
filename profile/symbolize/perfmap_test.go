package symbolize

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flametop/flametop/profile"
)

func TestParsePerfMap(t *testing.T) {
	in := "7f0000001000 40 LazyCompile:*fib /app/x.js:3\n" +
		"bad line\n" +
		"7f0000002000 zz nope\n" +
		"0x7f0000003000 0x10 Interpreter:main\n" +
		"7f0000001000 20 LazyCompile:*fib2 /app/x.js:9\n" + // recompiled at the same address
		"7f0000004000 8 evil\x1b[2Jname\n"
	syms := parsePerfMap([]byte(in))
	o := object{syms: syms}
	cases := map[uint64]string{
		0x7f0000001010: "LazyCompile:*fib2 /app/x.js:9",
		0x7f0000003008: "Interpreter:main",
		0x7f0000004000: "evil\\x1b[2Jname",
	}
	for a, want := range cases {
		if got, ok := o.lookup(a); !ok || got != want {
			t.Errorf("%#x: %q %v, want %q", a, got, ok, want)
		}
	}
	if _, ok := o.lookup(0x7f0000001030); ok {
		t.Error("an address past the recompiled function's size was named")
	}
}

func FuzzParsePerfMap(f *testing.F) {
	f.Add([]byte("7f0000001000 40 LazyCompile:*fib /app/x.js:3\n"))
	f.Add([]byte("0x1 0x1 a\n0 0 b\nffffffffffffffff 2 c\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		syms := parsePerfMap(data)
		for i := 1; i < len(syms); i++ {
			if syms[i].addr < syms[i-1].addr {
				t.Fatal("not sorted")
			}
		}
		o := object{syms: syms}
		o.lookup(0x7f0000001000)
	})
}

// A JIT's functions are named from /tmp/perf-<nspid>.map inside the
// process's root, read again as the JIT appends to it; memory no file
// backs otherwise keeps a label and a reason.
func TestPerfMapFrames(t *testing.T) {
	p := newFakeProc(t, 4242, 7) // PID 7 in its own namespace
	p.mapAnon(0x7f0000000000, 0x7f0000100000, "rwxp", "")
	p.mapAnon(0x7f0000200000, 0x7f0000201000, "rw-p", "")
	p.mapAnon(0x560000000000, 0x560000100000, "rw-p", "[heap]")
	p.mapAnon(0x7ffd00000000, 0x7ffd00100000, "rw-p", "[stack]")
	p.file("/tmp/perf-4242.map", "7f0000001000 40 wrong_pid_namespace\n")
	p.file("/tmp/perf-7.map", "7f0000001000 40 LazyCompile:*fib /app/x.js:3\n")
	s := New(Options{ProcRoot: p.proc})
	s.perfMapRecheck = 0
	expect := func(addr uint64, name, reason string) {
		t.Helper()
		f := s.User(4242, 1, addr)
		if f.Lines[0].Function != name || f.Reason != reason {
			t.Errorf("%#x: %q (%s), want %q (%s)", addr, f.Lines[0].Function, f.Reason, name, reason)
		}
		if kind := f.Kind; (f.Reason == "" || strings.HasPrefix(f.Reason, "JIT")) != (kind == profile.KindJIT) {
			t.Errorf("%#x: kind %v", addr, kind)
		}
	}
	expect(0x7f0000001010, "LazyCompile:*fib /app/x.js:3", "")
	if f := s.User(4242, 1, 0x7f0000001010); f.Mapping.File != "/tmp/perf-7.map" {
		t.Errorf("mapping %+v", f.Mapping)
	}

	// Appended lines are read on a miss; a line still being written waits.
	p.file("/tmp/perf-7.map", "7f0000001000 40 LazyCompile:*fib /app/x.js:3\n7f0000002000 10 added\n7f00000030")
	expect(0x7f0000002004, "added", "")
	expect(0x7f0000003004, "[anon]+0x3004", "JIT code missing from its perf map")
	p.file("/tmp/perf-7.map", "7f0000001000 40 LazyCompile:*fib /app/x.js:3\n7f0000002000 10 added\n7f0000003000 10 finished\n")
	expect(0x7f0000003004, "finished", "")

	// A shorter file was rewritten: read from the start.
	p.file("/tmp/perf-7.map", "7f0000004000 10 fresh\n")
	expect(0x7f0000004004, "fresh", "")

	expect(0x7f0000200010, "[anon]+0x10", "anonymous memory")
	expect(0x560000000100, "[heap]+0x100", "address in [heap]")
	expect(0x7ffd00000100, "[stack]+0x100", "address in [stack]")

	os.Remove(filepath.Join(p.dir, "root/tmp/perf-7.map"))
	s = New(Options{ProcRoot: p.proc})
	expect(0x7f0000001010, "[anon]+0x1010", "JIT region without a perf map")
}

func FuzzMergeSymbols(f *testing.F) {
	f.Add([]byte("7f0000001000 40 a\n7f0000001000 20 b\n"), []byte("7f0000001000 10 c\n1 1 d\n"))
	f.Fuzz(func(t *testing.T, a, b []byte) {
		syms := mergeSymbols(parsePerfMap(a), parsePerfMap(b))
		for i := 1; i < len(syms); i++ {
			if syms[i].addr <= syms[i-1].addr {
				t.Fatal("not sorted, or a start address twice")
			}
		}
	})
}
