// Package ui is flametop's terminal interface: a Bubble Tea root model
// (this file) routing input and snapshots to one model per view (top, flame
// graph, callers), a header, and a help overlay generated from the key map.
package ui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/flametop/flametop/profile/tree"
)

// Views, in Tab order.
const (
	viewTop = iota
	viewFlame
	viewCallers
	viewCount
)

var viewNames = [viewCount]string{"Top", "Flame graph", "Callers"}

// Smallest usable terminal; below it the model says so instead of drawing.
const (
	minWidth  = 60
	minHeight = 12
)

// windowSteps are the sliding-window lengths +/- cycle through.
var windowSteps = []time.Duration{5 * time.Second, 10 * time.Second, 30 * time.Second, time.Minute, 5 * time.Minute}

// Model is the root model; it alone implements tea.Model.
type Model struct {
	cfg    Config
	keys   KeyMap
	styles *Styles
	w, h   int

	view    int
	top     topModel
	flame   flameModel
	callers callersModel
	help    bool

	frozen   bool
	windowOn bool
	window   time.Duration
	group    bool
	focus    string

	cur      *built       // what is displayed
	last     *SnapshotMsg // newest received
	building bool
	dirty    bool // a snapshot or an option changed while building
	seq      int

	status    string
	statusErr bool
	now       func() time.Time
	Err       error // why the program ended, if not by the user
}

// New returns the root model.
func New(cfg Config) *Model {
	if cfg.Window <= 0 {
		cfg.Window = 10 * time.Second
	}
	keys := DefaultKeyMap()
	st := NewStyles(true, cfg.ASCII)
	m := &Model{cfg: cfg, keys: keys, styles: &st, window: cfg.Window, group: cfg.GroupByProcess, now: time.Now}
	m.top = newTop(keys, m.styles)
	m.flame = newFlame(keys, m.styles)
	m.callers = newCallers(keys, m.styles)
	return m
}

// Init asks the terminal for its background to pick light or dark styles.
func (m *Model) Init() tea.Cmd { return tea.RequestBackgroundColor }

func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.resize(msg.Width, msg.Height)
		return m, nil
	case tea.BackgroundColorMsg:
		*m.styles = NewStyles(msg.IsDark(), m.cfg.ASCII)
		return m, nil
	case SnapshotMsg:
		m.last = &msg
		if m.frozen {
			return m, nil
		}
		return m, m.rebuild()
	case builtMsg:
		return m, m.apply(msg.b)
	case savedMsg:
		if msg.err != nil {
			m.setStatus("save failed: "+msg.err.Error(), true)
		} else {
			m.setStatus("wrote "+msg.path, false)
		}
		return m, nil
	case openCallersMsg:
		m.callers.Focus(msg.name, msg.module)
		m.view = viewCallers
		return m, nil
	case ErrorMsg:
		m.Err = msg.Err
		return m, tea.Quit
	case tea.KeyPressMsg:
		return m, m.key(msg)
	}
	return m, nil
}

// rebuild digests the newest snapshot off the UI goroutine; while one is
// being digested, newer snapshots only mark the model dirty, so a slow
// build drops intermediate snapshots instead of queueing them.
func (m *Model) rebuild() tea.Cmd {
	if m.last == nil {
		return nil
	}
	if m.building {
		m.dirty = true
		return nil
	}
	m.building, m.dirty = true, false
	m.seq++
	seq, snap, opts := m.seq, *m.last, m.treeOptions()
	return func() tea.Msg { return builtMsg{build(seq, snap.Profile, snap.Header, opts)} }
}

func (m *Model) treeOptions() tree.Options {
	return tree.Options{GroupByProcess: m.group, Process: m.focus}
}

func (m *Model) apply(b *built) tea.Cmd {
	m.building = false
	if b.seq == m.seq || m.cur == nil || b.seq > m.cur.seq {
		m.cur = b
		m.top.SetData(b.flat, b.table)
		m.flame.SetTree(b.tree)
		m.callers.SetData(b.flat)
	}
	if m.dirty && !m.frozen {
		return m.rebuild()
	}
	return nil
}

func (m *Model) resize(w, h int) {
	m.w, m.h = max(w, 0), max(h, 0)
	bw, bh := m.w, max(m.h-2, 1)
	m.top.SetSize(bw, bh)
	m.flame.SetSize(bw, bh)
	m.callers.SetSize(bw, bh)
}

func (m *Model) setStatus(s string, isErr bool) { m.status, m.statusErr = s, isErr }

func (m *Model) promptActive() bool {
	return m.view == viewTop && m.top.Filtering() || m.view == viewFlame && m.flame.Searching()
}

