package ui

import (
	"time"

	"github.com/flametop/flametop/profile"
	"github.com/flametop/flametop/profile/tree"
)

// Header is what the top line shows about the run; the data source fills it.
type Header struct {
	Target    string // "all", "nginx (4242)", a file name
	Event     string
	Frequency int
	Live      bool
	Elapsed   time.Duration
	Samples   uint64  // taken by the kernel (live) or in the file
	Rate      float64 // samples per second
	Lost      uint64  // dropped or truncated stacks
	OwnCPU    float64 // flametop's own CPU, percent of one core
}

// SnapshotMsg delivers a new profile. Sources send one per refresh; the
// model drops any that arrive while it is frozen or still digesting one.
type SnapshotMsg struct {
	Profile *profile.Profile
	Header  Header
}

// ErrorMsg ends the program with an error shown after the terminal is
// restored (a sampling failure, a panic in a worker).
type ErrorMsg struct{ Err error }

// Controller changes what a live source collects; nil for saved files.
type Controller interface {
	SetWindow(d time.Duration) // 0: cumulative
	Reset()
}

// Config sets up the model.
type Config struct {
	Controller     Controller
	SaveDir        string        // where `w` writes; default the working directory
	Window         time.Duration // initial sliding-window length (default 10s)
	ASCII          bool          // no Unicode drawing characters
	GroupByProcess bool          // start grouped (whole-system runs)
}

// built is one snapshot digested for display; it is computed off the UI
// goroutine and never modified afterwards.
type built struct {
	seq    int
	prof   *profile.Profile
	header Header
	opts   tree.Options
	flat   *tree.Flat
	table  []tree.FuncStat
	tree   *tree.Tree
	procs  []string
}

type builtMsg struct{ b *built }

func build(seq int, p *profile.Profile, h Header, o tree.Options) *built {
	flat := tree.Flatten(p, o)
	return &built{
		seq: seq, prof: p, header: h, opts: o,
		flat:  flat,
		table: flat.Table(),
		tree:  flat.Tree(),
		procs: tree.Processes(p),
	}
}
