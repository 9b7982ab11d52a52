package ui

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// truncate cuts s (which may hold styles) to width cells.
func truncate(s string, width int, ellipsis string) string {
	if width <= 0 {
		return ""
	}
	return ansi.Truncate(s, width, ellipsis)
}

// padRight pads plain text to width cells, truncating when longer.
func padRight(s string, width int, ellipsis string) string {
	s = truncate(s, width, ellipsis)
	if w := lipgloss.Width(s); w < width {
		s += strings.Repeat(" ", width-w)
	}
	return s
}

// padLeft right-aligns plain text in width cells.
func padLeft(s string, width int) string {
	if w := lipgloss.Width(s); w < width {
		return strings.Repeat(" ", width-w) + s
	}
	return s
}

// placeholder is a centred message filling w×h.
func placeholder(w, h int, msg string) string {
	return lipgloss.Place(max(w, 1), max(h, 1), lipgloss.Center, lipgloss.Center, msg)
}
