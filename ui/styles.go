package ui

import (
	"hash/fnv"
	"image/color"

	"charm.land/lipgloss/v2"

	"github.com/flametop/flametop/profile"
)

// Styles holds every style the views use, built for a dark or light
// background. Selection and matches never depend on colour alone (reverse
// video, underline), so a monochrome terminal or NO_COLOR still shows them.
type Styles struct {
	Header, HeaderDim, Tab, TabActive, Status, Error, Dim, Title lipgloss.Style
	Selected, Match, ColumnHead                                  lipgloss.Style
	frame                                                        map[profile.FrameKind][2]color.Color
	process                                                      [2]color.Color
	frameText                                                    color.Color
	Glyphs                                                       Glyphs
}

// Glyphs are the drawing characters, with an ASCII set for terminals whose
// locale is not UTF-8.
type Glyphs struct {
	Ellipsis, Branch, Last, Pipe, Space, Up, Down, Bar string
}

var (
	unicodeGlyphs = Glyphs{Ellipsis: "…", Branch: "├─ ", Last: "└─ ", Pipe: "│  ", Space: "   ", Up: "▲", Down: "▼", Bar: "─"}
	asciiGlyphs   = Glyphs{Ellipsis: "~", Branch: "|- ", Last: "`- ", Pipe: "|  ", Space: "   ", Up: "^", Down: "v", Bar: "-"}
)

// NewStyles builds the styles; dark says the terminal background is dark.
func NewStyles(dark, ascii bool) Styles {
	ld := lipgloss.LightDark(dark)
	c := lipgloss.Color
	s := Styles{
		Header:     lipgloss.NewStyle().Bold(true),
		HeaderDim:  lipgloss.NewStyle().Foreground(ld(c("#6c6c6c"), c("#9e9e9e"))),
		Tab:        lipgloss.NewStyle().Padding(0, 1),
		TabActive:  lipgloss.NewStyle().Padding(0, 1).Bold(true).Reverse(true),
		Status:     lipgloss.NewStyle().Foreground(ld(c("#303030"), c("#d0d0d0"))),
		Error:      lipgloss.NewStyle().Bold(true).Foreground(ld(c("#af0000"), c("#ff5f5f"))),
		Dim:        lipgloss.NewStyle().Foreground(ld(c("#8a8a8a"), c("#808080"))),
		Title:      lipgloss.NewStyle().Bold(true).Underline(true),
		Selected:   lipgloss.NewStyle().Reverse(true).Bold(true),
		Match:      lipgloss.NewStyle().Underline(true).Bold(true).Background(ld(c("#ff87ff"), c("#af5faf"))).Foreground(c("#000000")),
		ColumnHead: lipgloss.NewStyle().Bold(true).Underline(true),
		frameText:  c("#000000"),
		Glyphs:     unicodeGlyphs,
	}
	if ascii {
		s.Glyphs = asciiGlyphs
	}
	pair := func(a, b string) [2]color.Color { return [2]color.Color{c(a), c(b)} }
	// Warm for native code, orange-red for the kernel, blue for the Go
	// runtime, green for JIT code, grey for what has no name.
	s.frame = map[profile.FrameKind][2]color.Color{
		profile.KindKernel:    pair("#e8875f", "#d7764f"),
		profile.KindNative:    pair("#e8c46a", "#d7b25a"),
		profile.KindGoRuntime: pair("#7fb7de", "#6aa4cc"),
		profile.KindJIT:       pair("#8fcf7a", "#7dbd69"),
		profile.KindUnknown:   pair("#b2b2b2", "#a0a0a0"),
		profile.KindSynthetic: pair("#b2b2b2", "#a0a0a0"),
	}
	s.process = pair("#c3a6d9", "#b293c9")
	return s
}

// Frame is the style of a flame-graph cell: the colour comes from the kind,
// the shade from the name so neighbours are told apart.
func (s Styles) Frame(kind profile.FrameKind, isProcess bool, name string) lipgloss.Style {
	pair, ok := s.frame[kind]
	if !ok {
		pair = s.frame[profile.KindUnknown]
	}
	if isProcess {
		pair = s.process
	}
	h := fnv.New32a()
	h.Write([]byte(name))
	return lipgloss.NewStyle().Background(pair[h.Sum32()&1]).Foreground(s.frameText)
}
