package ui

import "github.com/flametop/flametop/profile/tree"

// cell is one drawn box of the flame graph. Frames narrower than a column
// are not dropped: adjacent ones are merged into a cell (node -1) once
// together they are wide enough to see, so the row still adds up.
type cell struct {
	node   int32 // -1 for merged narrow frames
	merged int   // frames in a merged cell
	x0, x1 int   // columns [x0, x1)
	u0     float64
}

// flameLayout places the nodes of the rows that can be seen. Rows above the
// zoomed node (its ancestors) span the full width, as in FlameGraph.
type flameLayout struct {
	rows [][]cell
}

// layoutFlame lays out at most maxRows rows of t, zoomed on node zoom, in
// width columns. Only rows that can be shown are computed, so a deep tree
// costs what the screen shows.
func layoutFlame(t *tree.Tree, zoom int32, width, maxRows int) flameLayout {
	var l flameLayout
	if t == nil || width <= 0 || maxRows <= 0 || len(t.Nodes) == 0 {
		return l
	}
	// Ancestors, outermost first, then the zoomed node itself.
	var chain []int32
	for n := zoom; n >= 0; n = t.Nodes[n].Parent {
		chain = append(chain, n)
	}
	for i := len(chain) - 1; i >= 0 && len(l.rows) < maxRows; i-- {
		l.rows = append(l.rows, []cell{{node: chain[i], x0: 0, x1: width}})
	}
	total := float64(t.Nodes[zoom].Total)
	if total <= 0 {
		return l
	}
	scale := float64(width) / total
	col := func(u float64) int {
		c := int(u*scale + 0.5)
		if c > width {
			c = width
		}
		return c
	}
	for len(l.rows) < maxRows {
		prev := l.rows[len(l.rows)-1]
		var row []cell
		for _, pc := range prev {
			if pc.node < 0 {
				continue
			}
			u := pc.u0
			var group cell
			grouping := false
			for _, ch := range t.Nodes[pc.node].Children {
				n := &t.Nodes[ch]
				c0, c1 := col(u), col(u+float64(n.Total))
				if c1 > c0 {
					grouping = false
					row = append(row, cell{node: ch, x0: c0, x1: c1, u0: u})
				} else {
					if !grouping {
						group = cell{node: -1, u0: u}
						grouping = true
					}
					group.merged++
					if g0, g1 := col(group.u0), col(u+float64(n.Total)); g1 > g0 {
						group.x0, group.x1 = g0, g1
						row = append(row, group)
						grouping = false
					}
				}
				u += float64(n.Total)
			}
		}
		if len(row) == 0 {
			break
		}
		l.rows = append(l.rows, row)
	}
	return l
}

// find returns the row and index of node's cell, or -1, -1.
func (l *flameLayout) find(node int32) (int, int) {
	for r, row := range l.rows {
		for i, c := range row {
			if c.node == node {
				return r, i
			}
		}
	}
	return -1, -1
}
