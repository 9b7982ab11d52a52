// Package sample holds the raw records the probes produce: stacks as the
// kernel saw them (addresses only) and process lifecycle events. It is pure
// data with no build constraints so that profile can consume it without
// linking any BPF code.
package sample

import "time"

// MaxStackDepth is the kernel's PERF_MAX_STACK_DEPTH default: a stack with
// this many frames was probably cut short.
const MaxStackDepth = 127

// StackStatus says why a stack is absent or incomplete.
type StackStatus uint8

const (
	StackOK        StackStatus = iota
	StackNone                  // not requested (--no-kernel/--no-user) or not applicable (kernel thread has no user stack)
	StackFault                 // the kernel could not walk it (-EFAULT: user memory not present, no frame pointers)
	StackMapFull               // the stack-trace map had no room (-ENOMEM)
	StackTruncated             // walked, but cut at MaxStackDepth
	StackCollision             // another stack held its hash bucket (-EEXIST): the price of not reusing ids
)

// Lost reports a stack that was asked for but is not there.
func (s StackStatus) Lost() bool {
	return s == StackFault || s == StackMapFull || s == StackCollision
}

func (s StackStatus) String() string {
	switch s {
	case StackOK:
		return "ok"
	case StackNone:
		return "none"
	case StackFault:
		return "unwind failed"
	case StackMapFull:
		return "stack map full"
	case StackTruncated:
		return "truncated at depth limit"
	case StackCollision:
		return "stack map hash collision"
	}
	return "unknown"
}

// Sample is one distinct (process image, thread, kernel stack, user stack)
// with the number of times it was sampled since the previous drain.
type Sample struct {
	PID  uint32 // thread group id as seen from the initial pid namespace
	TID  uint32
	Gen  uint64 // process image generation: changes on exec and on PID reuse; 0 = unknown (process predates flametop)
	Comm string // thread name as the kernel reported it: raw, untrusted bytes

	Kernel []uint64 // leaf first
	User   []uint64 // leaf first

	KernelStatus StackStatus
	UserStatus   StackStatus

	Count uint64
}

// EventKind is a process lifecycle change reported by the kernel.
type EventKind uint8

const (
	EventExec EventKind = iota + 1 // PID now runs a new image with generation Gen
	EventFork                      // a new process PID (child of PPID) was created with generation Gen
	EventExit                      // the process PID (all threads) exited
)

// ProcEvent tells the symbolizer when to capture a process's memory map.
type ProcEvent struct {
	Kind EventKind
	PID  uint32
	PPID uint32
	Gen  uint64
	Comm string
	Time time.Time
}

// Stats are the cumulative counters of a sampling session.
type Stats struct {
	Samples        uint64 // every sample the BPF program saw for a target
	Dropped        uint64 // samples lost entirely (counts map full)
	KernelFault    uint64
	KernelMapFull  uint64
	KernelCollide  uint64
	UserFault      uint64
	UserMapFull    uint64
	UserCollide    uint64
	KernelTruncate uint64
	UserTruncate   uint64
	EventsLost     uint64 // process events the ring buffer could not hold
}

// Batch is what one drain of the kernel maps yields.
type Batch struct {
	Time    time.Time
	Samples []Sample
	Stats   Stats // cumulative at Time
}
