package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/flametop/flametop/profile"
	"github.com/flametop/flametop/profile/atomicfile"
)

// drainInterval bounds how many distinct stacks pile up in the kernel maps
// between drains (fewer stack-map hash collisions) at little cost.
const drainInterval = 250 * time.Millisecond

// recordDefer is how long record leaves drained samples unsymbolized.
const recordDefer = 10 * time.Second

func runRecord(args []string) error {
	var t targetFlags
	var duration, output, format string
	fs := newFlagSet("record", "flametop record [-p PID[,PID...]] [-F HZ] [-d DURATION] [-o FILE] [-- COMMAND [ARGS...]]")
	fs.StringVarP(&duration, "duration", "d", "", "stop after this long (10s, 2m, or seconds); default: until Ctrl-C, the command or the targets exit")
	fs.StringVarP(&output, "output", "o", "flametop.pb.gz", "output file; - writes to stdout")
	fs.StringVar(&format, "format", "", "pprof or folded (default: from the output's extension, .folded/.txt are folded)")
	t.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := t.finish(fs, fs.Args()); err != nil {
		return err
	}
	dur, err := parseDuration(duration)
	if err != nil {
		return usageError{err}
	}
	fmtOut, err := profile.FormatFor(output, format)
	if err != nil {
		return usageError{err}
	}
	// Fail on an unusable output before spending any time profiling.
	if err := atomicfile.Check(output); err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	if dur > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, dur, errDurationDone)
		defer cancel()
	}

	p, err := startPipeline(&t, commandIO{os.Stdin, os.Stdout, os.Stderr})
	if err != nil {
		return err
	}
	p.deferFor = recordDefer
	why, runErr := p.run(ctx, drainInterval, nil)
	finErr := p.finish()
	if runErr == nil {
		runErr = finErr
	}
	// Signals stay caught until the file is written: a second Ctrl-C must
	// not lose what the user asked to save.
	prof := p.col.Snapshot(0)
	if err := atomicfile.Write(output, func(w *os.File) error { return profile.Write(w, prof, fmtOut) }); err != nil {
		return fmt.Errorf("write %s: %w", output, err)
	}
	fmt.Fprintf(os.Stderr, "flametop: %s\n", p.summary(prof, why, output))
	if lines := reasonLines(prof, 10); len(lines) > 0 {
		fmt.Fprintf(os.Stderr, "flametop: samples with unnamed frames or incomplete stacks:\n%s\n", strings.Join(lines, "\n"))
	}
	if runErr != nil {
		return runErr
	}
	if code, ok := p.commandStatus(); ok && code != 0 {
		return exitStatus(code)
	}
	return nil
}
