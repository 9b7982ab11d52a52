package ui

import (
	"strings"

	"charm.land/lipgloss/v2"
)

// helpView lists every binding of the key map, grouped, flowing into as
// many columns as the height needs and the width allows.
func (m *Model) helpView(w, h int) string {
	var items []string // one line each; group titles styled
	for gi, g := range m.keys.Groups() {
		if gi > 0 {
			items = append(items, "")
		}
		items = append(items, m.styles.Title.Render(g.Title))
		for _, k := range g.Bindings {
			hp := k.Help()
			items = append(items, padRight(hp.Key, 10, m.styles.Glyphs.Ellipsis)+" "+hp.Desc)
		}
	}
	rows := max(h-1, 1)
	cols := (len(items) + rows - 1) / rows
	colW := max(w/cols-2, 12)
	var blocks []string
	for c := 0; c < cols; c++ {
		end := min((c+1)*rows, len(items))
		part := items[c*rows : end]
		for i := range part {
			part[i] = padRight(part[i], colW, m.styles.Glyphs.Ellipsis)
		}
		blocks = append(blocks, strings.Join(part, "\n"))
		if c < cols-1 {
			blocks = append(blocks, "  ")
		}
	}
	out := lipgloss.JoinHorizontal(lipgloss.Top, blocks...)
	lines := strings.Split(out, "\n")
	for i := range lines {
		lines[i] = truncate(lines[i], w, m.styles.Glyphs.Ellipsis)
	}
	lines = append(lines[:min(len(lines), rows)], m.styles.Dim.Render("any key closes this help"))
	return strings.Join(lines, "\n")
}

// KeyTable renders the key map as a Markdown table, for the README.
func KeyTable() string {
	var b strings.Builder
	b.WriteString("| View | Key | Action |\n|---|---|---|\n")
	for _, g := range DefaultKeyMap().Groups() {
		for _, k := range g.Bindings {
			hp := k.Help()
			b.WriteString("| " + g.Title + " | `" + hp.Key + "` | " + hp.Desc + " |\n")
		}
	}
	return b.String()
}
