package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// env is what every section needs: built binaries and available peers.
type env struct {
	dir      string // scratch directory
	flametop string
	bins     map[string]string // workload name → path
	peers    map[string]error  // peer → why it cannot run (nil: it can)
	smoke    bool
	reps     int
	log      func(format string, args ...any)
}

// peerOrder is the order peers appear in the tables.
var peerOrder = []string{"flametop", "perf", "bpftrace"}

func (e *env) has(tool string) bool {
	return tool == "flametop" || e.peers[tool] == nil && e.peers != nil && e.known(tool)
}

func (e *env) known(tool string) bool { _, ok := e.peers[tool]; return ok }

// tools returns flametop and the peers that can run, in table order.
func (e *env) tools() []string {
	out := []string{"flametop"}
	for _, p := range peerOrder[1:] {
		if e.has(p) {
			out = append(out, p)
		}
	}
	return out
}

// installPeers installs missing peers from Debian's packages and checks
// that each can actually sample on this kernel.
func (e *env) installPeers() {
	pkgs := map[string]string{"perf": "linux-perf", "bpftrace": "bpftrace", "profile-bpfcc": "bpfcc-tools", "llvm-symbolizer-14": "llvm-14", "addr2line": "binutils"}
	var missing []string
	for bin, pkg := range pkgs {
		if _, err := exec.LookPath(bin); err != nil && !e.smoke {
			missing = append(missing, pkg)
		}
	}
	if len(missing) > 0 {
		e.log("installing %s", strings.Join(missing, " "))
		exec.Command("apt-get", "update", "-qq").Run()
		args := append([]string{"install", "-y", "-qq", "--no-install-recommends"}, missing...)
		cmd := exec.Command("apt-get", args...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		if out, err := cmd.CombinedOutput(); err != nil {
			e.log("apt-get install failed: %v\n%s", err, out)
		}
	}
	e.peers = map[string]error{}
	check := func(name string, argv ...string) {
		if _, err := exec.LookPath(argv[0]); err != nil {
			e.peers[name] = fmt.Errorf("%s not installed", argv[0])
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, argv[0], argv[1:]...).CombinedOutput()
		if err != nil {
			e.peers[name] = fmt.Errorf("%s fails on this kernel: %s", argv[0], firstLine(out, err))
			return
		}
		e.peers[name] = nil
	}
	check("perf", "perf", "record", "-q", "-g", "-F", "99", "-o", filepath.Join(e.dir, "check.data"), "--", "true")
	if e.smoke {
		return
	}
	check("bpftrace", "bpftrace", "-e", "profile:hz:99 { @ = count(); } interval:ms:200 { exit(); }")
	check("bcc", "profile-bpfcc", "-F", "99", "1")
}

// firstLine picks the line of a failed tool's output that says why: the
// last one, where tools print their error.
func firstLine(out []byte, err error) string {
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); l != "" && !strings.HasPrefix(l, "Attaching") {
			return l
		}
	}
	return err.Error()
}

// build compiles flametop and the workloads into the scratch directory.
func (e *env) build(repo string) error {
	e.flametop = filepath.Join(e.dir, "flametop")
	if out, err := run(repo, "go", "build", "-o", e.flametop, "."); err != nil {
		return fmt.Errorf("build flametop: %v\n%s", err, out)
	}
	w := filepath.Join(repo, "bench", "workloads")
	e.bins = map[string]string{}
	cc := func(name, compiler string, flags ...string) error {
		out := filepath.Join(e.dir, name)
		args := append([]string{"-O2", "-g", "-o", out}, flags...)
		if b, err := run(w, compiler, args...); err != nil {
			return fmt.Errorf("%s %s: %v\n%s", compiler, name, err, b)
		}
		e.bins[name] = out
		return nil
	}
	steps := []error{
		cc("split-gcc-fp", "gcc", "-fno-omit-frame-pointer", "-pthread", "split.c"),
		cc("split-gcc-nofp", "gcc", "-fomit-frame-pointer", "-pthread", "split.c"),
		cc("cost", "gcc", "-fno-omit-frame-pointer", "cost.c"),
		cc("stamp", "gcc", "stamp.c"),
	}
	if _, err := exec.LookPath("clang"); err == nil {
		steps = append(steps,
			cc("split-clang-fp", "clang", "-fno-omit-frame-pointer", "-pthread", "split.c"),
			cc("split-clang-nofp", "clang", "-fomit-frame-pointer", "-pthread", "split.c"))
	}
	for _, err := range steps {
		if err != nil {
			return err
		}
	}
	gowork := filepath.Join(e.dir, "gowork")
	if out, err := run(repo, "go", "build", "-o", gowork, "./bench/workloads/gowork"); err != nil {
		return fmt.Errorf("build gowork: %v\n%s", err, out)
	}
	e.bins["gowork"] = gowork
	return nil
}

