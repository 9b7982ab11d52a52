package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	pprof "github.com/google/pprof/profile"
)

func TestTopSortsAndFilters(t *testing.T) {
	m := newTestModel(t, 120, 40, Config{})
	first := func() string { return m.top.flat.Funcs[m.top.rows[0].Func].Name }
	if first() != "hot_loop" {
		t.Fatalf("default sort (self): first row %s, want hot_loop", first())
	}
	keys(t, m, "2")
	if first() != "main" {
		t.Errorf("sort by total: first row %s, want main", first())
	}
	keys(t, m, "3")
	if first() != "[missing user stack]" {
		t.Errorf("sort by name: first row %s", first())
	}
	keys(t, m, "1", "/", "type:JSON", "enter")
	if len(m.top.rows) != 1 || !strings.Contains(first(), "json::Parser") {
		t.Fatalf("filter json: %d rows", len(m.top.rows))
	}
	if !strings.Contains(screen(m), `filter "JSON"`) {
		t.Errorf("the filter is not shown:\n%s", screen(m))
	}
	keys(t, m, "esc")
	if len(m.top.rows) < 10 {
		t.Errorf("esc did not clear the filter: %d rows", len(m.top.rows))
	}
}

func TestTopEnterOpensCallers(t *testing.T) {
	m := newTestModel(t, 120, 40, Config{})
	keys(t, m, "j") // second row by self: json::Parser...next (300)
	keys(t, m, "enter")
	if m.view != viewCallers || !strings.HasPrefix(m.callers.name, "json::Parser") {
		t.Fatalf("view %d, callers of %q", m.view, m.callers.name)
	}
	s := screen(m)
	for _, want := range []string{"Callers of json::Parser", "parse", "run", "main", "Callees of"} {
		if !strings.Contains(s, want) {
			t.Errorf("callers view lacks %q:\n%s", want, s)
		}
	}
	// Re-centre on the caller (cursor: heading, then the function, then parse).
	keys(t, m, "down", "down", "enter")
	if m.callers.name != "parse" {
		t.Errorf("re-centred on %q, want parse", m.callers.name)
	}
	keys(t, m, "esc")
	if !strings.HasPrefix(m.callers.name, "json::Parser") {
		t.Errorf("esc went back to %q", m.callers.name)
	}
}

func TestFlameZoomAndSearch(t *testing.T) {
	m := newTestModel(t, 120, 40, Config{})
	keys(t, m, "tab")
	if m.view != viewFlame {
		t.Fatal("tab did not open the flame graph")
	}
	f := &m.flame
	// Flame orientation: up goes toward callees.
	keys(t, m, "up", "up", "up")
	if got := strings.Join(f.t.Path(f.sel), ";"); got != "main;run;compute" {
		t.Fatalf("selection after 3×up: %s", got)
	}
	keys(t, m, "enter")
	if f.t.Name(f.zoom) != "compute" {
		t.Fatalf("enter zoomed on %s", f.t.Name(f.zoom))
	}
	if !strings.Contains(screen(m), "[zoomed: esc]") {
		t.Error("no zoom hint")
	}
	keys(t, m, "esc")
	if f.t.Name(f.zoom) != "run" {
		t.Errorf("esc zoomed out to %s, want run", f.t.Name(f.zoom))
	}
	keys(t, m, "home", "/", "type:write", "enter")
	s := screen(m)
	// write and ksys_write match; ksys_write is under write: 120 of 1800.
	if !strings.Contains(s, `search "write": 3 frames, 6.7%`) {
		t.Errorf("search status wrong:\n%s", s)
	}
	keys(t, m, "n")
	if name := f.t.Name(f.sel); !strings.Contains(name, "write") {
		t.Errorf("n selected %s", name)
	}
	a := f.sel
	keys(t, m, "n")
	if f.sel == a {
		t.Error("n did not move to another match")
	}
	keys(t, m, "N")
	if f.sel != a {
		t.Error("N did not go back")
	}
	keys(t, m, "f")
	if !f.icicle {
		t.Error("f did not switch to icicle")
	}
}

func TestFlameSelectionSurvivesRefresh(t *testing.T) {
	m := newTestModel(t, 120, 40, Config{})
	keys(t, m, "tab", "up", "up", "up", "up")
	before := strings.Join(m.flame.t.Path(m.flame.sel), ";")
	send(t, m, SnapshotMsg{Profile: fixture()})
	if after := strings.Join(m.flame.t.Path(m.flame.sel), ";"); after != before {
		t.Errorf("selection %s became %s after a refresh", before, after)
	}
}

func TestFreezeDropsSnapshots(t *testing.T) {
	m := newTestModel(t, 120, 40, Config{})
	keys(t, m, "z")
	old := m.cur
	send(t, m, SnapshotMsg{Profile: fixture()})
	if m.cur != old {
		t.Fatal("a frozen display changed")
	}
	if !strings.Contains(screen(m), "FROZEN") {
		t.Error("no FROZEN marker")
	}
	keys(t, m, "z")
	if m.cur == old {
		t.Error("unfreezing did not show the newest snapshot")
	}
}

