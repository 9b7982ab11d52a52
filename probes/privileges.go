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

// Capability bit numbers from linux/capability.h.
const (
	capSysAdmin = 21
	capPerfmon  = 38
	capBPF      = 39
)

// checkPrivileges fails early, with advice, rather than letting the first
// bpf() call fail with a bare EPERM.
func checkPrivileges() error {
	if os.Geteuid() == 0 {
		return nil
	}
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return nil // let the kernel decide
	}
	eff, ok := capEff(string(b))
	if !ok {
		return nil
	}
	return missingCaps(eff)
}

func capEff(status string) (uint64, bool) {
	for _, line := range strings.Split(status, "\n") {
		if v, ok := strings.CutPrefix(line, "CapEff:"); ok {
			n, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
			return n, err == nil
		}
	}
	return 0, false
}

func missingCaps(eff uint64) error {
	has := func(c uint) bool { return eff&(1<<c) != 0 }
	if has(capSysAdmin) {
		return nil
	}
	var missing []string
	if !has(capBPF) {
		missing = append(missing, "CAP_BPF")
	}
	if !has(capPerfmon) {
		missing = append(missing, "CAP_PERFMON")
	}
	if len(missing) == 0 {
		return nil
	}
	return fmt.Errorf("flametop needs root or the CAP_BPF and CAP_PERFMON capabilities (missing %s): run it with sudo, or grant them with: sudo setcap cap_bpf,cap_perfmon+ep %s",
		strings.Join(missing, " and "), exePath())
}

func exePath() string {
	if p, err := os.Executable(); err == nil {
		return p
	}
	return "flametop"
}

func explainPerfError(err error) error {
	switch {
	case errors.Is(err, unix.EACCES), errors.Is(err, unix.EPERM):
		return fmt.Errorf("perf_event_open was refused (%v): run as root or with CAP_PERFMON, or lower /proc/sys/kernel/perf_event_paranoid", err)
	case errors.Is(err, unix.ENOSYS):
		return fmt.Errorf("this kernel has no perf events support (CONFIG_PERF_EVENTS): %v", err)
	case errors.Is(err, unix.ENOENT), errors.Is(err, unix.EOPNOTSUPP):
		return fmt.Errorf("the requested perf event is not supported on this machine (no hardware PMU?): use -e cpu-clock: %v", err)
	case errors.Is(err, unix.EINVAL):
		return fmt.Errorf("the kernel rejected the perf event (frequency above kernel.perf_event_max_sample_rate?): %v", err)
	}
	return err
}

func explainLoadError(err error) error {
	switch {
	case errors.Is(err, unix.ENOSYS):
		return fmt.Errorf("this kernel has no BPF support (CONFIG_BPF_SYSCALL): %v", err)
	case errors.Is(err, unix.EPERM), errors.Is(err, unix.EACCES):
		return fmt.Errorf("loading BPF programs was refused (%v): run as root or with CAP_BPF and CAP_PERFMON", err)
	case strings.Contains(err.Error(), "btf") || strings.Contains(err.Error(), "BTF"):
		return fmt.Errorf("load BPF programs (flametop needs a kernel with BTF, /sys/kernel/btf/vmlinux): %w", err)
	}
	return fmt.Errorf("load BPF programs: %w", err)
}

// threadGroup returns the process a task ID belongs to.
func threadGroup(tid int) (int, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", tid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "Tgid:"); ok {
			return strconv.Atoi(strings.TrimSpace(v))
		}
	}
	return 0, fmt.Errorf("no Tgid in /proc/%d/status", tid)
}
