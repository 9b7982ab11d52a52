package profile_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/flametop/flametop/profile"
	"github.com/flametop/flametop/profile/profiletest"
)

func TestReadFoldedFile(t *testing.T) {
	in := "# comment\napp;main;work;ksys_write_[k] 5\napp;main;work 10\n\napp;main;jitted_[j] 2\n"
	p, err := profile.Read(strings.NewReader(in), "x.folded")
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	for _, s := range p.Samples {
		total += s.Count
	}
	if total != 17 || len(p.Samples) != 3 {
		t.Fatalf("total %d in %d samples", total, len(p.Samples))
	}
	leaf := p.Locations[p.Samples[0].Locations[0]]
	if leaf.Lines[0].Function != "ksys_write" || leaf.Kind != profile.KindKernel {
		t.Errorf("leaf of the first stack: %+v", leaf)
	}
	if jit := p.Locations[p.Samples[2].Locations[0]]; jit.Kind != profile.KindJIT || jit.Lines[0].Function != "jitted" {
		t.Errorf("JIT frame: %+v", jit)
	}
}

func TestReadErrors(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", "f: empty file"},
		{"\x00\x01\x02garbage", "f: not a pprof or folded-stack file"},
		{"a;b 3\na;c\n", "f: line 2: missing sample count"},
		{"a;b 3\na;c x\n", `f: line 2: bad sample count "x"`},
		{"a;b 0\n", "f: empty profile"},
		{"\x1f\x8b\x08\x00junk", "f: unexpected EOF"},
	}
	for _, c := range cases {
		_, err := profile.Read(strings.NewReader(c.in), "f")
		if err == nil || err.Error() != c.want {
			t.Errorf("Read(%q) = %v, want %q", c.in, err, c.want)
		}
	}
}

// What WritePprof writes, Read reads back: totals, names leaf first, labels.
func TestPprofRoundTrip(t *testing.T) {
	in := profiletest.FromStacks("app;main;run;hot 7", "app;main;run;write;ksys_write_[k] 3", "db;main;query 2")
	var buf bytes.Buffer
	if err := profile.WritePprof(&buf, in); err != nil {
		t.Fatal(err)
	}
	out, err := profile.Read(&buf, "rt.pb.gz")
	if err != nil {
		t.Fatal(err)
	}
	if out.Event != "cpu-clock" || out.Frequency != 99 || out.Duration != in.Duration || !out.Start.Equal(in.Start) {
		t.Errorf("meta: %q %d %v %v", out.Event, out.Frequency, out.Duration, out.Start)
	}
	got := map[string]int64{}
	for _, s := range out.Samples {
		var names []string
		for _, li := range s.Locations {
			names = append(names, out.Locations[li].Lines[0].Function)
		}
		got[s.Process+":"+strings.Join(names, "<")] += s.Count
	}
	want := map[string]int64{"app:hot<run<main": 7, "app:ksys_write<write<run<main": 3, "db:query<main": 2}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %d, want %d (got %v)", k, got[k], v, got)
		}
	}
	for _, l := range out.Locations {
		if l.Lines[0].Function == "ksys_write" && l.Kind != profile.KindKernel {
			t.Errorf("kernel frame read back as kind %d", l.Kind)
		}
	}
}

func FuzzRead(f *testing.F) {
	f.Add([]byte("a;b;c 1\n"))
	f.Add([]byte("a;b_[k] 2\n# x\n"))
	var buf bytes.Buffer
	profile.WritePprof(&buf, profiletest.FromStacks("app;main;hot 3"))
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := profile.Read(bytes.NewReader(data), "fuzz")
		if err != nil {
			return
		}
		for _, s := range p.Samples {
			for _, li := range s.Locations {
				if li < 0 || li >= len(p.Locations) || len(p.Locations[li].Lines) == 0 {
					t.Fatalf("bad location %d", li)
				}
			}
		}
	})
}
