package sanitize

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestString(t *testing.T) {
	cases := []struct{ in, want string }{
		{"main.work", "main.work"},
		{"std::vector<int>::push_back(int&&)", "std::vector<int>::push_back(int&&)"},
		{"\x1b[2Jevil", `\x1b[2Jevil`},
		{"a\nb\tc", `a\x0ab\x09c`},
		{"bad\xffutf8", `bad\xffutf8`},
		{"abc\u202edef", `abc\u202edef`},
		{"\u2066iso\u2069", `\u2066iso\u2069`},
		{"c1\u009bcsi", `c1\u009bcsi`},
		{"del\x7f", `del\x7f`},
		{"名前", "名前"},
	}
	for _, c := range cases {
		if got := String(c.in); got != c.want {
			t.Errorf("String(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	long := String(strings.Repeat("\x01", 10*MaxLen))
	if len(long) > MaxLen+16 || !utf8.ValidString(long) {
		t.Errorf("long input not capped: %d bytes", len(long))
	}
}

func FuzzString(f *testing.F) {
	f.Add("\x1b]0;title\x07")
	f.Add("ok")
	f.Fuzz(func(t *testing.T, s string) {
		out := String(s)
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 out of %q", s)
		}
		for _, r := range out {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || isBidi(r) {
				t.Fatalf("%q left %U in %q", s, r, out)
			}
		}
	})
}
