// Command bench measures flametop side by side with perf and bpftrace (and
// bcc's profile where it helps): accuracy against a truth timed inside the
// workloads, cost to the workload, flametop's own cost, start-up, export,
// TUI output and symbolization speed. Runs are interleaved and shuffled per
// repetition; tables give medians with min–max. It writes BENCHMARKS.md
// and an SVG plot.
//
//	go run ./bench               # the full run (make bench), as root
//	go run ./bench -smoke        # seconds: checks the harness (make bench-smoke)
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"
)

func main() {
	reps := flag.Int("reps", 5, "repetitions of every measurement")
	smoke := flag.Bool("smoke", false, "one short repetition of each section, flametop and perf only, no report unless -out is given")
	outPath := flag.String("out", "", "report file (default BENCHMARKS.md, none with -smoke)")
	only := flag.String("sections", "all", "comma-separated: accuracy,cost,own,startup,export,tui,symbolize")
	flag.Parse()
	if err := runBench(*reps, *smoke, *outPath, *only); err != nil {
		fmt.Fprintf(os.Stderr, "bench: %v\n", err)
		os.Exit(1)
	}
}

func runBench(reps int, smoke bool, outPath, only string) error {
	if os.Geteuid() != 0 {
		return fmt.Errorf("run as root: every profiler here loads BPF programs or opens perf events")
	}
	repo, err := repoRoot()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "flametop-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	e := &env{dir: dir, reps: reps, smoke: smoke, log: func(f string, a ...any) { fmt.Fprintf(os.Stderr, f+"\n", a...) }}
	if smoke {
		e.reps = 1
		if outPath == "" {
			outPath = "-"
		}
	} else if outPath == "" {
		outPath = filepath.Join(repo, "BENCHMARKS.md")
	}
	if err := e.build(repo); err != nil {
		return err
	}
	e.installPeers()
	want := func(s string) bool { return only == "all" || strings.Contains(","+only+",", ","+s+",") }

	rep := &report{machine: machineFacts(), peers: e.peers, reps: e.reps, smoke: smoke}
	accSecs, costIters, ownDur, exportDur, tuiWin := 5.0, 30000000, 40*time.Second, 30*time.Second, 10*time.Second
	freqs := []int{99, 999, 9999}
	if smoke {
		accSecs, costIters, ownDur, exportDur, tuiWin = 1, 3000000, 2*time.Second, 2*time.Second, 2*time.Second
		freqs = []int{999}
	}
	if want("accuracy") {
		rep.accuracy, rep.cases = e.runAccuracy(999, accSecs)
		rep.accHz, rep.accSecs = 999, accSecs
	}
	if want("cost") {
		rep.cost, rep.freqs, rep.costIters = e.runCost(freqs, costIters), freqs, costIters
	}
	if want("own") {
		rep.own, rep.ownDur = e.runOwnCost(ownDur), ownDur
	}
	if want("startup") {
		rep.startup = e.runStartup()
		if !smoke {
			rep.firstFrame = e.runFirstFrame()
		}
	}
	if want("export") {
		ex := e.runExport(exportDur, repo)
		rep.export, rep.exportDur = &ex, exportDur
	}
	if want("tui") && !smoke {
		rep.tui, rep.tuiWin = e.runTUIBytes(tuiWin), tuiWin
	}
	if want("symbolize") && !smoke {
		rep.symbolize = e.runSymbolizeBench(repo)
	}
	if err := rep.check(); err != nil {
		return err
	}
	md := rep.markdown()
	if outPath == "-" {
		fmt.Print(md)
		return nil
	}
	if rep.cost != nil && !smoke {
		svg := costSVG(rep.cost, rep.freqs)
		if err := os.WriteFile(filepath.Join(repo, "bench", "overhead.svg"), []byte(svg), 0o644); err != nil {
			return err
		}
	}
	if only != "all" {
		// A partial run updates its sections and keeps the others.
		if old, err := os.ReadFile(outPath); err == nil {
			md = mergeSections(string(old), md)
		}
	}
	return os.WriteFile(outPath, []byte(md), 0o644)
}

// mergeSections replaces, in old, every "## " section that fresh has
// (the machine section included), keeping old's other sections in place.
func mergeSections(old, fresh string) string {
	split := func(doc string) (string, []string) {
		parts := strings.Split(doc, "\n## ")
		return parts[0], parts[1:]
	}
	title := func(sec string) string { t, _, _ := strings.Cut(sec, "\n"); return t }
	_, newSecs := split(fresh)
	head, oldSecs := split(old)
	repl := map[string]string{}
	for _, s := range newSecs {
		repl[title(s)] = s
	}
	var out []string
	seen := map[string]bool{}
	for _, s := range oldSecs {
		if n, ok := repl[title(s)]; ok {
			s = n
			seen[title(s)] = true
		}
		out = append(out, s)
	}
	for _, s := range newSecs {
		if !seen[title(s)] {
			out = append(out, s)
		}
	}
	return head + "\n## " + strings.Join(out, "\n## ")
}

// repoRoot finds the module root from the working directory.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := dir; d != "/"; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			if _, err := os.Stat(filepath.Join(d, "bench", "workloads")); err == nil {
				return d, nil
			}
		}
	}
	return "", fmt.Errorf("run from inside the flametop repository")
}

func shuffled(s []string) []string {
	c := append([]string(nil), s...)
	rand.Shuffle(len(c), func(i, j int) { c[i], c[j] = c[j], c[i] })
	return c
}
