package symbolize

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// Symbolization speed against llvm-symbolizer and addr2line: the same
// 10,000 addresses of one binary, set-up included (each run parses the
// file afresh), names compared with llvm-symbolizer's.
//
//	go test -run '^$' -bench Symbolize -benchtime 3x ./profile/symbolize
func BenchmarkSymbolize(b *testing.B) {
	for _, target := range benchTargets(b) {
		addrs := sampleAddrs(b, target.path, 10000)
		ref := llvmNames(b, target.path, addrs)
		b.Run(target.name+"/flametop", func(b *testing.B) {
			var names []string
			var ms runtime.MemStats
			for b.Loop() {
				runtime.GC()
				var before runtime.MemStats
				runtime.ReadMemStats(&before)
				names = ourNames(b, target.path, addrs)
				runtime.ReadMemStats(&ms)
				b.ReportMetric(float64(ms.TotalAlloc-before.TotalAlloc)/(1<<20), "MiB-alloc")
			}
			reportRate(b, len(addrs))
			b.ReportMetric(float64(mismatches(names, ref)), "mismatches")
		})
		b.Run(target.name+"/llvm-symbolizer", func(b *testing.B) {
			for b.Loop() {
				llvmNames(b, target.path, addrs)
			}
			reportRate(b, len(addrs))
		})
		b.Run(target.name+"/addr2line", func(b *testing.B) {
			var names []string
			for b.Loop() {
				names = addr2lineNames(b, target.path, addrs)
			}
			reportRate(b, len(addrs))
			b.ReportMetric(float64(mismatches(names, ref)), "mismatches")
		})
	}
}

type benchTarget struct{ name, path string }

// benchTargets: a big Go binary with DWARF (this package's own test
// binary), a C binary with DWARF, and libLLVM (dynamic symbols only).
func benchTargets(b *testing.B) []benchTarget {
	dir := b.TempDir()
	self := filepath.Join(dir, "flametop")
	if out, err := exec.Command("go", "build", "-o", self, "github.com/flametop/flametop").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v %s", err, out)
	}
	c := filepath.Join(dir, "inline")
	if out, err := exec.Command("gcc", "-O2", "-g", "-o", c, "testdata/inline.c").CombinedOutput(); err != nil {
		b.Fatalf("gcc: %v %s", err, out)
	}
	ts := []benchTarget{{"go-dwarf", self}, {"c-dwarf", c}}
	if py, _ := filepath.Glob("/root/.pyenv/versions/3.1*/lib/libpython3.*.so.1.0"); len(py) > 0 {
		ts = append(ts, benchTarget{"libpython-dwarf", py[len(py)-1]})
	}
	if _, err := os.Stat("/usr/lib/x86_64-linux-gnu/libLLVM-14.so.1"); err == nil {
		ts = append(ts, benchTarget{"libLLVM", "/usr/lib/x86_64-linux-gnu/libLLVM-14.so.1"})
	}
	return ts
}

func reportRate(b *testing.B, n int) {
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "addrs/s")
}

// sampleAddrs picks n addresses inside functions (from nm -S), with a
// fixed seed so every tool gets the same ones.
func sampleAddrs(b *testing.B, path string, n int) []uint64 {
	out, err := exec.Command("nm", "-S", "--defined-only", path).Output()
	if err != nil || len(out) == 0 {
		out, err = exec.Command("nm", "-D", "-S", "--defined-only", path).Output()
	}
	if err != nil {
		b.Fatalf("nm %s: %v", path, err)
	}
	type fn struct{ addr, size uint64 }
	var fns []fn
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) != 4 || (f[2] != "T" && f[2] != "t") {
			continue
		}
		a, e1 := strconv.ParseUint(f[0], 16, 64)
		s, e2 := strconv.ParseUint(f[1], 16, 64)
		if e1 == nil && e2 == nil && s > 0 {
			fns = append(fns, fn{a, s})
		}
	}
	if len(fns) == 0 {
		b.Fatalf("no functions in %s", path)
	}
	r := rand.New(rand.NewPCG(1, 2))
	addrs := make([]uint64, n)
	for i := range addrs {
		f := fns[r.IntN(len(fns))]
		addrs[i] = f.addr + r.Uint64N(f.size)
	}
	return addrs
}

// ourNames symbolizes as the profiler does, from a fresh parse. The
// addresses are ELF virtual addresses, as the tools take them.
func ourNames(b *testing.B, path string, addrs []uint64) []string {
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	o := loadObject(f, st.Size())
	out := make([]string, len(addrs))
	for i, a := range addrs {
		if ls := o.frames(a); len(ls) > 0 {
			out[i] = ls[0].Function
		}
	}
	return out
}

func llvmNames(b *testing.B, path string, addrs []uint64) []string {
	return runSymbolizer(b, addrs, "llvm-symbolizer-14", "--obj="+path, "--inlining", "--demangle")
}

func addr2lineNames(b *testing.B, path string, addrs []uint64) []string {
	return runSymbolizer(b, addrs, "addr2line", "-f", "-i", "-C", "-a", "-e", path)
}

// runSymbolizer feeds addresses on stdin and keeps, per address, the first
// (innermost) function name. Both tools print the address (-a, or GNU
// style) before each answer, which is how answers are told apart.
func runSymbolizer(b *testing.B, addrs []uint64, tool string, args ...string) []string {
	var in bytes.Buffer
	for _, a := range addrs {
		fmt.Fprintf(&in, "%#x\n", a)
	}
	cmd := exec.Command(tool, args...)
	cmd.Stdin = &in
	out, err := cmd.Output()
	if err != nil {
		b.Fatalf("%s: %v", tool, err)
	}
	names := make([]string, 0, len(addrs))
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 0, 1<<16), 1<<20)
	expectName := false
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "0x") && !strings.Contains(line, " ") {
			expectName = true
			continue
		}
		if expectName {
			names = append(names, line)
			expectName = false
		}
	}
	if len(names) != len(addrs) {
		// llvm-symbolizer does not echo addresses: its answers
		// are then blank-line separated blocks.
		names = names[:0]
		block := true
		for _, line := range strings.Split(string(out), "\n") {
			if line == "" {
				block = true
				continue
			}
			if block {
				names = append(names, line)
				block = false
			}
		}
	}
	return names
}

func mismatches(a, ref []string) int {
	n := 0
	shown := 0
	for i := range a {
		if i >= len(ref) {
			n++
			continue
		}
		x, y := a[i], ref[i]
		if y == "??" {
			y = ""
		}
		if x != y {
			n++
			if os.Getenv("FT_SHOW_MISMATCH") != "" && shown < 8 {
				shown++
				fmt.Printf("mismatch: ours %q, reference %q\n", x, y)
			}
		}
	}
	return n
}
