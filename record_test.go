package main

import (
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// truth reads the split workload's own measurement of its CPU time.
func truth(tb testing.TB, path string) (a, b float64) {
	tb.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("read workload truth: %v", err)
	}
	if _, err := fmt.Sscan(string(raw), &a, &b); err != nil || a+b == 0 {
		tb.Fatalf("bad truth %q: %v", raw, err)
	}
	return a, b
}

// checkSplit compares the sampled hot_a share against the measured one.
func checkSplit(t *testing.T, prof string, pid int64, truthFile string) {
	t.Helper()
	p := readPprof(t, prof)
	got, _ := shares(p, pid, "hot_a", "hot_b")
	if got["hot_a"]+got["hot_b"] < 100 {
		t.Fatalf("too few samples in hot_a/hot_b: %v", got)
	}
	share := float64(got["hot_a"]) / float64(got["hot_a"]+got["hot_b"])
	a, b := truth(t, truthFile)
	want := a / (a + b)
	if math.Abs(share-want) > 0.05 {
		t.Errorf("hot_a share %.3f, workload measured %.3f (samples %v)", share, want, got)
	}
	t.Logf("hot_a share %.3f vs measured %.3f (samples %v)", share, want, got)
}

func TestRecordPIDSplit(t *testing.T) {
	requireRoot(t)
	bin := compileC(t, "split.c")
	dir := t.TempDir()
	truthFile := filepath.Join(dir, "truth")
	w := exec.Command(bin, "4", "70", truthFile)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Process.Kill()
	time.Sleep(200 * time.Millisecond)
	out := filepath.Join(dir, "cpu.pb.gz")
	_, stderr, code := runFlametop(t, "record", "-p", fmt.Sprint(w.Process.Pid), "-F", "499", "-d", "2s", "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "wrote "+out) {
		t.Errorf("summary does not name the output: %q", stderr)
	}
	w.Wait()
	checkSplit(t, out, int64(w.Process.Pid), truthFile)
}

func TestRecordCommandSplit(t *testing.T) {
	requireRoot(t)
	bin := compileC(t, "split.c")
	dir := t.TempDir()
	truthFile := filepath.Join(dir, "truth")
	out := filepath.Join(dir, "cmd.pb.gz")
	_, stderr, code := runFlametop(t, "record", "-F", "499", "-o", out, "--", bin, "2", "30", truthFile)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "command exited") {
		t.Errorf("summary should say the command exited: %q", stderr)
	}
	checkSplit(t, out, 0, truthFile)
	// The command was exec'd from a held flametop process: its samples
	// must be named after the command, not flametop.
	p := readPprof(t, out)
	for _, s := range p.Sample {
		if stackHas(s, "hot_a") && s.Label["process"][0] != "split" {
			t.Fatalf("hot_a sample labelled process %q", s.Label["process"])
		}
	}
}

// A command that forks: the child's samples are followed, as perf does.
func TestRecordCommandFollowsForks(t *testing.T) {
	requireRoot(t)
	bin := compileC(t, "split.c")
	dir := t.TempDir()
	truthFile := filepath.Join(dir, "truth")
	out := filepath.Join(dir, "fork.pb.gz")
	script := fmt.Sprintf("%s 1.5 50 %s; true", bin, truthFile)
	_, stderr, code := runFlametop(t, "record", "-F", "499", "-o", out, "--", "sh", "-c", script)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	t.Log(stderr)
	checkSplit(t, out, 0, truthFile)
}

func TestRecordSystemWide(t *testing.T) {
	requireRoot(t)
	bin := compileC(t, "split.c")
	dir := t.TempDir()
	truthFile := filepath.Join(dir, "truth")
	w := exec.Command(bin, "3.5", "40", truthFile)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Process.Kill()
	time.Sleep(200 * time.Millisecond)
	out := filepath.Join(dir, "all.pb.gz")
	_, stderr, code := runFlametop(t, "record", "-F", "499", "-d", "2s", "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	w.Wait()
	checkSplit(t, out, int64(w.Process.Pid), truthFile)
}

// A syscall-heavy workload shows real kernel function names.
func TestRecordKernelFrames(t *testing.T) {
	requireRoot(t)
	bin := compileC(t, "syscalls.c")
	out := filepath.Join(t.TempDir(), "sys.pb.gz")
	_, stderr, code := runFlametop(t, "record", "-F", "499", "-o", out, "--", bin, "1.5")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	p := readPprof(t, out)
	var kernelSamples, total int64
	names := map[string]bool{}
	for _, s := range p.Sample {
		total += s.Value[0]
		inKernel := false
		for _, loc := range s.Location {
			if loc.Mapping != nil && loc.Mapping.File == "[kernel.kallsyms]" {
				inKernel = true
				for _, l := range loc.Line {
					names[l.Function.Name] = true
				}
			}
		}
		if inKernel {
			kernelSamples += s.Value[0]
		}
	}
	if total == 0 || float64(kernelSamples)/float64(total) < 0.5 {
		t.Fatalf("want most samples in the kernel, got %d of %d", kernelSamples, total)
	}
	for _, want := range []string{"do_syscall_64", "ksys_write"} {
		if !names[want] {
			t.Errorf("kernel frame %s not found among %d kernel functions", want, len(names))
		}
	}
}

// A Go program's own function names appear.
func TestRecordGoProgram(t *testing.T) {
	requireRoot(t)
	bin := filepath.Join(t.TempDir(), "gospin")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = filepath.Join("testdata", "workloads", "gospin")
	if b, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build gospin: %v\n%s", err, b)
	}
	out := filepath.Join(t.TempDir(), "go.pb.gz")
	_, stderr, code := runFlametop(t, "record", "-F", "499", "-o", out, "--", bin, "1.5")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	p := readPprof(t, out)
	got, total := shares(p, 0, "main.spinAlpha", "main.spinBeta")
	if got["main.spinAlpha"] == 0 || got["main.spinBeta"] == 0 {
		t.Fatalf("Go functions missing: %v of %d samples", got, total)
	}
	if got["main.spinAlpha"] <= got["main.spinBeta"] {
		t.Errorf("spinAlpha runs 60%% of the time but got %v", got)
	}
}
