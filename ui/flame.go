package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/flametop/flametop/profile"
	"github.com/flametop/flametop/profile/tree"
)

// flameModel is the flame graph (root at the bottom) or icicle (root at
// the top) of the whole profile, with zoom and search.
type flameModel struct {
	keys   KeyMap
	styles *Styles
	w, h   int

	t        *tree.Tree
	zoom     int32
	sel      int32
	zoomPath []string // to find the same frames in the next snapshot
	selPath  []string
	icicle   bool
	scroll   int // rows hidden beyond the top (icicle) or bottom (flame)

	search  prompt
	query   string
	matched []bool // per node

	cache    flameLayout
	cacheKey [4]int
	cacheT   *tree.Tree
}

func newFlame(keys KeyMap, styles *Styles) flameModel {
	return flameModel{keys: keys, styles: styles}
}

func (m *flameModel) SetSize(w, h int) { m.w, m.h = w, h }

// statusLines is how many lines below the graph describe the selection.
const statusLines = 2

func (m *flameModel) graphRows() int { return max(m.h-statusLines, 1) }

// SetTree installs a new snapshot's tree, keeping zoom and selection on the
// same call paths when they still exist.
func (m *flameModel) SetTree(t *tree.Tree) {
	m.t = t
	m.zoom = t.Find(m.zoomPath)
	m.sel = t.Find(m.selPath)
	if !m.isAncestorOrSelf(m.zoom, m.sel) {
		m.sel = m.zoom
	}
	m.rematch()
}

func (m *flameModel) remember() {
	if m.t == nil {
		return
	}
	m.zoomPath = m.t.Path(m.zoom)
	m.selPath = m.t.Path(m.sel)
}

func (m *flameModel) isAncestorOrSelf(a, n int32) bool {
	for ; n >= 0; n = m.t.Nodes[n].Parent {
		if n == a {
			return true
		}
	}
	return false
}

func (m *flameModel) layout() *flameLayout {
	rows := m.graphRows() + m.scroll
	k := [4]int{int(m.zoom), m.w, rows, 0}
	if m.cacheT != m.t || m.cacheKey != k {
		m.cache = layoutFlame(m.t, m.zoom, m.w, rows)
		m.cacheT, m.cacheKey = m.t, k
	}
	return &m.cache
}

// Searching says whether keys go to the search prompt.
func (m *flameModel) Searching() bool { return m.search.active }

// Selected is the function under the cursor, for the callers view.
func (m *flameModel) Selected() (tree.Func, bool) {
	if m.t == nil {
		return tree.Func{}, false
	}
	return m.t.Func(m.sel)
}

func (m flameModel) Update(msg tea.Msg) (flameModel, tea.Cmd) {
	km, ok := msg.(tea.KeyPressMsg)
	if !ok || m.t == nil {
		return m, nil
	}
	if m.search.active {
		res := m.search.update(km)
		m.query = m.search.value
		if res == promptCancel {
			m.query = ""
		}
		m.rematch()
		return m, nil
	}
	up, down := m.keys.Up, m.keys.Down
	if !m.icicle {
		up, down = down, up // in a flame graph, callees are drawn above
	}
	switch {
	case key.Matches(km, m.keys.Search):
		m.search.start(m.query)
	case key.Matches(km, m.keys.NextMatch):
		m.jumpMatch(1)
	case key.Matches(km, m.keys.PrevMatch):
		m.jumpMatch(-1)
	case key.Matches(km, m.keys.Icicle):
		m.icicle = !m.icicle
		m.scroll = 0
	case key.Matches(km, up):
		if p := m.t.Nodes[m.sel].Parent; p >= 0 {
			m.sel = p
		}
	case key.Matches(km, down):
		m.sel = m.childUnder(m.sel)
	case key.Matches(km, m.keys.Left):
		m.sibling(-1)
	case key.Matches(km, m.keys.Right):
		m.sibling(1)
	case key.Matches(km, m.keys.Enter):
		m.zoom = m.sel
		m.scroll = 0
	case key.Matches(km, m.keys.Back):
		switch {
		case m.query != "":
			m.query = ""
			m.rematch()
		case m.zoom != tree.Root:
			m.zoom = m.t.Nodes[m.zoom].Parent
			m.scroll = 0
		}
	case key.Matches(km, m.keys.Home):
		m.zoom, m.sel, m.scroll = tree.Root, tree.Root, 0
	}
	m.keepVisible()
	m.remember()
	return m, nil
}

