package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// busy starts n copies of the cost workload running for a long time, as
// background load for the whole-system sections; stop kills them.
func (e *env) busy(n int) (stop func()) {
	var cmds []*exec.Cmd
	for i := 0; i < n; i++ {
		c := exec.Command(e.bins["cost"], "100000000000")
		if c.Start() == nil {
			cmds = append(cmds, c)
		}
	}
	return func() {
		for _, c := range cmds {
			c.Process.Kill()
			c.Wait()
		}
	}
}

// ownCost is a profiler's resource use during whole-system sampling.
type ownCost struct {
	steadyPct, cpuPct, usPerSample, rssMiB series
	err                                    string
}

// runOwnCost samples the whole system at 99 Hz for d with both CPUs busy.
func (e *env) runOwnCost(d time.Duration) map[string]*ownCost {
	tools := e.tools()
	if e.has("bcc") {
		tools = append(tools, "bcc")
	}
	out := map[string]*ownCost{}
	for _, t := range tools {
		out[t] = &ownCost{}
	}
	stop := e.busy(2)
	defer stop()
	secs := fmt.Sprintf("%.0f", d.Seconds())
	for rep := 0; rep < e.reps; rep++ {
		for _, t := range shuffled(tools) {
			dir, _ := os.MkdirTemp(e.dir, "own")
			var argv []string
			switch t {
			case "flametop":
				argv = []string{e.flametop, "record", "-F", "99", "-d", secs, "-o", filepath.Join(dir, "out.pb.gz")}
			case "perf":
				argv = []string{"perf", "record", "-q", "-a", "-g", "-F", "99", "-o", filepath.Join(dir, "perf.data"), "--", "sleep", secs}
			case "bpftrace":
				argv = []string{"bpftrace", "-e", fmt.Sprintf("profile:hz:99 { @[ustack, kstack] = count(); } interval:s:%s { exit(); }", secs)}
			case "bcc":
				argv = []string{"profile-bpfcc", "-F", "99", secs}
			}
			var sink bytes.Buffer
			res, err := runToolSteady(context.Background(), argv, &sink, d)
			os.RemoveAll(dir)
			if err != nil {
				out[t].err = err.Error()
				e.log("own cost %s: %v", t, err)
				continue
			}
			// Both CPUs are busy, so the samples taken are 99 Hz × CPUs × d.
			samples := 99 * float64(ncpu()) * d.Seconds()
			c := out[t]
			c.steadyPct = append(c.steadyPct, 100*res.steady)
			c.cpuPct = append(c.cpuPct, 100*res.cpu.Seconds()/d.Seconds())
			c.usPerSample = append(c.usPerSample, float64(res.cpu.Microseconds())/samples)
			c.rssMiB = append(c.rssMiB, float64(res.maxRSS)/1024)
			e.log("own cost %-9s cpu %v (%.2f%% of a core) rss %d KiB", t, res.cpu, 100*res.cpu.Seconds()/d.Seconds(), res.maxRSS)
		}
	}
	return out
}

// runStartup measures exec of the profiler → first instruction of the
// profiled command's main. Each tool starts the command only once its
// sampling is in place (flametop holds it, perf enables on exec, bpftrace
// attaches before -c), so this is the time until the first sample can be
// taken.
func (e *env) runStartup() map[string]series {
	out := map[string]series{}
	for rep := 0; rep < max(e.reps, 3); rep++ {
		for _, t := range shuffled(e.tools()) {
			dir, _ := os.MkdirTemp(e.dir, "start")
			var argv []string
			switch t {
			case "flametop":
				argv = []string{e.flametop, "record", "-o", filepath.Join(dir, "x.pb.gz"), "--", e.bins["stamp"]}
			case "perf":
				argv = []string{"perf", "record", "-q", "-g", "-o", filepath.Join(dir, "perf.data"), "--", e.bins["stamp"]}
			case "bpftrace":
				argv = []string{"bpftrace", "-e", "profile:hz:99 /pid == cpid/ { @[ustack] = count(); }", "-c", e.bins["stamp"]}
			}
			var stdout bytes.Buffer
			t0 := time.Now()
			_, err := runTool(context.Background(), argv, &stdout)
			os.RemoveAll(dir)
			if err != nil {
				e.log("startup %s: %v", t, err)
				continue
			}
			var ns int64
			for _, line := range strings.Split(stdout.String(), "\n") {
				if n, _ := fmt.Sscanf(strings.TrimSpace(line), "start %d", &ns); n == 1 {
					break
				}
			}
			if ns == 0 {
				e.log("startup %s: no stamp in output", t)
				continue
			}
			ms := float64(time.Unix(0, ns).Sub(t0).Microseconds()) / 1000
			out[t] = append(out[t], ms)
			e.log("startup %-9s %.1f ms", t, ms)
		}
	}
	return out
}

// runFirstFrame measures exec → first TUI frame showing samples, in tmux.
func (e *env) runFirstFrame() series {
	if _, err := exec.LookPath("tmux"); err != nil {
		return nil
	}
	stop := e.busy(1)
	defer stop()
	var out series
	for rep := 0; rep < max(e.reps, 3); rep++ {
		name := fmt.Sprintf("ftbench%d", rep)
		t0 := time.Now()
		exec.Command("tmux", "new-session", "-d", "-s", name, "-x", "120", "-y", "40", "-e", "LANG=C.UTF-8", e.flametop).Run()
		for time.Since(t0) < 10*time.Second {
			scr, _ := exec.Command("tmux", "capture-pane", "-p", "-t", name).Output()
			if bytes.Contains(scr, []byte("SELF%")) {
				out = append(out, float64(time.Since(t0).Microseconds())/1000)
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		exec.Command("tmux", "send-keys", "-t", name, "q").Run()
		time.Sleep(500 * time.Millisecond)
		exec.Command("tmux", "kill-session", "-t", name).Run()
	}
	return out
}

func ncpu() int {
	b, err := os.ReadFile("/sys/devices/system/cpu/online")
	if err != nil {
		return 1
	}
	n := 0
	for _, part := range strings.Split(strings.TrimSpace(string(b)), ",") {
		var lo, hi int
		if c, _ := fmt.Sscanf(part, "%d-%d", &lo, &hi); c == 2 {
			n += hi - lo + 1
		} else {
			n++
		}
	}
	return max(n, 1)
}