func (m *Model) key(k tea.KeyPressMsg) tea.Cmd {
	if k.String() == "ctrl+c" {
		return tea.Quit
	}
	if m.promptActive() {
		return m.toView(k)
	}
	if m.help {
		if key.Matches(k, m.keys.Quit) {
			return tea.Quit
		}
		m.help = false // any key closes the overlay
		return nil
	}
	m.status = ""
	switch {
	case key.Matches(k, m.keys.Quit):
		return tea.Quit
	case key.Matches(k, m.keys.Help):
		m.help = true
	case key.Matches(k, m.keys.NextView):
		m.switchView((m.view + 1) % viewCount)
	case key.Matches(k, m.keys.PrevView):
		m.switchView((m.view + viewCount - 1) % viewCount)
	case key.Matches(k, m.keys.Freeze):
		m.frozen = !m.frozen
		if !m.frozen {
			return m.rebuild()
		}
	case key.Matches(k, m.keys.Reset):
		if m.cfg.Controller == nil {
			m.setStatus("reset needs live sampling", true)
			return nil
		}
		m.cfg.Controller.Reset()
		m.setStatus("profile reset", false)
	case key.Matches(k, m.keys.Window):
		return m.setWindow(!m.windowOn, m.window)
	case key.Matches(k, m.keys.WindowMore):
		return m.setWindow(true, stepWindow(m.window, 1))
	case key.Matches(k, m.keys.WindowLess):
		return m.setWindow(true, stepWindow(m.window, -1))
	case key.Matches(k, m.keys.Group):
		m.group = !m.group
		return m.rebuild()
	case key.Matches(k, m.keys.Focus):
		m.focus = m.nextFocus(k.String() == "P")
		return m.rebuild()
	case key.Matches(k, m.keys.Write):
		if m.cur == nil {
			m.setStatus("nothing to write yet", true)
			return nil
		}
		p := visibleProfile(m.cur.prof, m.focus, m.top.Filter())
		f := saveCmd(m.cfg.SaveDir, p, m.now())
		return func() tea.Msg { return f() }
	default:
		return m.toView(k)
	}
	return nil
}

func (m *Model) toView(k tea.KeyPressMsg) tea.Cmd {
	var cmd tea.Cmd
	switch m.view {
	case viewTop:
		m.top, cmd = m.top.Update(k)
	case viewFlame:
		m.flame, cmd = m.flame.Update(k)
	case viewCallers:
		m.callers, cmd = m.callers.Update(k)
	}
	return cmd
}

// switchView moves to view v; entering Callers centres it on what was
// selected in the view we leave.
func (m *Model) switchView(v int) {
	if v == viewCallers {
		switch m.view {
		case viewTop:
			if m.top.cursor < len(m.top.rows) {
				fn := m.top.flat.Funcs[m.top.rows[m.top.cursor].Func]
				m.callers.Focus(fn.Name, fn.Module)
			}
		case viewFlame:
			if fn, ok := m.flame.Selected(); ok && !fn.Process {
				m.callers.Focus(fn.Name, fn.Module)
			}
		}
	}
	m.view = v
}

func (m *Model) setWindow(on bool, d time.Duration) tea.Cmd {
	if m.cfg.Controller == nil {
		m.setStatus("the window needs live sampling", true)
		return nil
	}
	m.windowOn, m.window = on, d
	if on {
		m.cfg.Controller.SetWindow(d)
	} else {
		m.cfg.Controller.SetWindow(0)
	}
	return nil
}

func stepWindow(cur time.Duration, dir int) time.Duration {
	i := 0
	for i < len(windowSteps)-1 && windowSteps[i] < cur {
		i++
	}
	i = min(max(i+dir, 0), len(windowSteps)-1)
	return windowSteps[i]
}

// nextFocus cycles through processes by samples; clear returns to all.
func (m *Model) nextFocus(clear bool) string {
	if clear || m.cur == nil || len(m.cur.procs) == 0 {
		return ""
	}
	procs := m.cur.procs
	if m.focus == "" {
		return procs[0]
	}
	for i, p := range procs {
		if p == m.focus {
			if i+1 < len(procs) {
				return procs[i+1]
			}
			return ""
		}
	}
	return procs[0]
}

// View draws the whole screen.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.WindowTitle = "flametop"
	return v
}

func (m *Model) render() string {
	if m.w == 0 || m.h == 0 {
		return ""
	}
	if m.w < minWidth || m.h < minHeight {
		return placeholder(m.w, m.h, fmt.Sprintf("terminal too small: %dx%d, need %dx%d", m.w, m.h, minWidth, minHeight))
	}
	var body string
	switch {
	case m.help:
		body = m.helpView(m.w, m.h-2)
	case m.cur == nil:
		body = placeholder(m.w, m.h-2, "waiting for samples"+m.styles.Glyphs.Ellipsis)
	case m.view == viewTop:
		body = m.top.View()
	case m.view == viewFlame:
		body = m.flame.View()
	default:
		body = m.callers.View()
	}
	return m.headerLine() + "\n" + m.tabLine() + "\n" + fitLines(body, m.h-2)
}

// fitLines makes s exactly n lines, so the screen never scrolls.
func fitLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[:n]
	}
	for len(lines) < n {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}
