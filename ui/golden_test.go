package ui

import (
	"fmt"
	"testing"
)

// Golden screens of every view at the two sizes the issue names, on the
// fixture profile, as styled strings (the colour profile is fixed: lipgloss
// emits true colour and the terminal's renderer downsamples).
func TestGoldenViews(t *testing.T) {
	views := []struct {
		name string
		keys []string
	}{
		{"top", nil},
		{"flame", []string{"tab", "up", "up", "up"}},
		{"icicle", []string{"tab", "f", "down", "down"}},
		{"flame-search", []string{"tab", "/", "type:crc", "enter"}},
		{"callers", []string{"enter"}},
		{"help", []string{"?"}},
	}
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, v := range views {
			name := fmt.Sprintf("%s-%dx%d", v.name, size[0], size[1])
			t.Run(name, func(t *testing.T) {
				m := newTestModel(t, size[0], size[1], Config{GroupByProcess: true})
				keys(t, m, v.keys...)
				golden(t, name, m.render())
			})
		}
	}
	t.Run("ascii-flame-80x24", func(t *testing.T) {
		m := newTestModel(t, 80, 24, Config{ASCII: true})
		keys(t, m, "tab")
		golden(t, "ascii-flame-80x24", m.render())
	})
	t.Run("too-small", func(t *testing.T) {
		m := newTestModel(t, 40, 10, Config{})
		golden(t, "too-small-40x10", m.render())
	})
}
