package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// exportResult is post-processing time after a whole-system recording.
type exportResult struct {
	flametop, perf series // seconds
	workload       string
}

// runExport records the whole system at 999 Hz for d while a real build
// runs, and measures what comes after the recording: flametop's final
// drain, symbolization and pprof write (its run time minus d), and `perf
// report` on perf's recording of the same workload.
func (e *env) runExport(d time.Duration, repo string) exportResult {
	res := exportResult{workload: "go build -a std (fresh GOCACHE)"}
	if e.smoke {
		res.workload = "two busy loops"
	}
	for rep := 0; rep < min(e.reps, 3); rep++ {
		for _, t := range shuffled(e.tools()) {
			if t != "flametop" && t != "perf" {
				continue
			}
			dir, _ := os.MkdirTemp(e.dir, "export")
			stop := e.buildLoad(dir, repo)
			secs := fmt.Sprintf("%.0f", d.Seconds())
			var sink bytes.Buffer
			switch t {
			case "flametop":
				out := filepath.Join(dir, "out.pb.gz")
				r, err := runTool(context.Background(), []string{e.flametop, "record", "-F", "999", "-d", secs, "-o", out}, &sink)
				if err == nil {
					post := (r.wall - d).Seconds()
					res.flametop = append(res.flametop, post)
					e.log("export flametop: %.2fs after the recording", post)
				} else {
					e.log("export flametop: %v", err)
				}
			case "perf":
				data := filepath.Join(dir, "perf.data")
				if _, err := runTool(context.Background(), []string{"perf", "record", "-q", "-a", "-g", "-F", "999", "-o", data, "--", "sleep", secs}, &sink); err != nil {
					e.log("export perf record: %v", err)
					break
				}
				t0 := time.Now()
				rep := exec.Command("perf", "report", "--stdio", "-i", data)
				rep.Stdout = &sink
				if err := rep.Run(); err != nil {
					e.log("export perf report: %v", err)
					break
				}
				res.perf = append(res.perf, time.Since(t0).Seconds())
				e.log("export perf report: %.2fs", time.Since(t0).Seconds())
			}
			stop()
			os.RemoveAll(dir)
		}
	}
	return res
}

// buildLoad starts the build workload (a busy loop in smoke mode).
func (e *env) buildLoad(dir, repo string) func() {
	if e.smoke {
		return e.busy(2)
	}
	cmd := exec.Command("go", "build", "-a", "std")
	cmd.Dir = repo
	cmd.Env = append(os.Environ(), "GOCACHE="+filepath.Join(dir, "gocache"))
	cmd.Start()
	return func() {
		if cmd.Process != nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	}
}
