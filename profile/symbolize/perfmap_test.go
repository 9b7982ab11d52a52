package symbolize

import "testing"

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