func run(dir, name string, args ...string) ([]byte, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	return cmd.CombinedOutput()
}

// result is one profiler run.
type result struct {
	stacks  []stack
	samples int64
	cpu     time.Duration // the profiler process's user+system time
	maxRSS  int64         // KiB
	wall    time.Duration
	steady  float64 // CPU share of one core between 30% and 90% of the run, when asked
}

// runTool starts a command, waits, and collects its resource use.
func runTool(ctx context.Context, argv []string, stdout *bytes.Buffer) (result, error) {
	return runToolSteady(ctx, argv, stdout, 0)
}

// runToolSteady also measures the process's CPU use between 30% and 90%
// of expected (its steady state, past start-up, before exit).
func runToolSteady(ctx context.Context, argv []string, stdout *bytes.Buffer, expected time.Duration) (result, error) {
	start := time.Now()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = stdout, &stderr
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGINT) }
	cmd.WaitDelay = 30 * time.Second
	if err := cmd.Start(); err != nil {
		return result{}, err
	}
	steady := make(chan float64, 1)
	if expected > 0 {
		go func() {
			time.Sleep(expected * 3 / 10)
			c0, t0 := procCPU(cmd.Process.Pid), time.Now()
			time.Sleep(expected * 6 / 10)
			c1, t1 := procCPU(cmd.Process.Pid), time.Now()
			steady <- (c1 - c0).Seconds() / t1.Sub(t0).Seconds()
		}()
	}
	err := cmd.Wait()
	r := result{wall: time.Since(start)}
	if expected > 0 {
		select {
		case r.steady = <-steady:
		case <-time.After(time.Second):
		}
	}
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			r.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
			r.maxRSS = ru.Maxrss
		}
	}
	if err != nil && !errors.Is(ctx.Err(), context.Canceled) {
		return r, fmt.Errorf("%s: %v: %s", argv[0], err, firstLine(stderr.Bytes(), err))
	}
	return r, nil
}

