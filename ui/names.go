package ui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Shorten fits a function name into width cells, losing the least useful
// parts first: C++/Rust template arguments and parameter lists, then
// package paths and namespaces, then the tail (marked with ellipsis).
func Shorten(name string, width int, ellipsis string) string {
	if width <= 0 {
		return ""
	}
	if ansi.StringWidth(name) <= width {
		return name
	}
	if s := stripBrackets(name); s != name {
		name = s
		if ansi.StringWidth(name) <= width {
			return name
		}
	}
	if s := stripQualifiers(name); s != name {
		name = s
		if ansi.StringWidth(name) <= width {
			return name
		}
	}
	return ansi.Truncate(name, width, ellipsis)
}

// stripBrackets drops everything inside <...> and (...), keeping the
// brackets' own presence visible as "<>"/"()" so the reader knows.
func stripBrackets(s string) string {
	if !strings.ContainsAny(s, "<(") {
		return s
	}
	var b strings.Builder
	depth := 0
	var open byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case depth == 0 && (c == '<' || c == '('):
			// "operator<" and "operator()" are names, not brackets; nor is
			// a Go receiver such as "pkg.(*T).Method".
			if strings.HasSuffix(b.String(), "operator") || c == '(' && i > 0 && s[i-1] == '.' {
				b.WriteByte(c)
				continue
			}
			open = c
			depth = 1
			b.WriteByte(c)
		case depth > 0 && c == open:
			depth++
		case depth > 0 && c == closer(open):
			depth--
			if depth == 0 {
				b.WriteByte(c)
			}
		case depth == 0:
			b.WriteByte(c)
		}
	}
	if depth > 0 {
		b.WriteByte(closer(open))
	}
	return b.String()
}

func closer(open byte) byte {
	if open == '<' {
		return '>'
	}
	return ')'
}

// stripQualifiers keeps the last two components of a C++/Rust path
// (Class::method) or the package-local part of a Go name (pkg.Func,
// pkg.(*T).Method).
func stripQualifiers(s string) string {
	if i := strings.LastIndex(s, "::"); i >= 0 {
		if j := strings.LastIndex(s[:i], "::"); j >= 0 {
			return s[j+2:]
		}
		return s
	}
	if i := strings.LastIndexByte(s, '/'); i >= 0 && i < len(s)-1 {
		return s[i+1:]
	}
	return s
}
