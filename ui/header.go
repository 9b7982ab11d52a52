package ui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
)

func (m *Model) headerLine() string {
	g := m.styles.Glyphs
	var h Header
	if m.last != nil {
		h = m.last.Header
	}
	sep := " " + g.Bar + " "
	parts := []string{m.styles.Header.Render("flametop"), h.Target}
	if h.Event != "" {
		ev := h.Event
		if h.Frequency > 0 {
			ev += fmt.Sprintf(" %d Hz", h.Frequency)
		}
		parts = append(parts, ev)
	}
	if h.Live {
		parts = append(parts, formatElapsed(h.Elapsed), fmt.Sprintf("%d samples (%.0f/s)", h.Samples, h.Rate))
		if h.Lost > 0 {
			parts = append(parts, fmt.Sprintf("%d lost", h.Lost))
		}
		parts = append(parts, fmt.Sprintf("cpu %.1f%%", h.OwnCPU))
		if m.windowOn {
			parts = append(parts, "last "+formatElapsed(m.window))
		} else {
			parts = append(parts, "cumulative")
		}
	} else if h.Samples > 0 {
		parts = append(parts, fmt.Sprintf("%d samples", h.Samples))
		if h.Elapsed > 0 {
			parts = append(parts, formatElapsed(h.Elapsed))
		}
	}
	if m.focus != "" {
		parts = append(parts, "process "+m.focus)
	}
	if m.frozen {
		parts = append(parts, m.styles.Error.Render("FROZEN"))
	}
	return truncate(strings.Join(parts, sep), m.w, g.Ellipsis)
}

func (m *Model) tabLine() string {
	var tabs []string
	for i, n := range viewNames {
		if i == m.view && !m.help {
			tabs = append(tabs, m.styles.TabActive.Render(n))
		} else {
			tabs = append(tabs, m.styles.Tab.Render(n))
		}
	}
	left := strings.Join(tabs, "")
	right := "? help"
	if m.status != "" {
		if m.statusErr {
			right = m.styles.Error.Render(m.status)
		} else {
			right = m.styles.Status.Render(m.status)
		}
	}
	room := m.w - lipgloss.Width(left) - 1
	right = truncate(right, room, m.styles.Glyphs.Ellipsis)
	gap := max(m.w-lipgloss.Width(left)-lipgloss.Width(right), 0)
	return left + strings.Repeat(" ", gap) + right
}

func formatElapsed(d time.Duration) string {
	d = d.Round(time.Second)
	if d < time.Minute {
		return fmt.Sprintf("%ds", int(d.Seconds()))
	}
	if d < time.Hour {
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}
