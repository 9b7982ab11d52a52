package main

import (
	"errors"
	"fmt"
	"path/filepath"

	tea "charm.land/bubbletea/v2"

	"github.com/flametop/flametop/profile"
	"github.com/flametop/flametop/profile/sanitize"
	"github.com/flametop/flametop/ui"
)

// runView browses a saved profile: ours, Go's runtime/pprof, any pprof or
// folded-stack file. It needs no privileges.
func runView(args []string) error {
	var saveDir string
	var ascii bool
	fs := newFlagSet("view", "flametop view [--ascii] FILE")
	fs.StringVar(&saveDir, "save-dir", ".", "directory where w writes pprof files")
	fs.BoolVar(&ascii, "ascii", false, "draw with ASCII only (default when the locale is not UTF-8)")
	if err := parse(fs, args); err != nil {
		return err
	}
	switch fs.NArg() {
	case 0:
		return usageError{errors.New("view: no file given (flametop view FILE)")}
	case 1:
	default:
		return usageError{fmt.Errorf("view: one file at a time, got %d", fs.NArg())}
	}
	path := fs.Arg(0)
	prof, err := profile.ReadFile(path)
	if err != nil {
		return err
	}
	if err := requireTerminal(); err != nil {
		return err
	}
	var n int64
	procs := map[string]bool{}
	for _, s := range prof.Samples {
		n += s.Count
		procs[s.Process] = true
	}
	model := ui.New(ui.Config{SaveDir: saveDir, ASCII: ascii || !utf8Locale(), GroupByProcess: len(procs) > 1})
	prog := tea.NewProgram(model)
	go prog.Send(ui.SnapshotMsg{Profile: prof, Header: ui.Header{
		Target:    sanitize.String(filepath.Base(path)),
		Event:     prof.Event,
		Frequency: prof.Frequency,
		Samples:   uint64(n),
		Elapsed:   prof.Duration,
	}})
	if _, err := prog.Run(); err != nil && !errors.Is(err, tea.ErrInterrupted) {
		return err
	}
	return model.Err
}
