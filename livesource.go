package main

import (
	"context"
	"fmt"
	"runtime/debug"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/flametop/flametop/ui"
)

// liveSource runs the pipeline for the TUI: it drains the kernel maps,
// and once per refresh sends the UI a snapshot. It owns the collector, so
// the UI's controls (window, reset) reach it through a channel.
type liveSource struct {
	p      *pipeline
	target string
	every  time.Duration
	send   func(tea.Msg)
	stats  *liveStats
	ctl    chan func()
	window time.Duration
	why    stopReason // set when sampling ended on its own
}

func newLiveSource(p *pipeline, target string, every time.Duration) *liveSource {
	return &liveSource{p: p, target: target, every: every, stats: newLiveStats(p.start), ctl: make(chan func(), 8)}
}

// SetWindow and Reset are called on the UI goroutine.
func (s *liveSource) SetWindow(d time.Duration) { s.control(func() { s.window = d }) }
func (s *liveSource) Reset()                    { s.control(func() { s.p.col.Reset() }) }

func (s *liveSource) control(f func()) {
	select {
	case s.ctl <- f:
	default: // a burst of key presses: the latest ones win soon enough
	}
}

func (s *liveSource) loop(ctx context.Context) {
	defer func() {
		if r := recover(); r != nil {
			s.send(ui.ErrorMsg{Err: fmt.Errorf("internal error: %v\n%s", r, debug.Stack())})
		}
	}()
	drain := time.NewTicker(drainInterval)
	defer drain.Stop()
	refresh := time.NewTicker(s.every)
	defer refresh.Stop()
	s.publish() // the header at once, before the first samples
	first := true
	// The first samples go on screen after a tenth of a second rather than
	// a whole drain interval: the first second is what users judge.
	early := time.After(100 * time.Millisecond)
	for {
		select {
		case <-ctx.Done():
			return
		case f := <-s.ctl:
			f()
			s.publish()
		case err := <-s.p.failed:
			s.send(ui.ErrorMsg{Err: err})
			return
		case err := <-s.p.cmdDone:
			s.p.cmdDone <- err
			s.end("command exited")
			return
		case <-early:
			if err := s.p.drain(); err != nil {
				s.send(ui.ErrorMsg{Err: err})
				return
			}
			s.stats.update(s.p.lastStat)
			first = false
			s.publish()
		case <-drain.C:
			if err := s.p.drain(); err != nil {
				s.send(ui.ErrorMsg{Err: err})
				return
			}
			s.stats.update(s.p.lastStat)
			if s.p.allTargetsGone() {
				s.end("target exited")
				return
			}
			if first {
				// Show the first samples at once rather than after a
				// whole refresh period: the first second matters most.
				first = false
				s.publish()
			}
		case <-refresh.C:
			s.publish()
		}
	}
}

// end takes the last samples and leaves them on screen: the user may still
// want to look, zoom and save.
func (s *liveSource) end(why stopReason) {
	s.why = why
	s.p.sess.Stop()
	s.p.drain()
	s.p.drain()
	s.stats.update(s.p.lastStat)
	s.publish()
}

func (s *liveSource) publish() {
	st, elapsed, rate, cpu := s.stats.get()
	h := ui.Header{
		Target:    s.target,
		Event:     string(s.p.sess.Event),
		Frequency: s.p.sess.Frequency,
		Live:      s.why == "",
		Elapsed:   elapsed,
		Samples:   st.Samples,
		Rate:      rate,
		Lost:      st.Dropped + st.KernelFault + st.KernelMapFull + st.KernelCollide + st.UserFault + st.UserMapFull + st.UserCollide + st.KernelTruncate + st.UserTruncate,
		OwnCPU:    cpu,
	}
	if s.why != "" {
		h.Target += " " + string(s.why)
	}
	s.send(ui.SnapshotMsg{Profile: s.p.col.Snapshot(s.window), Header: h})
}
