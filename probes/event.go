//go:build linux

package probes

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Event names the perf event that drives sampling.
type Event string

const (
	EventAuto      Event = ""          // cycles when the CPU has a PMU, else cpu-clock
	EventCycles    Event = "cycles"    // hardware CPU cycles
	EventCPUClock  Event = "cpu-clock" // software hrtimer: works in VMs without a PMU
	EventTaskClock Event = "task-clock"
)

// ParseEvent validates a -e/--event value.
func ParseEvent(s string) (Event, error) {
	switch Event(s) {
	case EventAuto, EventCycles, EventCPUClock, EventTaskClock:
		return Event(s), nil
	}
	return "", fmt.Errorf("unknown event %q (want cycles, cpu-clock or task-clock)", s)
}

func (e Event) attr(freq uint64) unix.PerfEventAttr {
	attr := unix.PerfEventAttr{
		Size:   uint32(unix.PERF_ATTR_SIZE_VER0),
		Sample: freq,
		Bits:   unix.PerfBitFreq | unix.PerfBitDisabled,
	}
	switch e {
	case EventCycles:
		attr.Type = unix.PERF_TYPE_HARDWARE
		attr.Config = unix.PERF_COUNT_HW_CPU_CYCLES
	case EventTaskClock:
		attr.Type = unix.PERF_TYPE_SOFTWARE
		attr.Config = unix.PERF_COUNT_SW_TASK_CLOCK
	default:
		attr.Type = unix.PERF_TYPE_SOFTWARE
		attr.Config = unix.PERF_COUNT_SW_CPU_CLOCK
	}
	return attr
}

// openPerfEvent opens one sampling event on one CPU for every task.
func openPerfEvent(e Event, cpu int, freq uint64) (int, error) {
	attr := e.attr(freq)
	fd, err := unix.PerfEventOpen(&attr, -1, cpu, -1, unix.PERF_FLAG_FD_CLOEXEC)
	if err != nil {
		return -1, &os.SyscallError{Syscall: "perf_event_open", Err: err}
	}
	return fd, nil
}

// resolveEvent picks cycles when the hardware counts them, else cpu-clock:
// most VMs expose no PMU and perf_event_open fails with ENOENT/EOPNOTSUPP.
func resolveEvent(e Event, cpu int, freq uint64) (Event, error) {
	if e != EventAuto {
		return e, nil
	}
	fd, err := openPerfEvent(EventCycles, cpu, freq)
	if err == nil {
		unix.Close(fd)
		return EventCycles, nil
	}
	if errors.Is(err, unix.EACCES) || errors.Is(err, unix.EPERM) {
		return "", err
	}
	return EventCPUClock, nil
}

// MaxSampleRate reads kernel.perf_event_max_sample_rate: the kernel refuses
// (EINVAL) frequencies above it.
func MaxSampleRate() (int, error) {
	b, err := os.ReadFile("/proc/sys/kernel/perf_event_max_sample_rate")
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(string(b)))
}