// profileCommand profiles argv (a workload started by the tool itself) at
// hz and returns the stacks of the workload. stdout gets the workload's
// output (perf and flametop pass it through; bpftrace prints it too).
func (e *env) profileCommand(tool string, hz int, argv []string, workOut *bytes.Buffer) (result, error) {
	dir, _ := os.MkdirTemp(e.dir, tool)
	defer os.RemoveAll(dir)
	ctx := context.Background()
	switch tool {
	case "flametop":
		out := filepath.Join(dir, "out.folded")
		r, err := runTool(ctx, append([]string{e.flametop, "record", "-F", fmt.Sprint(hz), "-o", out, "--"}, argv...), workOut)
		if err != nil {
			return r, err
		}
		data, err := os.ReadFile(out)
		r.stacks = parseFolded(data)
		r.samples = sum(r.stacks)
		return r, err
	case "perf":
		data := filepath.Join(dir, "perf.data")
		r, err := runTool(ctx, append([]string{"perf", "record", "-q", "-g", "-F", fmt.Sprint(hz), "-o", data, "--"}, argv...), workOut)
		if err != nil {
			return r, err
		}
		script, err := exec.Command("perf", "script", "-F", "pid,ip,sym", "-i", data).Output()
		r.stacks = parsePerfScript(script, 0)
		r.samples = sum(r.stacks)
		return r, err
	case "bpftrace", "bpftrace-count":
		prog := fmt.Sprintf("profile:hz:%d /pid == cpid/ { @[ustack, kstack] = count(); }", hz)
		if tool == "bpftrace-count" {
			prog = fmt.Sprintf("profile:hz:%d /pid == cpid/ { @n = count(); }", hz)
		}
		var out bytes.Buffer
		r, err := runTool(ctx, []string{"bpftrace", "-e", prog, "-c", strings.Join(argv, " ")}, &out)
		if err != nil {
			return r, err
		}
		workOut.Write(out.Bytes())
		if tool == "bpftrace" {
			r.stacks = parseBpftrace(out.Bytes())
			r.samples = sum(r.stacks)
		} else {
			r.samples = parseCount(out.Bytes())
		}
		return r, nil
	case "none":
		return runTool(ctx, argv, workOut)
	}
	return result{}, fmt.Errorf("unknown tool %s", tool)
}

// profilePID profiles a running process for d.
func (e *env) profilePID(tool string, hz int, pid int, d time.Duration) (result, error) {
	dir, _ := os.MkdirTemp(e.dir, tool)
	defer os.RemoveAll(dir)
	ctx := context.Background()
	var none bytes.Buffer
	secs := fmt.Sprintf("%.1f", d.Seconds())
	switch tool {
	case "flametop":
		out := filepath.Join(dir, "out.folded")
		r, err := runTool(ctx, []string{e.flametop, "record", "-F", fmt.Sprint(hz), "-p", fmt.Sprint(pid), "-d", secs, "-o", out}, &none)
		if err != nil {
			return r, err
		}
		data, err := os.ReadFile(out)
		r.stacks = parseFolded(data)
		r.samples = sum(r.stacks)
		return r, err
	case "perf":
		data := filepath.Join(dir, "perf.data")
		r, err := runTool(ctx, []string{"perf", "record", "-q", "-g", "-F", fmt.Sprint(hz), "-p", fmt.Sprint(pid), "-o", data, "--", "sleep", secs}, &none)
		if err != nil {
			return r, err
		}
		script, err := exec.Command("perf", "script", "-F", "pid,ip,sym", "-i", data).Output()
		r.stacks = parsePerfScript(script, pid)
		r.samples = sum(r.stacks)
		return r, err
	case "bpftrace":
		prog := fmt.Sprintf("profile:hz:%d /pid == %d/ { @[ustack, kstack] = count(); } interval:ms:%d { exit(); }", hz, pid, d.Milliseconds())
		var out bytes.Buffer
		r, err := runTool(ctx, []string{"bpftrace", "-e", prog}, &out)
		r.stacks = parseBpftrace(out.Bytes())
		r.samples = sum(r.stacks)
		return r, err
	}
	return result{}, fmt.Errorf("unknown tool %s", tool)
}

// procCPU is a process's user+system time from /proc/PID/stat.
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 {
		s = s[i+2:]
	}
	f := strings.Fields(s)
	if len(f) < 13 {
		return 0
	}
	var ut, st int64
	fmt.Sscan(f[11], &ut)
	fmt.Sscan(f[12], &st)
	return time.Duration(ut+st) * time.Second / 100 // USER_HZ is 100 on Linux
}

func sum(stacks []stack) int64 {
	var n int64
	for _, s := range stacks {
		n += s.count
	}
	return n
}

func parseCount(out []byte) int64 {
	for _, line := range strings.Split(string(out), "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "@n:"); ok {
			var n int64
			fmt.Sscan(strings.TrimSpace(rest), &n)
			return n
		}
	}
	return 0
}
