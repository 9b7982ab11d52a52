package main

import (
	"reflect"
	"testing"
)

func TestParseFolded(t *testing.T) {
	got := parseFolded([]byte("split;main;hot_a 30\nsplit;main;write;ksys_write_[k] 2\nbad line\n"))
	want := []stack{{[]string{"main", "hot_a"}, 30}, {[]string{"main", "write", "ksys_write"}, 2}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v", got)
	}
}

func TestParsePerfScript(t *testing.T) {
	in := " 1500 \n\t            128f hot_a\n\t            13cf main\n\t           2724a __libc_start_call_main\n\n" +
		" 1501 \n\t            12e5 hot_b+0x5 (/x)\n\n" +
		" 1500 \n\t    ffffffff81000000 [unknown]\n\t            13e0 main\n"
	got := parsePerfScript([]byte(in), 1500)
	want := []stack{
		{[]string{"__libc_start_call_main", "main", "hot_a"}, 1},
		{[]string{"main", "[unknown]"}, 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v", got)
	}
	if all := parsePerfScript([]byte(in), 0); len(all) != 3 || all[1].frames[0] != "hot_b" {
		t.Errorf("pid 0 keeps all: %+v", all)
	}
}

func TestParseBpftrace(t *testing.T) {
	in := "Attaching 1 probe...\n\n\n@[\n    hot_a+18\n    main+47\n    0x7f00\n, \n    asm_sysvec+26\n]: 12\n@[\n    hot_b+3\n, ]: 4\n"
	got := parseBpftrace([]byte(in))
	want := []stack{
		{[]string{"0x7f00", "main", "hot_a", "asm_sysvec"}, 12},
		{[]string{"hot_b"}, 4},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v", got)
	}
	shares, total := shares(got, "hot_a", "main")
	if total != 16 || shares["hot_a"] != 12 || shares["main"] != 12 {
		t.Errorf("shares %v total %d", shares, total)
	}
}

func TestSeries(t *testing.T) {
	s := series{3, 1, 2, 10}
	if m := s.median(); m != 2.5 {
		t.Errorf("median %v", m)
	}
	if c := s.cell("%.1f"); c != "2.5 (1.0–10.0)" {
		t.Errorf("cell %q", c)
	}
	if c := (series{}).cell("%.1f"); c != "n/a" {
		t.Errorf("empty cell %q", c)
	}
}

func TestParseCountAndElapsed(t *testing.T) {
	if n := parseCount([]byte("Attaching 1 probe...\n\n@n: 9876\n")); n != 9876 {
		t.Errorf("count %d", n)
	}
	if ns := elapsed("hello\nelapsed 123456\n"); ns != 123456 {
		t.Errorf("elapsed %v", ns)
	}
}

func TestMergeSections(t *testing.T) {
	old := "# B\n\nintro\n\n## Machine\n\nold m\n\n## 1. Accuracy\n\nold a\n\n## 3. Own\n\nold o\n"
	fresh := "# B\n\nintro\n\n## Machine\n\nnew m\n\n## 3. Own\n\nnew o\n\n## 4. Start-up\n\nnew s\n"
	want := "# B\n\nintro\n\n## Machine\n\nnew m\n\n## 1. Accuracy\n\nold a\n\n## 3. Own\n\nnew o\n\n## 4. Start-up\n\nnew s\n"
	if got := mergeSections(old, fresh); got != want {
		t.Errorf("got:\n%s", got)
	}
}