func TestBusyBuildDropsIntermediateSnapshots(t *testing.T) {
	m := newTestModel(t, 120, 40, Config{})
	// Deliver snapshots without running the build commands: only the
	// first starts a build; the others just mark the model dirty.
	_, c1 := m.Update(SnapshotMsg{Profile: fixture()})
	_, c2 := m.Update(SnapshotMsg{Profile: fixture()})
	_, c3 := m.Update(SnapshotMsg{Profile: fixture()})
	if c1 == nil || c2 != nil || c3 != nil {
		t.Fatalf("commands %v %v %v: want one build", c1 != nil, c2 != nil, c3 != nil)
	}
	_, next := m.Update(c1())
	if next == nil {
		t.Fatal("no rebuild for the newest snapshot after the busy build")
	}
}

func TestWindowResetAndFocus(t *testing.T) {
	ctl := &fakeController{}
	m := newTestModel(t, 120, 40, Config{Controller: ctl, GroupByProcess: true})
	keys(t, m, "t", "+", "-", "-", "t", "r")
	want := []time.Duration{10 * time.Second, 30 * time.Second, 10 * time.Second, 5 * time.Second, 0}
	if len(ctl.windows) != len(want) {
		t.Fatalf("windows %v, want %v", ctl.windows, want)
	}
	for i := range want {
		if ctl.windows[i] != want[i] {
			t.Errorf("window %d = %v, want %v", i, ctl.windows[i], want[i])
		}
	}
	if ctl.resets != 1 {
		t.Errorf("resets = %d", ctl.resets)
	}
	keys(t, m, "p")
	if m.focus != "app" || m.cur.flat.Total != 1500 {
		t.Errorf("focus %q total %d, want app 1500", m.focus, m.cur.flat.Total)
	}
	keys(t, m, "p")
	if m.focus != "worker" || m.cur.flat.Total != 300 {
		t.Errorf("focus %q total %d, want worker 300", m.focus, m.cur.flat.Total)
	}
	keys(t, m, "P")
	if m.focus != "" || m.cur.flat.Total != 1800 {
		t.Errorf("P: focus %q total %d", m.focus, m.cur.flat.Total)
	}
	keys(t, m, "g")
	if m.group {
		t.Error("g did not ungroup")
	}
}

func TestViewModeRefusesLiveControls(t *testing.T) {
	m := newTestModel(t, 120, 40, Config{})
	keys(t, m, "r")
	if !strings.Contains(screen(m), "reset needs live sampling") {
		t.Errorf("no explanation for r without a live source:\n%s", screen(m))
	}
}

func TestWriteSavesWhatIsShown(t *testing.T) {
	dir := t.TempDir()
	m := newTestModel(t, 120, 40, Config{SaveDir: dir, GroupByProcess: true})
	keys(t, m, "p", "/", "type:hot_loop", "enter", "w")
	files, _ := filepath.Glob(filepath.Join(dir, "flametop-*.pb.gz"))
	if len(files) != 1 {
		t.Fatalf("files written: %v", files)
	}
	if !strings.Contains(screen(m), "wrote "+files[0]) {
		t.Errorf("path not shown:\n%s", screen(m))
	}
	f, err := os.Open(files[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := pprof.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	for _, s := range p.Sample {
		total += s.Value[0]
		if s.Label["process"][0] != "app" {
			t.Errorf("sample of %v saved while focused on app", s.Label["process"])
		}
	}
	if total != 1020 { // hot_loop 900 + the write path under it 120
		t.Errorf("saved %d samples, want 1020", total)
	}
}

func TestHelpListsEveryBinding(t *testing.T) {
	m := newTestModel(t, 120, 40, Config{})
	keys(t, m, "?")
	s := screen(m)
	for _, g := range m.keys.Groups() {
		for _, b := range g.Bindings {
			if !strings.Contains(s, b.Help().Desc) {
				t.Errorf("help lacks %q", b.Help().Desc)
			}
		}
	}
	keys(t, m, "x")
	if m.help {
		t.Error("a key did not close the help")
	}
	if !keys(t, m, "q") {
		t.Error("q did not quit")
	}
}

func TestResizeNeverPanics(t *testing.T) {
	m := newTestModel(t, 80, 24, Config{})
	for _, v := range []int{viewTop, viewFlame, viewCallers} {
		m.switchView(v)
		for _, sz := range [][2]int{{0, 0}, {1, 1}, {59, 11}, {60, 12}, {80, 24}, {300, 100}, {0, 0}, {120, 40}} {
			send(t, m, tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
			s := screen(m)
			if sz[0] > 0 && sz[0] < minWidth && !strings.Contains(s, "terminal too small") {
				t.Errorf("%dx%d: no 'too small' message", sz[0], sz[1])
			}
			lines := strings.Split(s, "\n")
			if sz[0] >= minWidth && sz[1] >= minHeight && len(lines) != sz[1] {
				t.Errorf("%dx%d view %d: %d lines", sz[0], sz[1], v, len(lines))
			}
		}
	}
}

func TestNoStringReachesTheScreenRaw(t *testing.T) {
	p := fixture()
	p.Locations[0].Lines[0].Function = "evil\x1b]0;pwned\x07\u202e"
	p.Samples[0].Process = "proc\x1b[2J"
	m := newTestModel(t, 120, 40, Config{GroupByProcess: true})
	send(t, m, SnapshotMsg{Profile: p})
	for _, v := range []int{viewTop, viewFlame} {
		m.switchView(v)
		raw := m.render()
		if strings.ContainsAny(raw, "\x07\u202e") || strings.Contains(raw, "\x1b]0;") || strings.Contains(raw, "\x1b[2J") {
			t.Errorf("view %d let a control sequence through: %q", v, raw)
		}
	}
}