// childUnder picks the child drawn under the middle of the node's cell, or
// the biggest child when none is.
func (m *flameModel) childUnder(n int32) int32 {
	ch := m.t.Nodes[n].Children
	if len(ch) == 0 {
		return n
	}
	l := m.layout()
	if r, i := l.find(n); r >= 0 && r+1 < len(l.rows) {
		c := l.rows[r][i]
		mid := (c.x0 + c.x1) / 2
		for _, nc := range l.rows[r+1] {
			if nc.node >= 0 && m.t.Nodes[nc.node].Parent == n && nc.x0 <= mid && mid < nc.x1 {
				return nc.node
			}
		}
	}
	return ch[0]
}

func (m *flameModel) sibling(dir int) {
	l := m.layout()
	r, i := l.find(m.sel)
	if r < 0 {
		return
	}
	for j := i + dir; j >= 0 && j < len(l.rows[r]); j += dir {
		if n := l.rows[r][j].node; n >= 0 {
			m.sel = n
			return
		}
	}
}

// keepVisible scrolls so the selected row is on screen and the selection
// stays inside the zoomed subtree.
func (m *flameModel) keepVisible() {
	if !m.isAncestorOrSelf(m.zoom, m.sel) && !m.isAncestorOrSelf(m.sel, m.zoom) {
		m.sel = m.zoom
	}
	depth := int(m.t.Nodes[m.sel].Depth)
	rows := m.graphRows()
	if depth < m.scroll {
		m.scroll = depth
	} else if depth >= m.scroll+rows {
		m.scroll = depth - rows + 1
	}
}

func (m *flameModel) rematch() {
	if m.t == nil {
		return
	}
	m.matched = m.matched[:0]
	if m.query == "" {
		return
	}
	q := strings.ToLower(m.query)
	fnMatch := make([]int8, len(m.t.Funcs)) // 0 unknown, 1 no, 2 yes
	m.matched = make([]bool, len(m.t.Nodes))
	for i := 1; i < len(m.t.Nodes); i++ {
		f := m.t.Nodes[i].Func
		if fnMatch[f] == 0 {
			fnMatch[f] = 1
			if strings.Contains(strings.ToLower(m.t.Funcs[f].Name), q) {
				fnMatch[f] = 2
			}
		}
		m.matched[i] = fnMatch[f] == 2
	}
}

// matchTotal is the share of samples with a matching frame: the totals of
// matched nodes without a matched ancestor (children follow parents in
// Nodes, so one pass suffices).
func (m *flameModel) matchTotal() (int64, int) {
	if len(m.matched) == 0 {
		return 0, 0
	}
	under := make([]bool, len(m.t.Nodes))
	var total int64
	count := 0
	for i := 1; i < len(m.t.Nodes); i++ {
		p := m.t.Nodes[i].Parent
		if m.matched[i] {
			count++
			if !under[p] {
				total += m.t.Nodes[i].Total
			}
		}
		under[i] = under[p] || m.matched[i]
	}
	return total, count
}

// jumpMatch moves to the next (dir 1) or previous matched cell in reading
// order of the layout.
func (m *flameModel) jumpMatch(dir int) {
	if len(m.matched) == 0 {
		return
	}
	l := layoutFlame(m.t, m.zoom, m.w, 1<<16) // every row: matches may be deep
	var cells []int32
	cur := -1
	for _, row := range l.rows {
		for _, c := range row {
			if c.node >= 0 && m.matched[c.node] {
				if c.node == m.sel {
					cur = len(cells)
				}
				cells = append(cells, c.node)
			}
		}
	}
	if len(cells) == 0 {
		return
	}
	next := 0
	if cur >= 0 {
		next = (cur + dir + len(cells)) % len(cells)
	} else if dir < 0 {
		next = len(cells) - 1
	}
	m.sel = cells[next]
}

