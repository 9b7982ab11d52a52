// Package profile turns raw samples into named, aggregated profiles and reads
// and writes them (pprof, folded). It is pure Go: nothing here needs root.
package profile

import "time"

// FrameKind classifies a location for colouring and for reasons.
type FrameKind uint8

const (
	KindUnknown FrameKind = iota
	KindKernel
	KindNative    // user-space machine code from an ELF object
	KindGoRuntime // Go runtime (runtime.*) frames
	KindJIT       // named from a perf map
	KindSynthetic // flametop's own markers such as "[missing stack]"
)

// Line is one function at a location; a location with inlined calls has
// several, inlined callee first (pprof's order).
type Line struct {
	Function string // full (demangled) name, sanitized; for an unnamed frame "module+0xoffset"
	File     string
	Line     int64
}

// Location is one distinct frame address within one mapping.
type Location struct {
	Address uint64 // process virtual address (0 when hidden, e.g. kernel addresses not exported)
	Mapping int    // index into Profile.Mappings, or -1
	Lines   []Line // never empty: an unnamed frame carries a "module+0xoffset" line
	Kind    FrameKind
	Reason  string // why the frame has no real name; empty when it has one
}

// Mapping is one object the locations belong to.
type Mapping struct {
	Start, Limit, Offset uint64
	File                 string // path as the process saw it, or "[kernel.kallsyms]", "[vdso]", ...
	BuildID              string // hex GNU build id, if known
	Kernel               bool
	Note                 string // why frames of this mapping are unnamed, if they are
}

// Sample is a stack with its count and the labels pprof and the UI use.
type Sample struct {
	Locations []int // indexes into Profile.Locations, leaf first
	Count     int64
	PID, TID  uint32
	Comm      string // thread name, sanitized
	Process   string // process name, sanitized
}

// Profile is an immutable snapshot: once handed out it is never modified, so
// the UI and the exporters may read it from any goroutine.
type Profile struct {
	Start     time.Time
	Duration  time.Duration
	Event     string // "cpu-clock", "cycles", or what a loaded file said
	Frequency int    // Hz per CPU; 0 when unknown (loaded files)
	Period    int64  // nanoseconds (or events) per sample

	Locations []Location
	Mappings  []Mapping
	Samples   []Sample

	// Reasons counts samples by why one of their frames is unnamed or their
	// stack is incomplete; keys are human-readable reasons.
	Reasons map[string]int64
}

// Symbolizer names addresses. Implementations live in profile/symbolize; the
// collector depends only on this interface so it can be tested with a fake.
type Symbolizer interface {
	// Observe is called for every process event as soon as it arrives, so
	// the memory map of a short-lived process is captured while it exists.
	Observe(pid uint32, gen uint64, exited bool)
	// User names a user-space address of process image (pid, gen).
	User(pid uint32, gen uint64, addr uint64) Frame
	// Kernel names a kernel address.
	Kernel(addr uint64) Frame
	// ProcessName is the executable's name of (pid, gen), sanitized.
	ProcessName(pid uint32, gen uint64) string
}

// Frame is what a symbolizer returns for one address.
type Frame struct {
	Lines   []Line // inlined callee first; never empty
	Mapping Mapping
	Kind    FrameKind
	Reason  string
}
