//go:build linux

package bpf

import (
	"errors"
	"fmt"

	"github.com/cilium/ebpf"
)

// Config holds the load-time settings of the kernel programs.
type Config struct {
	FilterPIDs   bool // sample only thread groups in the targets map
	FollowForks  bool // children of targets become targets
	KernelStacks bool
	UserStacks   bool
	IncludeIdle  bool
	CountEntries uint32 // distinct stacks per drain interval per set; 0 keeps the default
	StackEntries uint32
}

// Load sets the constants and map sizes, then loads the collection. A
// verifier rejection comes back as *ebpf.VerifierError, whose %+v form holds
// the whole log.
func Load(cfg Config) (*FlametopObjects, error) {
	spec, err := LoadFlametop()
	if err != nil {
		return nil, fmt.Errorf("parse embedded BPF object: %w", err)
	}
	set := map[string]bool{
		"filter_pids":   cfg.FilterPIDs,
		"follow_forks":  cfg.FollowForks,
		"kernel_stacks": cfg.KernelStacks,
		"user_stacks":   cfg.UserStacks,
		"include_idle":  cfg.IncludeIdle,
	}
	for name, v := range set {
		var b uint8
		if v {
			b = 1
		}
		if err := spec.Variables[name].Set(b); err != nil {
			return nil, fmt.Errorf("set %s: %w", name, err)
		}
	}
	for _, name := range []string{"counts0", "counts1"} {
		if cfg.CountEntries > 0 {
			spec.Maps[name].MaxEntries = cfg.CountEntries
		}
	}
	for _, name := range []string{"stacks0", "stacks1"} {
		if cfg.StackEntries > 0 {
			spec.Maps[name].MaxEntries = cfg.StackEntries
		}
	}
	var objs FlametopObjects
	if err := spec.LoadAndAssign(&objs, nil); err != nil {
		var ve *ebpf.VerifierError
		if errors.As(err, &ve) {
			return nil, fmt.Errorf("the kernel's verifier rejected flametop's BPF program: %w", err)
		}
		return nil, err
	}
	return &objs, nil
}
