package symbolize

import (
	"errors"
	"fmt"

	"github.com/flametop/flametop/profile/sanitize"
)

// Why a user frame has no name. Reasons are categories, so the caller can
// count samples by them (it adds the module); details go to the mapping's
// note.
const (
	reasonGone        = "process gone before its maps were read"
	reasonNoMapping   = "address outside every known mapping"
	reasonUnreadable  = "file not readable"
	reasonReplaced    = "file replaced since it was mapped"
	reasonNotELF      = "not an ELF file"
	reasonMalformed   = "malformed ELF file"
	reasonTooSlow     = "reading symbols took too long"
	reasonStripped    = "stripped binary, no debug file found"
	reasonNoSymbol    = "no symbol covers this address"
	reasonOutsideLoad = "address outside the file's loadable segments"
	reasonVDSO        = "vdso not readable"

	reasonJIT        = "JIT region without a perf map"
	reasonJITMissing = "JIT code missing from its perf map"
	reasonAnon       = "anonymous memory"
)

// symError is a failure with its reason category.
type symError struct {
	reason string
	err    error
}

func (e *symError) Error() string {
	if e.err == nil {
		return e.reason
	}
	return e.reason + ": " + e.err.Error()
}

func (e *symError) Unwrap() error { return e.err }

func failure(reason string, err error) error { return &symError{reason, err} }

func failuref(reason, format string, args ...any) error {
	return &symError{reason, fmt.Errorf(format, args...)}
}

// reasonOf is err's category; errors from elsewhere count as malformed
// input (the parsers' own errors say what was wrong with the file).
func reasonOf(err error) string {
	var se *symError
	if errors.As(err, &se) {
		return se.reason
	}
	return reasonMalformed
}

// sanitizeNote makes an error's text (which may quote paths from the
// process) safe to show.
func sanitizeNote(s string) string { return sanitize.String(s) }
