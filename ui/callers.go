package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/flametop/flametop/profile/tree"
)

// callersModel is the sandwich view: for one function, who calls it
// (inverted tree, above) and what it calls (below).
type callersModel struct {
	keys   KeyMap
	styles *Styles
	w, h   int

	flat    *tree.Flat
	name    string // the function in the middle
	module  string
	history [][2]string
	lines   []callerLine
	cursor  int
	offset  int
}

type callerLine struct {
	text   string // indentation and name, unstyled
	share  int64
	fn     int32 // -1 for headings and "(self)"
	header bool
}

// Lines beyond these are summarised: a tree the size of the profile is of
// no use on a terminal.
const (
	maxCallerLines = 4000
	minShare       = 0.001
)

func newCallers(keys KeyMap, styles *Styles) callersModel {
	return callersModel{keys: keys, styles: styles}
}

func (m *callersModel) SetSize(w, h int) { m.w, m.h = w, h; m.clamp() }

// Focus re-centres on a function, remembering the previous one for Back.
func (m *callersModel) Focus(name, module string) {
	if m.name != "" && (m.name != name || m.module != module) {
		m.history = append(m.history, [2]string{m.name, m.module})
	}
	m.name, m.module = name, module
	m.cursor, m.offset = 0, 0
	m.rebuild()
}

// Empty says no function has been chosen yet.
func (m *callersModel) Empty() bool { return m.name == "" }

func (m *callersModel) SetData(flat *tree.Flat) {
	m.flat = flat
	m.rebuild()
}

func (m *callersModel) rebuild() {
	m.lines = m.lines[:0]
	if m.flat == nil || m.name == "" {
		return
	}
	fn := m.flat.FindFunc(m.name, m.module)
	if fn < 0 {
		fn = m.flat.FindFunc(m.name, "")
	}
	if fn < 0 {
		m.lines = append(m.lines, callerLine{text: m.name + ": not in the current samples", fn: -1, header: true})
		return
	}
	total := m.flat.Total
	callers := m.flat.Callers(fn)
	callees := m.flat.Callees(fn)
	m.lines = append(m.lines, callerLine{text: "Callers of " + m.name, fn: -1, header: true})
	m.walk(callers, callers.Nodes[tree.Root].Children, "", total, false)
	m.lines = append(m.lines, callerLine{fn: -1}, callerLine{text: "Callees of " + m.name, fn: -1, header: true})
	m.walk(callees, callees.Nodes[tree.Root].Children, "", total, true)
	m.clamp()
}

func (m *callersModel) walk(t *tree.Tree, nodes []int32, indent string, total int64, selfLines bool) {
	g := m.styles.Glyphs
	for i, n := range nodes {
		if len(m.lines) >= maxCallerLines {
			return
		}
		node := &t.Nodes[n]
		if total > 0 && float64(node.Total)/float64(total) < minShare {
			rest := int64(0)
			for _, o := range nodes[i:] {
				rest += t.Nodes[o].Total
			}
			m.lines = append(m.lines, callerLine{text: indent + g.Last + fmt.Sprintf("(%d more, each under %.1f%%)", len(nodes)-i, minShare*100), share: rest, fn: -1})
			return
		}
		last := i == len(nodes)-1
		branch, next := g.Branch, g.Pipe
		if last {
			branch, next = g.Last, g.Space
		}
		if indent == "" && node.Depth == 1 {
			branch, next = "", "" // the centre function itself
		}
		m.lines = append(m.lines, callerLine{text: indent + branch + t.Funcs[node.Func].Name, share: node.Total, fn: node.Func})
		kids := node.Children
		if selfLines && node.Self > 0 && len(kids) > 0 {
			m.lines = append(m.lines, callerLine{text: indent + next + g.Branch + "(self)", share: node.Self, fn: -1})
		}
		m.walk(t, kids, indent+next, total, selfLines)
	}
}

func (m *callersModel) clamp() {
	m.cursor = min(max(m.cursor, 0), max(len(m.lines)-1, 0))
	rows := max(m.h-1, 1)
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+rows {
		m.offset = m.cursor - rows + 1
	}
}

func (m callersModel) Update(msg tea.Msg) (callersModel, tea.Cmd) {
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return m, nil
	}
	page := max(m.h-1, 1)
	switch {
	case key.Matches(km, m.keys.Up):
		m.cursor--
	case key.Matches(km, m.keys.Down):
		m.cursor++
	case key.Matches(km, m.keys.PageUp):
		m.cursor -= page
	case key.Matches(km, m.keys.PageDown):
		m.cursor += page
	case key.Matches(km, m.keys.Home):
		m.cursor = 0
	case key.Matches(km, m.keys.End):
		m.cursor = len(m.lines) - 1
	case key.Matches(km, m.keys.Enter):
		if m.cursor < len(m.lines) && m.lines[m.cursor].fn >= 0 {
			fn := m.flat.Funcs[m.lines[m.cursor].fn]
			m.Focus(fn.Name, fn.Module)
		}
	case key.Matches(km, m.keys.Back):
		if n := len(m.history); n > 0 {
			prev := m.history[n-1]
			m.history = m.history[:n-1]
			m.name, m.module = prev[0], prev[1]
			m.cursor, m.offset = 0, 0
			m.rebuild()
		}
	}
	m.clamp()
	return m, nil
}

func (m callersModel) View() string {
	if m.name == "" {
		return placeholder(m.w, m.h, "choose a function: Enter in Top, or select it in the flame graph")
	}
	g := m.styles.Glyphs
	total := int64(0)
	if m.flat != nil {
		total = m.flat.Total
	}
	rows := max(m.h-1, 1)
	var b strings.Builder
	for i := m.offset; i < len(m.lines) && i < m.offset+rows; i++ {
		l := m.lines[i]
		var text string
		switch {
		case l.header:
			text = m.styles.Title.Render(truncate(l.text, m.w, g.Ellipsis))
		case l.text == "":
		default:
			text = padRight(padLeft(pct(l.share, total), colPct)+"  "+l.text, m.w, g.Ellipsis)
			if i == m.cursor {
				text = m.styles.Selected.Render(text)
			}
		}
		if i > m.offset {
			b.WriteByte('\n')
		}
		b.WriteString(text)
	}
	for i := len(m.lines) - m.offset; i < rows; i++ {
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	status := "enter: re-centre on the selected function"
	if len(m.history) > 0 {
		status += "  esc: back"
	}
	b.WriteString(m.styles.Status.Render(truncate(status, m.w, g.Ellipsis)))
	return b.String()
}
