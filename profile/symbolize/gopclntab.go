package symbolize

import (
	"debug/elf"
	"debug/gosym"
	"fmt"
)

// goTable names Go code from .gopclntab, which the Go linker keeps even in
// binaries built with -ldflags=-s -w (the runtime needs it for tracebacks),
// so stripped Go programs still get function names, files and lines.
type goTable struct {
	t *gosym.Table
}

// loadGoTable returns nil for non-Go objects.
func loadGoTable(f *elf.File, size int64) (gt *goTable, err error) {
	sec := f.Section(".gopclntab")
	if sec == nil {
		return nil, nil
	}
	if sec.Size > maxSectionSize || sec.Offset+sec.Size > uint64(size) {
		return nil, fmt.Errorf("malformed Go binary: .gopclntab out of bounds")
	}
	defer func() {
		if p := recover(); p != nil { // debug/gosym trusts the table it parses
			gt, err = nil, fmt.Errorf("malformed Go symbol table: %v", p)
		}
	}()
	data, err := sec.Data()
	if err != nil {
		return nil, err
	}
	var text uint64
	if t := f.Section(".text"); t != nil {
		text = t.Addr
	}
	t, err := gosym.NewTable(nil, gosym.NewLineTable(data, text))
	if err != nil {
		return nil, fmt.Errorf("malformed Go symbol table: %w", err)
	}
	return &goTable{t: t}, nil
}

// frame names pc. debug/gosym does not expose the inline tree: an inlined
// call is reported under its caller's name with the inlined code's line.
func (g *goTable) frame(pc uint64) (name, file string, line int, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	file, line, fn := g.t.PCToLine(pc)
	if fn == nil {
		return "", "", 0, false
	}
	return fn.Name, file, line, true
}
