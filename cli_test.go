package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cilium/ebpf"
)

// freePID returns a PID no process has.
func freePID(tb testing.TB) int {
	tb.Helper()
	raw, err := os.ReadFile("/proc/sys/kernel/pid_max")
	if err != nil {
		tb.Fatal(err)
	}
	max, _ := strconv.Atoi(strings.TrimSpace(string(raw)))
	for pid := max - 1; pid > max-1000; pid-- {
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			return pid
		}
	}
	tb.Fatal("no free PID found")
	return 0
}

// Bad input: one line on stderr, a non-zero exit, never a Go panic trace.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	pid := freePID(t)
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unknown flag", []string{"record", "--bogus"}, 2, "flametop: record: unknown flag: --bogus (see 'flametop record --help')"},
		{"bad duration", []string{"record", "-d", "soon"}, 2, `flametop: invalid duration "soon": use e.g. 10s, 2m or 30`},
		{"negative duration", []string{"record", "-d", "-5s"}, 2, `flametop: invalid duration "-5s": must be positive`},
		{"zero frequency", []string{"record", "-F", "0"}, 2, "flametop: invalid frequency 0: want a positive number of Hz"},
		{"bad pid", []string{"record", "-p", "12,abc"}, 2, `flametop: invalid PID "abc" in --pid`},
		{"missing pid", []string{"record", "-p", strconv.Itoa(pid), "-o", filepath.Join(dir, "x.pb.gz")}, 1, fmt.Sprintf("flametop: no process with PID %d", pid)},
		{"bad event", []string{"record", "-e", "instructions"}, 2, `flametop: unknown event "instructions" (want cycles, cpu-clock or task-clock)`},
		{"both pid and command", []string{"record", "-p", "1", "--", "true"}, 2, "flametop: give either --pid or a command after --, not both"},
		{"stray argument", []string{"record", "extra"}, 2, `flametop: unexpected argument "extra" (put the command after --)`},
		{"nothing to sample", []string{"record", "--no-kernel", "--no-user"}, 2, "flametop: --no-kernel and --no-user together leave nothing to sample"},
		{"command not found", []string{"record", "-o", filepath.Join(dir, "y.pb.gz"), "--", "flametop-no-such-command"}, 1, "flametop: cannot run flametop-no-such-command: command not found"},
		{"live: missing pid", []string{"-p", strconv.Itoa(pid)}, 1, fmt.Sprintf("flametop: no process with PID %d", pid)},
		{"live: bad refresh", []string{"--refresh", "often"}, 2, `flametop: --refresh: invalid duration "often": use e.g. 10s, 2m or 30`},
		{"live: not a terminal", []string{"-F", "99"}, 1, "flametop: the live view needs a terminal; use 'flametop record' to write a file instead"},
		{"view: no file", []string{"view"}, 2, "flametop: view: no file given (flametop view FILE)"},
		{"view: missing file", []string{"view", filepath.Join(dir, "none.pb.gz")}, 1, "flametop: open " + filepath.Join(dir, "none.pb.gz") + ": no such file or directory"},
		{"view: not a profile", []string{"view", "/bin/true"}, 1, "flametop: /bin/true: not a pprof or folded-stack file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stdout, stderr, code := runFlametop(t, c.args...)
			if code != c.code {
				t.Errorf("exit code %d, want %d", code, c.code)
			}
			if got := strings.TrimSpace(stderr); got != c.want {
				t.Errorf("stderr:\n got %q\nwant %q", got, c.want)
			}
			if strings.Contains(stderr, "goroutine ") || stdout != "" {
				t.Errorf("unexpected output: stdout %q stderr %q", stdout, stderr)
			}
		})
	}
}

func TestHelpAndVersion(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"record", "--help"}, {"-h"}, {"live", "--help"}, {"view", "--help"}} {
		stdout, _, code := runFlametop(t, args...)
		if code != 0 || strings.Count(stdout, "Usage:") != 1 {
			t.Errorf("%v: exit %d, stdout %q", args, code, stdout)
		}
	}
	stdout, _, code := runFlametop(t, "--version")
	if code != 0 || !strings.HasPrefix(stdout, "flametop ") {
		t.Errorf("--version: exit %d, %q", code, stdout)
	}
	stdout, _, _ = runFlametop(t, "record", "--help")
	for _, flag := range []string{"--pid", "--frequency", "--duration", "--output", "--format", "--no-kernel", "--no-user", "--event"} {
		if !strings.Contains(stdout, flag) {
			t.Errorf("record --help lacks %s", flag)
		}
	}
}

