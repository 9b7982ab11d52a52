package probes

import (
	"reflect"
	"testing"
)

func TestParseCPUList(t *testing.T) {
	cases := []struct {
		in   string
		want []int
		err  bool
	}{
		{"0", []int{0}, false},
		{"0-1\n", []int{0, 1}, false},
		{"0-3,5,7-8", []int{0, 1, 2, 3, 5, 7, 8}, false},
		{"", nil, true},
		{"3-1", nil, true},
		{"a", nil, true},
		{"0-", nil, true},
		{"-1", nil, true},
	}
	for _, c := range cases {
		got, err := parseCPUList(c.in)
		if (err != nil) != c.err || !reflect.DeepEqual(got, c.want) {
			t.Errorf("parseCPUList(%q) = %v, %v; want %v, err %v", c.in, got, err, c.want, c.err)
		}
	}
}
