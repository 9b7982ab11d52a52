package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"strings"
	"time"
)

// accuracyCase is one workload with a known split.
type accuracyCase struct {
	name      string
	bin       string
	args      func(secs float64) []string
	hot, cold string
}

func (e *env) accuracyCases() []accuracyCase {
	split := func(bin, mode string, threads int) func(float64) []string {
		return func(secs float64) []string {
			return []string{e.bins[bin], fmt.Sprintf("%.1f", secs), "70", fmt.Sprint(threads), mode}
		}
	}
	var cs []accuracyCase
	for _, b := range []string{"split-gcc-fp", "split-gcc-nofp", "split-clang-fp", "split-clang-nofp"} {
		if e.bins[b] != "" {
			cs = append(cs, accuracyCase{b + " (jittered slices)", b, split(b, "jitter", 1), "hot_a", "hot_b"})
		}
	}
	cs = append(cs,
		accuracyCase{"C, 2 threads (gcc, frame pointers)", "split-gcc-fp", split("split-gcc-fp", "jitter", 2), "hot_a", "hot_b"},
		accuracyCase{"C, periodic 10 ms slices (aliasing)", "split-gcc-fp", split("split-gcc-fp", "periodic", 1), "hot_a", "hot_b"},
		accuracyCase{"Go", "gowork", func(secs float64) []string {
			return []string{e.bins["gowork"], fmt.Sprintf("%.1f", secs), "70"}
		}, "main.spinAlpha", "main.spinBeta"},
	)
	if e.smoke {
		cs = cs[:1]
	}
	return cs
}

// accuracyRow is one (case, tool) cell set over the repetitions.
type accuracyRow struct {
	truth, share, complete series
	err                    string
}

// runAccuracy profiles each workload by PID with each tool, interleaved
// and in shuffled order per repetition. The workload runs longer than the
// profile so that every tool sees the process alive when it symbolizes.
func (e *env) runAccuracy(hz int, secs float64) (map[string]map[string]*accuracyRow, []accuracyCase) {
	cases := e.accuracyCases()
	rows := map[string]map[string]*accuracyRow{}
	for _, c := range cases {
		rows[c.name] = map[string]*accuracyRow{}
		for _, t := range e.tools() {
			rows[c.name][t] = &accuracyRow{}
		}
	}
	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	for rep := 0; rep < e.reps; rep++ {
		for _, c := range cases {
			tools := e.tools()
			r.Shuffle(len(tools), func(i, j int) { tools[i], tools[j] = tools[j], tools[i] })
			for _, t := range tools {
				row := rows[c.name][t]
				truth, share, complete, err := e.accuracyOnce(t, c, hz, secs)
				if err != nil {
					row.err = err.Error()
					e.log("accuracy %s %s: %v", c.name, t, err)
					continue
				}
				row.truth = append(row.truth, truth)
				row.share = append(row.share, share)
				row.complete = append(row.complete, complete)
				e.log("accuracy %-40s %-9s truth %.3f share %.3f complete %.3f", c.name, t, truth, share, complete)
			}
		}
	}
	return rows, cases
}

func (e *env) accuracyOnce(tool string, c accuracyCase, hz int, secs float64) (truth, share, complete float64, err error) {
	argv := c.args(secs + 1.5)
	w := exec.Command(argv[0], argv[1:]...)
	var out bytes.Buffer
	w.Stdout = &out
	if err := w.Start(); err != nil {
		return 0, 0, 0, err
	}
	time.Sleep(500 * time.Millisecond)
	res, perr := e.profilePID(tool, hz, w.Process.Pid, time.Duration(secs*float64(time.Second)))
	werr := w.Wait()
	if perr != nil {
		return 0, 0, 0, perr
	}
	if werr != nil {
		return 0, 0, 0, fmt.Errorf("workload: %v", werr)
	}
	var a, b float64
	if _, err := fmt.Sscanf(strings.TrimSpace(out.String()), "truth %f %f", &a, &b); err != nil || a+b == 0 {
		return 0, 0, 0, fmt.Errorf("workload printed no truth: %q", out.String())
	}
	got, total := shares(res.stacks, c.hot, c.cold, "main", "main.main", "start_thread")
	if total == 0 || got[c.hot]+got[c.cold] == 0 {
		return a / (a + b), 0, 0, fmt.Errorf("no samples named %s or %s (of %d)", c.hot, c.cold, total)
	}
	share = float64(got[c.hot]) / float64(got[c.hot]+got[c.cold])
	complete = float64(got["main"]+got["main.main"]+got["start_thread"]) / float64(total)
	return a / (a + b), share, complete, nil
}
