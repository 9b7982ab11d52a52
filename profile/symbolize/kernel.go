package symbolize

import (
	"os"
	"time"

	"github.com/flametop/flametop/profile"
)

var kernelMapping = profile.Mapping{File: "[kernel.kallsyms]", Kernel: true}

// Reasons for unnamed kernel frames.
const (
	reasonKernelHidden     = "kernel symbols hidden (kptr_restrict)"
	reasonKernelUnreadable = "kernel symbols not readable"
	reasonKernelUnknown    = "kernel address outside every symbol"
)

// kallsymsRecheck is the least time between two reads of /proc/kallsyms:
// modules and BPF programs come and go, and an address in one loaded after
// the last read must not be given its neighbour's name for long.
const kallsymsRecheck = 10 * time.Second

// Kernel names a kernel address. With kptr_restrict every address reads as
// zero: every frame is then "[kernel]" with a reason, not a wrong name.
func (s *Symbolizer) Kernel(addr uint64) profile.Frame {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.kallsyms()
	name, module, ok := k.LookupModule(addr)
	if (!ok || module != "") && s.opts.Kallsyms == nil && s.kernelErr == nil && !k.Hidden() && time.Since(s.kernelRead) >= s.kallsymsRecheck {
		// Perhaps loaded since the last read.
		s.kernel = nil
		k = s.kallsyms()
		name, _, ok = k.LookupModule(addr)
	}
	switch {
	case s.kernelErr != nil:
		return kernelUnnamed(reasonKernelUnreadable, true)
	case k.Hidden():
		return kernelUnnamed(reasonKernelHidden, true)
	case !ok:
		return kernelUnnamed(reasonKernelUnknown, false)
	}
	return profile.Frame{Lines: []profile.Line{{Function: name}}, Mapping: kernelMapping, Kind: profile.KindKernel}
}

// KernelHidden reports that kernel addresses cannot be named because
// kptr_restrict hides them from us (or kallsyms could not be read): the
// caller can say so once instead of per frame.
func (s *Symbolizer) KernelHidden() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.kallsyms()
	return s.kernelErr != nil || k.Hidden()
}

// kallsyms returns the kernel's table, reading it if needed.
func (s *Symbolizer) kallsyms() *Kallsyms {
	if s.kernel != nil {
		return s.kernel
	}
	data := s.opts.Kallsyms
	if data == nil {
		data, s.kernelErr = os.ReadFile(s.opts.ProcRoot + "/kallsyms")
		s.kernelRead = time.Now()
	}
	s.kernel = ParseKallsyms(data)
	return s.kernel
}

// kernelUnnamed is a kernel frame without a name; the reason goes on the
// mapping too when it holds for every kernel frame.
func kernelUnnamed(reason string, all bool) profile.Frame {
	m := kernelMapping
	if all {
		m.Note = reason
	}
	return profile.Frame{Lines: []profile.Line{{Function: "[kernel]"}}, Mapping: m, Kind: profile.KindKernel, Reason: reason}
}
