package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/flametop/flametop/probes"
	"github.com/flametop/flametop/probes/sample"
	"github.com/flametop/flametop/profile"
	"github.com/flametop/flametop/profile/symbolize"
)

// pipeline wires probes → symbolizer → collector. The goroutine running loop
// owns the collector; process events reach the symbolizer from their own
// goroutine so a short-lived process's maps are captured at once.
type pipeline struct {
	sess  *probes.Session
	sym   *symbolize.Symbolizer
	col   *profile.Collector
	cmd   *probes.Command
	pids  []int
	start time.Time

	cmdDone  chan error // receives the command's exit, if there is one
	failed   chan error // a panic in one of the pipeline's goroutines
	lastStat sample.Stats
	gone     []int // -p targets that exited during the run

	// Symbolizing costs CPU the profiled workload would feel on a small
	// machine (reading kallsyms, inflating a library's DWARF), so record
	// keeps drained batches for up to deferFor and symbolizes them
	// together, as perf does in perf report. The bound stays well inside
	// the symbolizer's memory of exited processes.
	deferFor  time.Duration
	pending   []sample.Batch
	pendingN  int
	pendingAt time.Time
}

// maxPendingSamples bounds the memory deferred batches take.
const maxPendingSamples = 200_000

type commandIO struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

func startPipeline(t *targetFlags, cio commandIO) (*pipeline, error) {
	event, err := probes.ParseEvent(t.event)
	if err != nil {
		return nil, usageError{err}
	}
	p := &pipeline{pids: t.pidList, failed: make(chan error, 1)}
	for _, pid := range t.pidList {
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			return nil, fmt.Errorf("no process with PID %d", pid)
		}
	}
	if len(t.command) > 0 {
		if p.cmd, err = probes.HoldCommand(t.command, cio.stdin, cio.stdout, cio.stderr); err != nil {
			return nil, err
		}
	}
	cfg := probes.Config{
		Event:        event,
		Frequency:    t.frequency,
		PIDs:         t.pidList,
		FollowForks:  p.cmd != nil,
		KernelStacks: !t.noKernel,
		UserStacks:   !t.noUser,
		Verbose:      t.verbose,
	}
	if p.cmd != nil {
		cfg.PIDs = []int{p.cmd.PID()}
	}
	p.sess, err = probes.Start(cfg)
	if err != nil {
		if p.cmd != nil {
			p.cmd.Abort()
		}
		return nil, err
	}
	for _, w := range p.sess.Warnings {
		fmt.Fprintf(os.Stderr, "flametop: warning: %s\n", w)
	}
	p.sym = symbolize.New(symbolize.Options{})
	p.start = time.Now()
	p.col = profile.NewCollector(p.sym, profile.Meta{
		Event:     string(p.sess.Event),
		Frequency: p.sess.Frequency,
		Period:    int64(time.Second) / int64(p.sess.Frequency),
		Start:     p.start,
	})
	for _, pid := range t.pidList {
		p.sym.Observe(uint32(pid), 0, false)
	}
	go p.forwardEvents()
	if p.cmd != nil {
		p.cmdDone = make(chan error, 1)
		if err := p.cmd.Release(); err != nil {
			p.sess.Close()
			return nil, fmt.Errorf("start command: %w", err)
		}
		go func() { p.cmdDone <- p.cmd.Cmd.Wait() }()
	}
	return p, nil
}

func (p *pipeline) forwardEvents() {
	defer p.recoverPanic()
	for ev := range p.sess.Events() {
		p.sym.Observe(ev.PID, ev.Gen, ev.Kind == sample.EventExit)
	}
}

// recoverPanic turns a panic in a pipeline goroutine into an error for the
// loop, so the terminal is restored and BPF cleaned up before exiting.
func (p *pipeline) recoverPanic() {
	if r := recover(); r != nil {
		select {
		case p.failed <- fmt.Errorf("internal error: %v\n%s", r, debug.Stack()):
		default:
		}
	}
}

// drain moves what the kernel collected into the collector.
func (p *pipeline) drain() error {
	b, err := p.sess.Drain()
	if err != nil {
		return err
	}
	p.lastStat = b.Stats
	if p.deferFor <= 0 {
		p.col.Add(b)
		return nil
	}
	if len(p.pending) == 0 {
		p.pendingAt = time.Now()
	}
	// What must be read while the process lives is read now, once per
	// process image (each Touch reads its perf map's new lines).
	type image struct {
		pid uint32
		gen uint64
	}
	addrs := map[image][]uint64{}
	for _, smp := range b.Samples {
		if len(smp.User) > 0 {
			k := image{smp.PID, smp.Gen}
			addrs[k] = append(addrs[k], smp.User...)
		}
	}
	for k, a := range addrs {
		p.sym.Touch(k.pid, k.gen, a)
	}
	p.pending = append(p.pending, b)
	p.pendingN += len(b.Samples)
	if p.pendingN >= maxPendingSamples || time.Since(p.pendingAt) >= p.deferFor {
		p.flush()
	}
	return nil
}

