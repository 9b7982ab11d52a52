package symbolize

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestKallsyms(t *testing.T) {
	raw, err := os.ReadFile("testdata/kallsyms.txt")
	if err != nil {
		t.Fatal(err)
	}
	k := ParseKallsyms(raw)
	if k.Hidden() {
		t.Fatal("addresses are real, not hidden")
	}
	cases := []struct {
		addr      uint64
		want, mod string
		ok        bool
	}{
		{0xffffffff80ffffff, "", "", false},
		{0xffffffff81000010, "_stext", "", true}, // the first of two names at one address
		{0xffffffff81001010, "do_one_initcall", "", true},
		{0xffffffff81002010, "do_one_initcall", "", true}, // data symbols do not count
		{0xffffffff81003010, "do_syscall_64", "", true},
		{0xffffffff81003410, "weak_fn", "", true},
		{0xffffffff81003400 + maxKernelFunc, "", "", false}, // far past the last function of the image
		{0xffffffffc0100020, "nf_hook_slow", "nf_tables", true},
		{0xffffffffc0200020, "bpf_prog_6deef7357e7b4530_ft_sample", "bpf", true},
	}
	for _, c := range cases {
		got, mod, ok := k.LookupModule(c.addr)
		if got != c.want || mod != c.mod || ok != c.ok {
			t.Errorf("LookupModule(%#x) = %q, %q, %v; want %q, %q, %v", c.addr, got, mod, ok, c.want, c.mod, c.ok)
		}
	}
}

// With kptr_restrict every address reads as zero: every kernel frame must
// be "[kernel]" with a reason, not one wrong symbol; an unreadable kallsyms
// says so too.
func TestKallsymsHidden(t *testing.T) {
	raw, _ := os.ReadFile("testdata/kallsyms.txt")
	var zeroed []string
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		zeroed = append(zeroed, "0000000000000000"+line[16:])
	}
	s := New(Options{Kallsyms: []byte(strings.Join(zeroed, "\n"))})
	f := s.Kernel(0xffffffff81003010)
	if f.Lines[0].Function != "[kernel]" || f.Reason != "kernel symbols hidden (kptr_restrict)" || f.Mapping.File != "[kernel.kallsyms]" || !s.KernelHidden() {
		t.Errorf("hidden kernel frame = %+v, hidden %v", f, s.KernelHidden())
	}
	s = New(Options{ProcRoot: t.TempDir()})
	if f := s.Kernel(0xffffffff81003010); f.Reason != "kernel symbols not readable" || !s.KernelHidden() {
		t.Errorf("unreadable kallsyms: %+v", f)
	}
	s = New(Options{Kallsyms: raw})
	if f := s.Kernel(0xffffffff81003010); f.Lines[0].Function != "do_syscall_64" || f.Reason != "" || s.KernelHidden() {
		t.Errorf("visible kallsyms: %+v", f)
	}
}

// A BPF program loaded after kallsyms was read is found by reading it
// again, not named after its neighbour.
func TestKallsymsReread(t *testing.T) {
	proc := t.TempDir()
	raw, _ := os.ReadFile("testdata/kallsyms.txt")
	path := filepath.Join(proc, "kallsyms")
	os.WriteFile(path, raw, 0o644)
	s := New(Options{ProcRoot: proc})
	s.kallsymsRecheck = 0
	if f := s.Kernel(0xffffffffc0200020); f.Lines[0].Function != "bpf_prog_6deef7357e7b4530_ft_sample" {
		t.Fatalf("before: %+v", f)
	}
	more := string(raw) + "ffffffffc0200100 t bpf_prog_0123456789abcdef_new\t[bpf]\nffffffffc0500000 t late_fn\t[late_mod]\n"
	os.WriteFile(path, []byte(more), 0o644)
	for addr, want := range map[uint64]string{0xffffffffc0200110: "bpf_prog_0123456789abcdef_new", 0xffffffffc0500010: "late_fn"} {
		if f := s.Kernel(addr); f.Lines[0].Function != want || f.Reason != "" {
			t.Errorf("%#x: %+v, want %s", addr, f, want)
		}
	}
}

func FuzzKallsyms(f *testing.F) {
	raw, _ := os.ReadFile("testdata/kallsyms.txt")
	f.Add(raw)
	f.Add([]byte("0 T x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		k := ParseKallsyms(data)
		for i := 1; i < len(k.addrs); i++ {
			if k.addrs[i] <= k.addrs[i-1] {
				t.Fatal("not sorted, or an address twice")
			}
		}
		if len(k.names) != len(k.addrs) || len(k.modules) != len(k.addrs) {
			t.Fatal("tables of different lengths")
		}
		k.Lookup(0xffffffff81000000)
	})
}
