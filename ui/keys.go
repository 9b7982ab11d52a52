package ui

import "charm.land/bubbles/v2/key"

// KeyMap is the single source of truth for input: Update matches against
// these bindings, and the help overlay and the README's key table are
// generated from the same values.
type KeyMap struct {
	Quit, NextView, PrevView, Help, Freeze, Reset, Window, WindowMore, WindowLess, Write, Group, Focus key.Binding

	Up, Down, Left, Right, PageUp, PageDown, Home, End, Enter, Back key.Binding

	Search, NextMatch, PrevMatch, Icicle key.Binding

	SortSelf, SortTotal, SortName, SortModule, SortCycle key.Binding
}

// Group is a titled list of bindings for the help overlay.
type Group struct {
	Title    string
	Bindings []key.Binding
}

// DefaultKeyMap returns flametop's keys.
func DefaultKeyMap() KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		Quit:       b("q", "quit", "q", "ctrl+c"),
		NextView:   b("tab", "next view", "tab"),
		PrevView:   b("shift+tab", "previous view", "shift+tab"),
		Help:       b("?", "toggle help", "?"),
		Freeze:     b("z", "freeze display (keeps sampling)", "z"),
		Reset:      b("r", "reset the profile", "r"),
		Window:     b("t", "cumulative / last N seconds", "t"),
		WindowMore: b("+", "longer window", "+", "="),
		WindowLess: b("-", "shorter window", "-", "_"),
		Write:      b("w", "save what is shown as pprof", "w"),
		Group:      b("g", "group by process", "g"),
		Focus:      b("p", "focus next process (P: all)", "p", "P"),

		Up:       b("↑/k", "up", "up", "k"),
		Down:     b("↓/j", "down", "down", "j"),
		Left:     b("←/h", "left", "left", "h"),
		Right:    b("→/l", "right", "right", "l"),
		PageUp:   b("pgup", "page up", "pgup", "ctrl+u"),
		PageDown: b("pgdn", "page down", "pgdown", "ctrl+d", " "),
		Home:     b("home", "first", "home"),
		End:      b("end", "last", "end"),
		Enter:    b("enter", "callers / zoom / re-centre", "enter"),
		Back:     b("esc", "back / zoom out / clear", "esc", "backspace"),

		Search:    b("/", "search (Top: filter)", "/"),
		NextMatch: b("n", "next match", "n"),
		PrevMatch: b("N", "previous match", "N"),
		Icicle:    b("f", "flame / icicle", "f"),

		SortSelf:   b("1", "sort by self", "1"),
		SortTotal:  b("2", "sort by total", "2"),
		SortName:   b("3", "sort by name", "3"),
		SortModule: b("4", "sort by module", "4"),
		SortCycle:  b("s", "next sort column", "s"),
	}
}

// Groups lists the bindings as the help overlay shows them.
func (k KeyMap) Groups() []Group {
	return []Group{
		{"Everywhere", []key.Binding{k.NextView, k.PrevView, k.Help, k.Freeze, k.Reset, k.Window, k.WindowMore, k.WindowLess, k.Group, k.Focus, k.Write, k.Quit}},
		{"Moving (every view)", []key.Binding{k.Up, k.Down, k.Left, k.Right, k.PageUp, k.PageDown, k.Home, k.End, k.Enter, k.Back}},
		{"Top", []key.Binding{k.SortSelf, k.SortTotal, k.SortName, k.SortModule, k.SortCycle, k.Search}},
		{"Flame graph", []key.Binding{k.Search, k.NextMatch, k.PrevMatch, k.Icicle}},
	}
}
