// Package demangle turns C++ and Rust symbol names into readable ones.
package demangle

import (
	"strings"

	"github.com/ianlancetaylor/demangle"
)

// maxMangled bounds the input: the demangler's work grows with it and the
// names come from untrusted files.
const maxMangled = 4096

// Full demangles C++ (_Z...) and Rust (legacy _ZN...h<hash>E and v0 _R...)
// names, keeping parameters and template arguments; anything else, and
// anything the demangler rejects, comes back unchanged.
func Full(name string) (out string) {
	if len(name) > maxMangled || !(strings.HasPrefix(name, "_Z") || strings.HasPrefix(name, "_R") || strings.HasPrefix(name, "__Z")) {
		return name
	}
	defer func() {
		if recover() != nil {
			out = name
		}
	}()
	return demangle.Filter(name, demangle.NoClones)
}