// flush symbolizes the deferred batches.
func (p *pipeline) flush() {
	for _, b := range p.pending {
		p.col.Add(b)
	}
	p.pending, p.pendingN = nil, 0
}

// stopReason says why sampling ended, for the summary.
type stopReason string

// run drains every interval until ctx ends, the command exits, or every -p
// target is gone; each drain is followed by after (nil for none).
func (p *pipeline) run(ctx context.Context, interval time.Duration, after func()) (stopReason, error) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			if errors.Is(context.Cause(ctx), errDurationDone) {
				return "duration reached", nil
			}
			return "interrupted", nil
		case err := <-p.cmdDone:
			p.cmdDone <- err // keep it for the exit status
			return "command exited", nil
		case err := <-p.failed:
			return "internal error", err
		case <-tick.C:
			if err := p.drain(); err != nil {
				return "", err
			}
			if after != nil {
				after()
			}
			if p.allTargetsGone() {
				return "target exited", nil
			}
		}
	}
}

var errDurationDone = errors.New("duration reached")

func (p *pipeline) allTargetsGone() bool {
	if len(p.pids) == 0 {
		return false
	}
	p.gone = p.gone[:0]
	for _, pid := range p.pids {
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			p.gone = append(p.gone, pid)
		}
	}
	return len(p.gone) == len(p.pids)
}

// finish takes the last counts, detaches everything and stops a command
// that is still running (it was ours to start).
func (p *pipeline) finish() error {
	p.sess.Stop()
	err := p.drain() // each drain empties one of the two map sets
	if err == nil {
		err = p.drain()
	}
	p.flush()
	p.sess.Close()
	if p.cmd != nil {
		select {
		case e := <-p.cmdDone:
			p.cmdDone <- e
		default:
			p.cmd.Cmd.Process.Signal(syscall.SIGTERM)
			select {
			case e := <-p.cmdDone:
				p.cmdDone <- e
			case <-time.After(2 * time.Second):
				p.cmd.Cmd.Process.Kill()
			}
		}
	}
	return err
}

// commandStatus is the exit status of the launched command, if it exited
// on its own.
func (p *pipeline) commandStatus() (int, bool) {
	if p.cmdDone == nil {
		return 0, false
	}
	select {
	case err := <-p.cmdDone:
		p.cmdDone <- err
		var ee interface{ ExitCode() int }
		if errors.As(err, &ee) {
			return ee.ExitCode(), true
		}
		return 0, err == nil
	default:
		return 0, false
	}
}

// summary is the one line record prints at the end.
func (p *pipeline) summary(prof *profile.Profile, why stopReason, out string) string {
	st := p.lastStat
	var b strings.Builder
	procs := map[uint32]bool{}
	for _, s := range prof.Samples {
		procs[s.PID] = true
	}
	fmt.Fprintf(&b, "%d samples (%s, %d Hz, %.1fs, %s), %d processes",
		st.Samples, p.sess.Event, p.sess.Frequency, time.Since(p.start).Seconds(), why, len(procs))
	var lost []string
	add := func(n uint64, what string) {
		if n > 0 {
			lost = append(lost, fmt.Sprintf("%d %s", n, what))
		}
	}
	add(st.Dropped, "dropped (count map full)")
	add(st.KernelFault, "kernel stacks unwalkable")
	add(st.KernelMapFull, "kernel stacks lost (stack map full)")
	add(st.KernelCollide, "kernel stacks lost (stack map hash collision)")
	add(st.UserFault, "user stacks unwalkable")
	add(st.UserMapFull, "user stacks lost (stack map full)")
	add(st.UserCollide, "user stacks lost (stack map hash collision)")
	add(st.KernelTruncate+st.UserTruncate, "stacks truncated at depth 127")
	add(st.EventsLost, "process events lost")
	if len(lost) > 0 {
		b.WriteString("; " + strings.Join(lost, ", "))
	} else {
		b.WriteString("; no stacks dropped or truncated")
	}
	if len(p.gone) > 0 && len(p.gone) == len(p.pids) {
		b.WriteString("; target exited during the run")
	}
	if out != "" {
		b.WriteString("; wrote " + out)
	}
	return b.String()
}

// reasonLines lists why frames went unnamed or stacks incomplete, with the
// samples affected, busiest first; at most max lines.
func reasonLines(prof *profile.Profile, max int) []string {
	type rc struct {
		r string
		n int64
	}
	var all []rc
	var total int64
	for _, s := range prof.Samples {
		total += s.Count
	}
	for r, n := range prof.Reasons {
		all = append(all, rc{r, n})
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].n != all[j].n {
			return all[i].n > all[j].n
		}
		return all[i].r < all[j].r
	})
	var out []string
	for i, x := range all {
		if i == max {
			out = append(out, fmt.Sprintf("  ... and %d more reasons", len(all)-max))
			break
		}
		pct := 0.0
		if total > 0 {
			pct = 100 * float64(x.n) / float64(total)
		}
		out = append(out, fmt.Sprintf("  %6d samples (%4.1f%%): %s", x.n, pct, x.r))
	}
	return out
}
