package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/flametop/flametop/profile/tree"
)

// topModel is the per-function table, like perf top.
type topModel struct {
	keys   KeyMap
	styles *Styles
	w, h   int

	flat    *tree.Flat
	all     []tree.FuncStat
	rows    []tree.FuncStat // filtered and sorted
	total   int64
	sortBy  tree.SortKey
	filter  prompt
	text    string // the filter in force
	cursor  int
	offset  int
	selName string // keeps the cursor on the same function across refreshes
}

// openCallersMsg asks the root to show the callers view for a function.
type openCallersMsg struct{ name, module string }

func newTop(keys KeyMap, styles *Styles) topModel {
	return topModel{keys: keys, styles: styles, sortBy: tree.BySelf}
}

func (m *topModel) SetSize(w, h int) { m.w, m.h = w, h; m.clamp() }

// SetData installs a new snapshot's table.
func (m *topModel) SetData(flat *tree.Flat, rows []tree.FuncStat) {
	m.flat, m.all, m.total = flat, rows, flat.Total
	m.refilter()
}

// Filter is the text filter in force (applies to what `w` saves).
func (m *topModel) Filter() string { return m.text }

// Filtering says whether keys go to the filter prompt.
func (m *topModel) Filtering() bool { return m.filter.active }

func (m *topModel) refilter() {
	if m.flat == nil {
		return
	}
	m.rows = m.flat.FilterTable(m.all, m.text)
	m.flat.SortTable(m.rows, m.sortBy)
	m.cursor = 0
	for i, r := range m.rows {
		if m.flat.Funcs[r.Func].Name == m.selName {
			m.cursor = i
			break
		}
	}
	m.clamp()
}

func (m *topModel) bodyRows() int { return max(m.h-2, 1) } // column heads and the status line

func (m *topModel) clamp() {
	if m.cursor >= len(m.rows) {
		m.cursor = len(m.rows) - 1
	}
	if m.cursor < 0 {
		m.cursor = 0
	}
	rows := m.bodyRows()
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+rows {
		m.offset = m.cursor - rows + 1
	}
	if m.offset < 0 {
		m.offset = 0
	}
	if m.cursor < len(m.rows) && m.flat != nil {
		m.selName = m.flat.Funcs[m.rows[m.cursor].Func].Name
	}
}

func (m topModel) Update(msg tea.Msg) (topModel, tea.Cmd) {
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return m, nil
	}
	if m.filter.active {
		m.filter.update(km)
		m.text = m.filter.value
		m.refilter()
		return m, nil
	}
	page := m.bodyRows()
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
		m.cursor = len(m.rows) - 1
	case key.Matches(km, m.keys.SortSelf):
		m.setSort(tree.BySelf)
	case key.Matches(km, m.keys.SortTotal):
		m.setSort(tree.ByTotal)
	case key.Matches(km, m.keys.SortName):
		m.setSort(tree.ByName)
	case key.Matches(km, m.keys.SortModule):
		m.setSort(tree.ByModule)
	case key.Matches(km, m.keys.SortCycle):
		m.setSort((m.sortBy + 1) % 4)
	case key.Matches(km, m.keys.Search):
		m.filter.start(m.text)
	case key.Matches(km, m.keys.Back):
		if m.text != "" {
			m.text = ""
			m.refilter()
		}
	case key.Matches(km, m.keys.Enter):
		if m.cursor < len(m.rows) {
			fn := m.flat.Funcs[m.rows[m.cursor].Func]
			return m, func() tea.Msg { return openCallersMsg{fn.Name, fn.Module} }
		}
	}
	m.clamp()
	return m, nil
}

func (m *topModel) setSort(k tree.SortKey) {
	m.sortBy = k
	m.refilter()
}

// Column widths; the name takes what is left.
const (
	colPct    = 7
	colCount  = 9
	colModule = 18
)

func (m topModel) View() string {
	if m.flat == nil || m.total == 0 {
		return placeholder(m.w, m.h, "no samples yet")
	}
	s := m.styles
	g := s.Glyphs
	modW := colModule
	nameW := m.w - 2*colPct - 2*colCount - modW - 5
	if nameW < 20 {
		modW = max(modW-(20-nameW), 0)
		nameW = m.w - 2*colPct - 2*colCount - modW - 5
	}
	head := func(title string, k tree.SortKey, w int, left bool) string {
		if m.sortBy == k {
			title += g.Down
		}
		if left {
			return padRight(title, w, g.Ellipsis)
		}
		return padLeft(title, w)
	}
	var b strings.Builder
	header := head("SELF%", tree.BySelf, colPct, false) + " " + head("TOTAL%", tree.ByTotal, colPct, false) + " " +
		padLeft("SELF", colCount) + " " + padLeft("TOTAL", colCount) + " " + head("FUNCTION", tree.ByName, nameW, true)
	if modW > 0 {
		header += " " + head("MODULE", tree.ByModule, modW, true)
	}
	b.WriteString(s.ColumnHead.Render(truncate(header, m.w, g.Ellipsis)))
	body := m.bodyRows()
	for i := m.offset; i < len(m.rows) && i < m.offset+body; i++ {
		r := m.rows[i]
		fn := m.flat.Funcs[r.Func]
		line := padLeft(pct(r.Self, m.total), colPct) + " " + padLeft(pct(r.Total, m.total), colPct) + " " +
			padLeft(fmt.Sprint(r.Self), colCount) + " " + padLeft(fmt.Sprint(r.Total), colCount) + " " +
			padRight(Shorten(fn.Name, nameW, g.Ellipsis), nameW, g.Ellipsis)
		if modW > 0 {
			line += " " + padRight(fn.Module, modW, g.Ellipsis)
		}
		line = padRight(line, m.w, g.Ellipsis)
		b.WriteByte('\n')
		if i == m.cursor {
			b.WriteString(s.Selected.Render(line))
		} else {
			b.WriteString(line)
		}
	}
	for i := len(m.rows) - m.offset; i < body; i++ {
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(m.statusLine())
	return b.String()
}

func (m *topModel) statusLine() string {
	g := m.styles.Glyphs
	if m.filter.active {
		return "filter: " + m.filter.value + "█"
	}
	var parts []string
	if m.cursor < len(m.rows) {
		fn := m.flat.Funcs[m.rows[m.cursor].Func]
		name := fn.Name
		if fn.Reason != "" {
			name += " (" + fn.Reason + ")"
		}
		parts = append(parts, name)
	}
	parts = append(parts, fmt.Sprintf("%d functions", len(m.rows)))
	if m.text != "" {
		parts = append(parts, fmt.Sprintf("filter %q (esc clears)", m.text))
	}
	return m.styles.Status.Render(truncate(strings.Join(parts, "  "+g.Bar+"  "), m.w, g.Ellipsis))
}
