//go:build linux

package probes

import (
	"strings"
	"testing"
)

func TestMissingCaps(t *testing.T) {
	cases := []struct {
		eff  uint64
		want string
	}{
		{1 << capSysAdmin, ""},
		{1<<capBPF | 1<<capPerfmon, ""},
		{1 << capBPF, "missing CAP_PERFMON"},
		{1 << capPerfmon, "missing CAP_BPF)"},
		{0, "missing CAP_BPF and CAP_PERFMON"},
	}
	for _, c := range cases {
		err := missingCaps(c.eff)
		if c.want == "" {
			if err != nil {
				t.Errorf("%#x: unexpected %v", c.eff, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%#x: got %v, want %q", c.eff, err, c.want)
		}
	}
	eff, ok := capEff("Name:\tx\nCapEff:\t000001ffffffffff\n")
	if !ok || eff != 0x1ffffffffff {
		t.Errorf("capEff = %#x, %v", eff, ok)
	}
}
