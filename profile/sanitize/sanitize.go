// Package sanitize makes strings taken from profiled processes (thread names,
// symbols, paths, perf-map entries) harmless to print and to store: they are
// attacker-controlled, and a terminal or a strict protobuf decoder would
// otherwise act on what they contain.
package sanitize

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxLen caps a sanitized string, in bytes; longer input is cut and marked.
const MaxLen = 4096

// String returns s with control characters (C0, DEL, C1, so also every ESC
// sequence), invalid UTF-8, and bidirectional overrides and isolates
// replaced by visible escapes (\x1b, \u202e), cut to MaxLen bytes.
func String(s string) string {
	if clean(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if b.Len() >= MaxLen {
			b.WriteString("…")
			break
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r >= 0x80 && r < 0xa0, isBidi(r), r == utf8.RuneError:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}

// clean is the fast path: most names are plain ASCII.
func clean(s string) bool {
	if len(s) > MaxLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

func isBidi(r rune) bool {
	switch {
	case r >= 0x202a && r <= 0x202e, // LRE, RLE, PDF, LRO, RLO
		r >= 0x2066 && r <= 0x2069,            // LRI, RLI, FSI, PDI
		r == 0x200e, r == 0x200f, r == 0x061c: // LRM, RLM, ALM
		return true
	}
	return unicode.Is(unicode.Bidi_Control, r)
}
