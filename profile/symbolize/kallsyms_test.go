package symbolize

import (
	"os"
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
		addr uint64
		want string
		ok   bool
	}{
		{0xffffffff80ffffff, "", false},
		{0xffffffff81001010, "do_one_initcall", true},
		{0xffffffff81002010, "do_one_initcall", true}, // data symbols do not count
		{0xffffffff81003010, "do_syscall_64", true},
		{0xffffffff81003410, "weak_fn", true},
		{0xffffffffc0100020, "nf_hook_slow", true},
		{0xffffffffc0200020, "bpf_prog_6deef7357e7b4530_ft_sample", true},
	}
	for _, c := range cases {
		got, ok := k.Lookup(c.addr)
		if got != c.want || ok != c.ok {
			t.Errorf("Lookup(%#x) = %q, %v; want %q, %v", c.addr, got, ok, c.want, c.ok)
		}
	}
}

// With kptr_restrict every address reads as zero: every kernel frame must
// be "[kernel]" with a reason, not one wrong symbol.
func TestKallsymsHidden(t *testing.T) {
	raw, _ := os.ReadFile("testdata/kallsyms.txt")
	var zeroed []string
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		zeroed = append(zeroed, "0000000000000000"+line[16:])
	}
	s := New(Options{Kallsyms: []byte(strings.Join(zeroed, "\n"))})
	f := s.Kernel(0xffffffff81003010)
	if f.Lines[0].Function != "[kernel]" || f.Reason != "kernel symbols hidden (kptr_restrict)" || f.Mapping.File != "[kernel.kallsyms]" {
		t.Errorf("hidden kernel frame = %+v", f)
	}
}

func FuzzKallsyms(f *testing.F) {
	raw, _ := os.ReadFile("testdata/kallsyms.txt")
	f.Add(raw)
	f.Add([]byte("0 T x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		k := ParseKallsyms(data)
		for i := 1; i < len(k.addrs); i++ {
			if k.addrs[i] < k.addrs[i-1] {
				t.Fatal("not sorted")
			}
		}
		k.Lookup(0xffffffff81000000)
	})
}
