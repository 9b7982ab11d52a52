package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"
)

var errHelp = errors.New("help requested")

// targetFlags are shared by record and live: what to sample and how.
type targetFlags struct {
	pids      string
	frequency int
	event     string
	noKernel  bool
	noUser    bool
	verbose   bool

	pidList []int
	command []string
}

func (t *targetFlags) register(fs *pflag.FlagSet) {
	fs.StringVarP(&t.pids, "pid", "p", "", "profile these processes (comma-separated PIDs), all their threads")
	fs.IntVarP(&t.frequency, "frequency", "F", 99, "samples per second per CPU")
	fs.StringVarP(&t.event, "event", "e", "", "cycles or cpu-clock (default: cycles when the CPU has a PMU, else cpu-clock)")
	fs.BoolVar(&t.noKernel, "no-kernel", false, "do not collect kernel stacks")
	fs.BoolVar(&t.noUser, "no-user", false, "do not collect user stacks")
	fs.BoolVarP(&t.verbose, "verbose", "v", false, "print BPF verifier logs and other details")
}

// finish validates the parsed flags; rest is what followed the flags.
func (t *targetFlags) finish(fs *pflag.FlagSet, rest []string) error {
	if t.frequency < 1 {
		return usageError{fmt.Errorf("invalid frequency %d: want a positive number of Hz", t.frequency)}
	}
	if t.noKernel && t.noUser {
		return usageError{errors.New("--no-kernel and --no-user together leave nothing to sample")}
	}
	if t.pids != "" {
		for _, f := range strings.Split(t.pids, ",") {
			f = strings.TrimSpace(f)
			n, err := strconv.Atoi(f)
			if err != nil || n <= 0 {
				return usageError{fmt.Errorf("invalid PID %q in --pid", f)}
			}
			t.pidList = append(t.pidList, n)
		}
	}
	if dash := fs.ArgsLenAtDash(); dash >= 0 {
		if dash > 0 {
			return usageError{fmt.Errorf("unexpected argument %q (put the command after --)", rest[0])}
		}
		t.command = rest
		if len(t.command) == 0 {
			return usageError{errors.New("no command given after --")}
		}
	} else if len(rest) > 0 {
		return usageError{fmt.Errorf("unexpected argument %q (put the command after --)", rest[0])}
	}
	if len(t.command) > 0 && len(t.pidList) > 0 {
		return usageError{errors.New("give either --pid or a command after --, not both")}
	}
	return nil
}

// newFlagSet makes a GNU-style flag set whose errors come back as one line.
func newFlagSet(name, synopsis string) *pflag.FlagSet {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	fs.SortFlags = false
	fs.Usage = func() {
		fmt.Fprintf(os.Stdout, "Usage: %s\n\nFlags:\n%s", synopsis, fs.FlagUsages())
	}
	return fs
}

// parse runs fs over args, turning pflag's errors into usage errors.
func parse(fs *pflag.FlagSet, args []string) error {
	fs.SetOutput(discard{})
	err := fs.Parse(args)
	if errors.Is(err, pflag.ErrHelp) {
		return errHelp // pflag has already called fs.Usage
	}
	if err != nil {
		return usageError{fmt.Errorf("%s: %v (see 'flametop %s --help')", fs.Name(), err, fs.Name())}
	}
	return nil
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// parseDuration accepts Go durations ("10s", "1m30s") and, as perf users
// type them, plain seconds ("10", "2.5").
func parseDuration(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil {
			return 0, fmt.Errorf("invalid duration %q: use e.g. 10s, 2m or 30", s)
		}
		d = time.Duration(f * float64(time.Second))
	}
	if d <= 0 {
		return 0, fmt.Errorf("invalid duration %q: must be positive", s)
	}
	return d, nil
}
