package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// runTUIBytes measures the bytes a live view writes per second in steady
// state, in a 120x40 tmux pane, with one CPU busy: what it costs over a
// slow SSH link.
func (e *env) runTUIBytes(window time.Duration) map[string]series {
	out := map[string]series{}
	if _, err := exec.LookPath("tmux"); err != nil {
		return out
	}
	stop := e.busy(1)
	defer stop()
	cases := map[string][]string{
		"flametop (refresh 1s)": {e.flametop},
		"flametop (refresh 2s)": {e.flametop, "--refresh", "2s"},
	}
	if e.has("perf") {
		cases["perf top (refresh 2s)"] = []string{"perf", "top"}
	}
	var names []string
	for n := range cases {
		names = append(names, n)
	}
	for rep := 0; rep < min(e.reps, 3); rep++ {
		for _, n := range shuffled(names) {
			log := filepath.Join(e.dir, "tui.bytes")
			os.Remove(log)
			sess := fmt.Sprintf("ftbytes%d", rep)
			args := []string{"new-session", "-d", "-s", sess, "-x", "120", "-y", "40", "-e", "LANG=C.UTF-8", "--"}
			exec.Command("tmux", append(args, cases[n]...)...).Run()
			time.Sleep(4 * time.Second) // past start-up and the first full paint
			exec.Command("tmux", "pipe-pane", "-t", sess, "-o", "cat >> "+log).Run()
			time.Sleep(window)
			exec.Command("tmux", "pipe-pane", "-t", sess).Run()
			exec.Command("tmux", "send-keys", "-t", sess, "q").Run()
			time.Sleep(time.Second)
			exec.Command("tmux", "kill-session", "-t", sess).Run()
			if st, err := os.Stat(log); err == nil {
				bps := float64(st.Size()) / window.Seconds()
				out[n] = append(out[n], bps)
				e.log("tui %-24s %.0f bytes/s", n, bps)
			}
		}
	}
	return out
}

// runSymbolizeBench runs the symbolizer's Go benchmark and keeps its
// result lines.
func (e *env) runSymbolizeBench(repo string) []string {
	cmd := exec.Command("go", "test", "-run", "^$", "-bench", "Symbolize", "-benchtime", "3x", "./profile/symbolize")
	cmd.Dir = repo
	out, err := cmd.CombinedOutput()
	if err != nil {
		e.log("symbolize bench: %v\n%s", err, out)
		return nil
	}
	var lines []string
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(l, "BenchmarkSymbolize/") {
			lines = append(lines, l)
		}
	}
	return lines
}