// Without root or the two capabilities, flametop says what is missing.
func TestNotPrivileged(t *testing.T) {
	requireRoot(t) // to drop privileges we need them first
	if _, err := exec.LookPath("setpriv"); err != nil {
		t.Skip("setpriv (util-linux) not installed")
	}
	bin := flametopBin(t)
	// The binary lives in a private temp dir; make it reachable for nobody.
	os.Chmod(filepath.Dir(bin), 0o755)
	// An output directory nobody can write, so privileges are the only
	// thing missing.
	outDir, err := os.MkdirTemp("", "flametop-np")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(outDir)
	os.Chmod(outDir, 0o777)
	out := filepath.Join(outDir, "x.pb.gz")
	cmd := exec.Command("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", bin, "record", "-d", "1s", "-o", out)
	b, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("want exit 1, got %v: %s", err, b)
	}
	want := "flametop: flametop needs root or the CAP_BPF and CAP_PERFMON capabilities (missing CAP_BPF and CAP_PERFMON): run it with sudo, or grant them with: sudo setcap cap_bpf,cap_perfmon+ep " + bin + "\n"
	if string(b) != want {
		t.Errorf("got %q\nwant %q", b, want)
	}
}

// After record ends, none of its BPF programs or maps remain loaded.
func TestRecordLeavesNothingBehind(t *testing.T) {
	requireRoot(t)
	out := filepath.Join(t.TempDir(), "clean.pb.gz")
	cmd := exec.Command(flametopBin(t), "record", "-d", "1s", "-o", out)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var objs bpfObjects
	waitFor(t, func() bool { objs = ownedBPF(cmd.Process.Pid); return len(objs.progs) >= 4 }, "BPF programs loaded")
	if err := cmd.Wait(); err != nil {
		t.Fatalf("record: %v", err)
	}
	objs.requireGone(t)
}

// SIGINT and SIGTERM stop sampling and still write the file.
func TestRecordSignalsWriteOutput(t *testing.T) {
	requireRoot(t)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "sig.pb.gz")
			cmd := exec.Command(flametopBin(t), "record", "-o", out)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			var objs bpfObjects
			waitFor(t, func() bool { objs = ownedBPF(cmd.Process.Pid); return len(objs.progs) >= 4 }, "BPF programs loaded")
			cmd.Process.Signal(sig)
			if err := cmd.Wait(); err != nil {
				t.Fatalf("exit: %v: %s", err, stderr.String())
			}
			readPprof(t, out)
			objs.requireGone(t)
			if !strings.Contains(stderr.String(), "interrupted") {
				t.Errorf("summary: %q", stderr.String())
			}
		})
	}
}

// bpfObjects are the BPF programs and maps a process holds open.
type bpfObjects struct {
	progs []ebpf.ProgramID
	maps  []ebpf.MapID
}

// ownedBPF reads the process's fdinfo: other tests may load flametop's
// programs at the same time, so names alone cannot say whose they are.
func ownedBPF(pid int) bpfObjects {
	var o bpfObjects
	dir := fmt.Sprintf("/proc/%d/fdinfo", pid)
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n") {
			k, v, ok := strings.Cut(line, ":")
			if !ok {
				continue
			}
			n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 32)
			if err != nil {
				continue
			}
			switch k {
			case "prog_id":
				o.progs = append(o.progs, ebpf.ProgramID(n))
			case "map_id":
				o.maps = append(o.maps, ebpf.MapID(n))
			}
		}
	}
	return o
}

// requireGone fails unless every object is freed; the kernel frees them
// after an RCU grace period, so it waits a little first.
func (o bpfObjects) requireGone(t *testing.T) {
	t.Helper()
	alive := func() []string {
		var left []string
		for _, id := range o.progs {
			if p, err := ebpf.NewProgramFromID(id); err == nil {
				p.Close()
				left = append(left, fmt.Sprintf("program %d", id))
			}
		}
		for _, id := range o.maps {
			if m, err := ebpf.NewMapFromID(id); err == nil {
				m.Close()
				left = append(left, fmt.Sprintf("map %d", id))
			}
		}
		return left
	}
	for i := 0; i < 50 && len(alive()) > 0; i++ {
		time.Sleep(100 * time.Millisecond)
	}
	if left := alive(); len(left) > 0 {
		t.Errorf("still loaded after exit: %v", left)
	}
}
