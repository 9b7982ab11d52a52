package symbolize

import (
	"os"
	"path/filepath"
	"testing"
)

// Every unnamed frame says why, in one of a few words the caller can count
// by; the detail goes to the mapping's note when it holds for the whole
// mapping.
func TestReasons(t *testing.T) {
	dir := t.TempDir()
	full := filepath.Join(dir, "full")
	gcc(t, full, "-O1", "testdata/addrs.c", "testdata/lib.c")
	static := symAddr(t, "nm", full, "static_work")
	stripped := filepath.Join(dir, "stripped")
	run(t, "strip", "--strip-all", "-o", stripped, full)
	script := filepath.Join(dir, "script")
	os.WriteFile(script, []byte("#!/bin/sh\n"+string(make([]byte, 8192))), 0o755)
	truncated := filepath.Join(dir, "truncated")
	data, _ := os.ReadFile(full)
	os.WriteFile(truncated, data[:300], 0o755)

	p := newFakeProc(t, 4242, 4242)
	inFull := p.mapELF(full, 0x5555_0000_0000)
	inStripped := p.mapELF(stripped, 0x5666_0000_0000)
	p.mapFile(script, 0x7000_0000_0000)
	p.mapFile(truncated, 0x7100_0000_0000)
	p.mapAnon(0x7200_0000_0000, 0x7200_0000_1000, "rw-p", "[anon:cache]")
	s := New(Options{ProcRoot: p.proc, DebugDirs: []string{filepath.Join(dir, "no-debug")}})

	cases := []struct {
		what       string
		addr       uint64
		reason     string
		mappingAll bool // the reason holds for the whole mapping
	}{
		{"stripped, no debug file", inStripped(static), reasonStripped, true},
		{"not ELF", 0x7000_0000_0010, reasonNotELF, true},
		{"truncated ELF", 0x7100_0000_0010, reasonMalformed, true},
		{"no mapping", 0x10, reasonNoMapping, false},
		{"named anonymous memory", 0x7200_0000_0010, reasonAnon, true},
		{"named", inFull(static), "", false},
	}
	for _, c := range cases {
		f := s.User(4242, 1, c.addr)
		if f.Reason != c.reason || (f.Mapping.Note != "") != c.mappingAll || len(f.Lines) == 0 || f.Lines[0].Function == "" {
			t.Errorf("%s: %+v", c.what, f)
		}
	}
	if got := s.User(4242, 1, 0x7200_0000_0010).Lines[0].Function; got != "[anon:cache]+0x10" {
		t.Errorf("anonymous label %q", got)
	}
}