func (m flameModel) View() string {
	if m.t == nil || m.t.Nodes[0].Total == 0 {
		return placeholder(m.w, m.h, "no samples yet")
	}
	l := m.layout()
	rows := m.graphRows()
	lines := make([]string, 0, rows)
	for r := m.scroll; r < len(l.rows) && len(lines) < rows; r++ {
		lines = append(lines, m.renderRow(l.rows[r]))
	}
	for len(lines) < rows {
		lines = append(lines, "")
	}
	if !m.icicle {
		for i, j := 0, len(lines)-1; i < j; i, j = i+1, j-1 {
			lines[i], lines[j] = lines[j], lines[i]
		}
	}
	lines = append(lines, m.status()...)
	return strings.Join(lines, "\n")
}

func (m *flameModel) renderRow(row []cell) string {
	var b strings.Builder
	x := 0
	for _, c := range row {
		if c.x0 > x {
			b.WriteString(strings.Repeat(" ", c.x0-x))
		}
		w := c.x1 - c.x0
		if c.node < 0 {
			b.WriteString(m.styles.Dim.Render(strings.Repeat(".", w)))
			x = c.x1
			continue
		}
		fn := m.nodeFunc(c.node)
		text := ""
		if w >= 2 {
			// The last column stays blank so neighbours are told apart
			// without colour.
			text = Shorten(fn.Name, w-1, m.styles.Glyphs.Ellipsis)
			text += strings.Repeat(" ", w-1-lipgloss.Width(text))
		} else {
			text = " "
		}
		var st lipgloss.Style
		switch {
		case c.node == m.sel:
			st = m.styles.Frame(fn.Kind, fn.Process, fn.Name).Inherit(m.styles.Selected)
		case len(m.matched) > 0 && m.matched[c.node]:
			st = m.styles.Match
		default:
			st = m.styles.Frame(fn.Kind, fn.Process, fn.Name)
		}
		b.WriteString(st.Render(text))
		if w >= 2 {
			b.WriteByte(' ')
		}
		x = c.x1
	}
	return b.String()
}

// nodeFunc is the function drawn for a node; the root is "all".
func (m *flameModel) nodeFunc(n int32) tree.Func {
	if fn, ok := m.t.Func(n); ok {
		return fn
	}
	return tree.Func{Name: "all", Kind: profile.KindSynthetic}
}

func (m *flameModel) status() []string {
	total := m.t.Nodes[0].Total
	n := &m.t.Nodes[m.sel]
	var first string
	if fn, ok := m.t.Func(m.sel); ok {
		first = fn.Name
		if fn.Reason != "" {
			first += "  (" + fn.Reason + ")"
		}
		first = truncate(first, m.w, m.styles.Glyphs.Ellipsis)
	} else {
		first = "all samples"
	}
	second := fmt.Sprintf("self %s  total %s", countPct(n.Self, total), countPct(n.Total, total))
	if fn, ok := m.t.Func(m.sel); ok && fn.Module != "" {
		second += "  in " + fn.Module
	}
	if m.zoom != tree.Root {
		second += "  [zoomed: esc]"
	}
	switch {
	case m.search.active:
		second = "/" + m.search.value + "█"
	case m.query != "":
		mt, cnt := m.matchTotal()
		second += fmt.Sprintf("  search %q: %d frames, %s (n/N)", m.query, cnt, pct(mt, total))
	}
	return []string{m.styles.Header.Render(first), truncate(second, m.w, m.styles.Glyphs.Ellipsis)}
}

func countPct(n, total int64) string {
	return fmt.Sprintf("%d (%s)", n, pct(n, total))
}

func pct(n, total int64) string {
	if total <= 0 {
		return "0.0%"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(total))
}
