package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/flametop/flametop/ui"
)

func runLive(args []string) error {
	var t targetFlags
	var refresh, window, cmdOut, saveDir string
	var ascii bool
	fs := newFlagSet("live", "flametop [-p PID[,PID...]] [-F HZ] [--refresh 1s] [-- COMMAND [ARGS...]]")
	t.register(fs)
	fs.StringVar(&refresh, "refresh", "1s", "how often the screen shows new data")
	fs.StringVar(&window, "window", "10s", "length of the sliding window (toggle with t)")
	fs.StringVar(&saveDir, "save-dir", ".", "directory where w writes pprof files")
	fs.StringVar(&cmdOut, "command-output", "", "file for the launched command's stdout and stderr (default: discarded, the screen is the TUI's)")
	fs.BoolVar(&ascii, "ascii", false, "draw with ASCII only (default when the locale is not UTF-8)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := t.finish(fs, fs.Args()); err != nil {
		return err
	}
	every, err := parseDuration(refresh)
	if err != nil {
		return usageError{fmt.Errorf("--refresh: %w", err)}
	}
	every = max(every, 100*time.Millisecond)
	win, err := parseDuration(window)
	if err != nil {
		return usageError{fmt.Errorf("--window: %w", err)}
	}
	if st, err := os.Stat(saveDir); err != nil || !st.IsDir() {
		return fmt.Errorf("--save-dir %s: not a directory", saveDir)
	}
	for _, pid := range t.pidList {
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			return fmt.Errorf("no process with PID %d", pid)
		}
	}
	if err := requireTerminal(); err != nil {
		return err
	}

	cio := commandIO{stdin: nil, stdout: io.Discard, stderr: io.Discard}
	if cmdOut != "" {
		f, err := os.OpenFile(cmdOut, os.O_WRONLY|os.O_CREATE|os.O_TRUNC|syscall.O_NOFOLLOW, 0o600)
		if err != nil {
			return fmt.Errorf("--command-output: %w", err)
		}
		defer f.Close()
		cio.stdout, cio.stderr = f, f
	}
	p, err := startPipeline(&t, cio)
	if err != nil {
		return err
	}
	src := newLiveSource(p, targetName(&t, p), every)
	model := ui.New(ui.Config{
		Controller:     src,
		SaveDir:        saveDir,
		Window:         win,
		ASCII:          ascii || !utf8Locale(),
		GroupByProcess: len(t.pidList) == 0 && len(t.command) == 0,
	})
	prog := tea.NewProgram(model)
	src.send = prog.Send

	// Bubble Tea handles SIGINT and SIGTERM; an SSH drop sends SIGHUP.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	go func() {
		if _, ok := <-hup; ok {
			prog.Quit()
		}
	}()

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		src.loop(ctx)
	}()
	_, runErr := prog.Run()
	cancel()
	<-done
	why := src.why
	if why == "" {
		why = "quit"
	}
	finErr := p.finish()
	prof := p.col.Snapshot(0)
	fmt.Fprintf(os.Stderr, "flametop: %s\n", p.summary(prof, why, ""))
	switch {
	case model.Err != nil:
		return model.Err
	case runErr != nil && !errors.Is(runErr, tea.ErrInterrupted):
		return runErr
	}
	return finErr
}

// requireTerminal refuses to draw a TUI into a pipe or file.
func requireTerminal() error {
	for _, f := range []*os.File{os.Stdin, os.Stdout} {
		st, err := f.Stat()
		if err != nil || st.Mode()&os.ModeCharDevice == 0 {
			return errors.New("the live view needs a terminal; use 'flametop record' to write a file instead")
		}
	}
	return nil
}

// utf8Locale follows the POSIX precedence: LC_ALL, then LC_CTYPE, then LANG.
func utf8Locale() bool {
	for _, v := range []string{"LC_ALL", "LC_CTYPE", "LANG"} {
		if s := os.Getenv(v); s != "" {
			s = strings.ToLower(s)
			return strings.Contains(s, "utf-8") || strings.Contains(s, "utf8")
		}
	}
	return false
}

func targetName(t *targetFlags, p *pipeline) string {
	switch {
	case len(t.command) > 0:
		return fmt.Sprintf("%s (%d)", filepath.Base(t.command[0]), p.cmd.PID())
	case len(t.pidList) > 0:
		var parts []string
		for _, pid := range t.pidList {
			parts = append(parts, fmt.Sprintf("%s (%d)", commName(pid), pid))
		}
		return strings.Join(parts, ", ")
	}
	return "all processes"
}

func commName(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(b))
}
