package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	pprof "github.com/google/pprof/profile"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	binDir    string
)

// TestMain keeps the built binary's directory for the whole run.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "flametop-test")
	if err != nil {
		panic(err)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// flametopBin builds the flametop binary once per test run.
func flametopBin(tb testing.TB) string {
	tb.Helper()
	buildOnce.Do(func() {
		binPath = filepath.Join(binDir, "flametop")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = &buildFailure{out: string(out), err: err}
		}
	})
	if buildErr != nil {
		tb.Fatal(buildErr)
	}
	return binPath
}

type buildFailure struct {
	out string
	err error
}

func (b *buildFailure) Error() string { return b.err.Error() + ": " + b.out }

// requireRoot skips without root, except under CI where a skip would hide
// that the real kernel path was never exercised.
func requireRoot(tb testing.TB) {
	tb.Helper()
	if os.Geteuid() == 0 {
		return
	}
	if os.Getenv("CI") == "true" {
		tb.Fatal("this test loads BPF programs and must run as root under CI")
	}
	tb.Skip("needs root to load BPF programs and open perf events")
}

// compileC builds a C workload from testdata/workloads with frame pointers,
// which the kernel's user-stack walker follows.
func compileC(tb testing.TB, name string, extra ...string) string {
	tb.Helper()
	out := filepath.Join(tb.TempDir(), strings.TrimSuffix(name, ".c"))
	args := append([]string{"-O1", "-g", "-fno-omit-frame-pointer", "-o", out, filepath.Join("testdata", "workloads", name)}, extra...)
	if b, err := exec.Command("gcc", args...).CombinedOutput(); err != nil {
		tb.Fatalf("gcc %s: %v\n%s", name, err, b)
	}
	return out
}

// runFlametop runs the binary and returns stdout, stderr and the exit code.
func runFlametop(tb testing.TB, args ...string) (string, string, int) {
	tb.Helper()
	cmd := exec.Command(flametopBin(tb), args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		tb.Fatalf("run flametop: %v", err)
	}
	return stdout.String(), stderr.String(), code
}

func readPprof(tb testing.TB, path string) *pprof.Profile {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	p, err := pprof.Parse(f)
	if err != nil {
		tb.Fatalf("parse %s: %v", path, err)
	}
	if err := p.CheckValid(); err != nil {
		tb.Fatalf("%s: invalid profile: %v", path, err)
	}
	return p
}

// stackHas reports whether any frame of s is named fn.
func stackHas(s *pprof.Sample, fn string) bool {
	for _, loc := range s.Location {
		for _, l := range loc.Line {
			if l.Function != nil && l.Function.Name == fn {
				return true
			}
		}
	}
	return false
}

// shares counts samples (first sample type) of pid whose stack holds each
// function, and all samples of pid.
func shares(p *pprof.Profile, pid int64, fns ...string) (map[string]int64, int64) {
	got := map[string]int64{}
	var total int64
	for _, s := range p.Sample {
		if pid != 0 && (len(s.NumLabel["pid"]) == 0 || s.NumLabel["pid"][0] != pid) {
			continue
		}
		total += s.Value[0]
		for _, fn := range fns {
			if stackHas(s, fn) {
				got[fn] += s.Value[0]
			}
		}
	}
	return got, total
}

// waitFor polls cond for up to 10 s.
func waitFor(tb testing.TB, cond func() bool, what string) {
	tb.Helper()
	for i := 0; i < 200; i++ {
		if cond() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	tb.Fatalf("timed out waiting for %s", what)
}
