package symbolize

import (
	"os"
	"testing"
)

func TestParseMaps(t *testing.T) {
	raw, err := os.ReadFile("testdata/maps.txt")
	if err != nil {
		t.Fatal(err)
	}
	ms := parseMaps(raw)
	if len(ms) != 10 {
		t.Fatalf("parsed %d mappings, want 10 (the garbage line skipped)", len(ms))
	}
	cases := []struct {
		i                int
		start, end, off  uint64
		path             string
		exec, file, dele bool
		major, minor     uint32
		inode            uint64
	}{
		{1, 0x55d0c8a02000, 0x55d0c8a07000, 0x2000, "/usr/bin/my prog", true, true, false, 0xfd, 1, 1835106},
		{2, 0x55d0c9b5e000, 0x55d0c9b7f000, 0, "[heap]", false, false, false, 0, 0, 0},
		{3, 0x7f3b1c000000, 0x7f3b1c021000, 0, "", true, false, false, 0, 0, 0},
		{5, 0x7f3b1d400000, 0x7f3b1d401000, 0, "/memfd:jit", true, true, true, 0, 5, 12345},
		{6, 0x7f3b1d500000, 0x7f3b1d501000, 0x1000, "/tmp/gone", true, true, true, 0xfd, 1, 99},
		{8, 0x7ffd4a1f0000, 0x7ffd4a1f2000, 0, "[vdso]", true, false, false, 0, 0, 0},
	}
	for _, c := range cases {
		m := ms[c.i]
		if m.start != c.start || m.end != c.end || m.offset != c.off || m.path != c.path ||
			m.exec() != c.exec || m.fileBacked() != c.file || m.deleted != c.dele ||
			m.devMajor != c.major || m.devMinor != c.minor || m.inode != c.inode {
			t.Errorf("mapping %d = %+v", c.i, m)
		}
	}
	if m := findMapping(ms, 0x7f3b1d028000+5); m == nil || m.path != "/usr/lib/x86_64-linux-gnu/libc.so.6" {
		t.Errorf("findMapping(libc) = %+v", m)
	}
	if m := findMapping(ms, 0x1000); m != nil {
		t.Errorf("findMapping(unmapped) = %+v", m)
	}
}

func FuzzParseMaps(f *testing.F) {
	raw, _ := os.ReadFile("testdata/maps.txt")
	f.Add(raw)
	f.Add([]byte("0-1 r-xp 0 0:0 0 \n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, m := range parseMaps(data) {
			if m.end <= m.start {
				t.Fatalf("empty or inverted mapping %+v", m)
			}
		}
	})
}
