package ui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/flametop/flametop/profile/sanitize"
)

// prompt is a one-line text entry for search and filter. It is deliberately
// tiny (type, backspace, ctrl+u): no cursor blinking, so an idle screen
// stays idle and costs no bytes over a slow link.
type prompt struct {
	active bool
	value  string
}

type promptResult int

const (
	promptEditing promptResult = iota
	promptDone                 // enter: keep the value
	promptCancel               // esc: drop it
)

func (p *prompt) start(initial string) {
	p.active = true
	p.value = initial
}

func (p *prompt) update(msg tea.KeyPressMsg) promptResult {
	switch msg.String() {
	case "enter":
		p.active = false
		return promptDone
	case "esc":
		p.active = false
		p.value = ""
		return promptCancel
	case "backspace":
		if r := []rune(p.value); len(r) > 0 {
			p.value = string(r[:len(r)-1])
		}
	case "ctrl+u":
		p.value = ""
	default:
		// Pasted or typed text; control keys have no Text.
		if t := msg.Key().Text; t != "" && len(p.value) < 256 {
			p.value += sanitize.String(t)
		}
	}
	return promptEditing
}
