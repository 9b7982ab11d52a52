package ui

import (
	"runtime"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/flametop/flametop/profile/profiletest"
)

// bigModel is a 120x40 model showing a profile of ~100,000 distinct call
// tree nodes.
func bigModel(b *testing.B) *Model {
	b.Helper()
	m := New(Config{GroupByProcess: true})
	send(b, m, tea.WindowSizeMsg{Width: 120, Height: 40})
	send(b, m, SnapshotMsg{Profile: profiletest.Wide(100000)})
	b.ReportMetric(float64(len(m.cur.tree.Nodes)), "nodes")
	return m
}

// Frame render time per view, layout cached (what a refresh without new
// data costs).
func BenchmarkRender100k(b *testing.B) {
	for _, v := range []struct {
		name string
		view int
	}{{"top", viewTop}, {"flame", viewFlame}, {"callers", viewCallers}} {
		b.Run(v.name, func(b *testing.B) {
			m := bigModel(b)
			m.switchView(v.view)
			b.ReportAllocs()
			for b.Loop() {
				_ = m.View()
			}
		})
	}
}

// Key-to-frame latency: handling a key and drawing the next frame.
func BenchmarkKeyToFrame100k(b *testing.B) {
	cases := []struct {
		name string
		view int
		keys []string
	}{
		{"top-scroll", viewTop, []string{"j"}},
		{"top-resort", viewTop, []string{"s"}},
		{"flame-move", viewFlame, []string{"up", "right"}},
		{"flame-zoom", viewFlame, []string{"up", "enter", "esc"}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			m := bigModel(b)
			m.switchView(c.view)
			b.ReportAllocs()
			for b.Loop() {
				for _, k := range c.keys {
					m.Update(press(k))
					_ = m.View()
				}
			}
		})
	}
}

// Digesting a snapshot (off the UI goroutine) and the memory it holds.
func BenchmarkSnapshot100k(b *testing.B) {
	p := profiletest.Wide(100000)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	kept := build(1, p, Header{}, bigModel(b).treeOptions())
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "MiB-held")
	_ = kept
	b.ReportAllocs()
	for b.Loop() {
		build(1, p, Header{}, kept.opts)
	}
}
