package profile

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// Format is an output file format.
type Format string

const (
	FormatPprof  Format = "pprof"
	FormatFolded Format = "folded"
)

// FormatFor picks the format: explicit if given, else from the extension
// (.folded and .txt are folded stacks, anything else pprof).
func FormatFor(path, explicit string) (Format, error) {
	switch explicit {
	case "pprof":
		return FormatPprof, nil
	case "folded":
		return FormatFolded, nil
	case "":
	default:
		return "", fmt.Errorf("unknown format %q (want pprof or folded)", explicit)
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".folded", ".txt":
		return FormatFolded, nil
	}
	return FormatPprof, nil
}

// Write encodes p in format f.
func Write(w io.Writer, p *Profile, f Format) error {
	if f == FormatFolded {
		return WriteFolded(w, p)
	}
	return WritePprof(w, p)
}
