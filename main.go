// Command flametop is a CPU profiler built on eBPF with a terminal UI.
//
// main.go holds the command-line surface only: it parses flags and hands
// off to record (headless), live (the TUI) or view (a saved profile).
package main

import (
	"errors"
	"fmt"
	"os"
	"runtime/debug"

	"github.com/flametop/flametop/probes"
)

// version is set with -ldflags "-X main.version=..." by the Makefile.
var version = ""

const usage = `flametop: see where the CPU goes, live.

Usage:
  flametop [flags] [-- COMMAND [ARGS...]]          live TUI (whole system, -p PIDs, or a command)
  flametop record [flags] [-- COMMAND [ARGS...]]   sample headless and write a pprof or folded file
  flametop view FILE                               browse a saved pprof or folded profile (no root)

Run 'flametop record --help' or 'flametop live --help' for the flags.
  -h, --help      show this help
  -V, --version   print the version
`

// usageError is a mistake on the command line: exit status 2, like most
// Unix tools.
type usageError struct{ error }

func main() {
	probes.RunHeldIfRequested()
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	err := dispatch(args)
	if err == nil || errors.Is(err, errHelp) {
		return 0
	}
	var ex exitStatus
	if errors.As(err, &ex) {
		return int(ex) // the launched command's own status, already visible to the user
	}
	fmt.Fprintf(os.Stderr, "flametop: %v\n", oneLine(err))
	var ue usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

func dispatch(args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "record":
			return runRecord(args[1:])
		case "view":
			return runView(args[1:])
		case "live", "top":
			return runLive(args[1:])
		case "-h", "--help", "help":
			fmt.Print(usage)
			return nil
		case "-V", "--version", "version":
			fmt.Println("flametop", versionString())
			return nil
		}
	}
	return runLive(args)
}

func versionString() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// oneLine keeps a multi-line error (a verifier log) out of the summary line;
// --verbose prints logs in full.
func oneLine(err error) string {
	s := err.Error()
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			return s[:i] + " (run with --verbose for details)"
		}
	}
	return s
}

// exitStatus lets a subcommand choose the exit code (e.g. the command's).
type exitStatus int

func (e exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(e)) }
