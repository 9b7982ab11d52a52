//go:build linux

// Package probes puts flametop's BPF programs to work: it opens one sampling
// perf event per online CPU, attaches the programs, registers targets and
// drains the kernel maps into raw samples. With bpf/ it is the only package
// that talks to the kernel.
package probes

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"github.com/cilium/ebpf/ringbuf"
	"github.com/cilium/ebpf/rlimit"
	"golang.org/x/sys/unix"

	"github.com/flametop/flametop/bpf"
	"github.com/flametop/flametop/probes/sample"
)

// Config says what to sample and how.
type Config struct {
	Event        Event
	Frequency    int   // Hz per CPU
	PIDs         []int // empty: the whole system (unless FollowForks)
	FollowForks  bool  // a launched command: its children become targets
	KernelStacks bool
	UserStacks   bool
	Verbose      bool // print verifier logs in full
}

// Session is a running sampler. Drain must be called from one goroutine at a
// time; Events may be read from another.
type Session struct {
	Event     Event    // the event actually used
	Frequency int      // after clamping to the kernel's maximum
	Warnings  []string // things the user should know (clamped frequency, ...)

	objs   *bpf.FlametopObjects
	links  []link.Link
	fds    []int
	ring   *ringbuf.Reader
	events chan sample.ProcEvent
	wg     sync.WaitGroup

	set      uint32 // the stack/count set the BPF program writes to
	stats    sample.Stats
	lostEvts uint64 // events dropped because the channel was full (ring reader goroutine only)
	closeMu  sync.Mutex
	closed   bool
}

// Start loads and attaches everything. On error nothing stays behind.
func Start(cfg Config) (s *Session, err error) {
	if err := checkPrivileges(); err != nil {
		return nil, err
	}
	if err := rlimit.RemoveMemlock(); err != nil {
		return nil, fmt.Errorf("raise the locked-memory limit for BPF maps: %w", err)
	}
	cpus, err := OnlineCPUs()
	if err != nil {
		return nil, fmt.Errorf("list online CPUs: %w", err)
	}
	s = &Session{Frequency: cfg.Frequency, events: make(chan sample.ProcEvent, 4096)}
	defer func() {
		if err != nil {
			s.Close()
		}
	}()
	if maxRate, err := MaxSampleRate(); err == nil && maxRate > 0 && s.Frequency > maxRate {
		s.Warnings = append(s.Warnings, fmt.Sprintf("frequency %d Hz is above kernel.perf_event_max_sample_rate; using %d Hz", s.Frequency, maxRate))
		s.Frequency = maxRate
	}
	if s.Event, err = resolveEvent(cfg.Event, cpus[0], uint64(s.Frequency)); err != nil {
		return nil, explainPerfError(err)
	}

	filter := len(cfg.PIDs) > 0 || cfg.FollowForks
	s.objs, err = bpf.Load(bpf.Config{
		FilterPIDs:   filter,
		FollowForks:  cfg.FollowForks,
		KernelStacks: cfg.KernelStacks,
		UserStacks:   cfg.UserStacks,
	})
	if err != nil {
		var ve *ebpf.VerifierError
		if cfg.Verbose && errors.As(err, &ve) {
			fmt.Fprintf(os.Stderr, "%+v\n", ve)
		}
		return nil, explainLoadError(err)
	}
	for _, pid := range cfg.PIDs {
		if err := s.AddTarget(pid); err != nil {
			return nil, err
		}
	}
	for _, p := range []*ebpf.Program{s.objs.FtOnFork, s.objs.FtOnExec, s.objs.FtOnExit} {
		l, err := link.AttachTracing(link.TracingOptions{Program: p, AttachType: ebpf.AttachTraceRawTp})
		if err != nil {
			return nil, fmt.Errorf("attach %s tracepoint: %w", p, err)
		}
		s.links = append(s.links, l)
	}
	if s.ring, err = ringbuf.NewReader(s.objs.Events); err != nil {
		return nil, fmt.Errorf("open event ring buffer: %w", err)
	}
	s.wg.Add(1)
	go s.readEvents()

	for _, cpu := range cpus {
		fd, err := openPerfEvent(s.Event, cpu, uint64(s.Frequency))
		if err != nil {
			if errors.Is(err, unix.ENODEV) || errors.Is(err, unix.ENOENT) && cpu != cpus[0] {
				continue // a CPU went offline between listing and opening
			}
			return nil, explainPerfError(err)
		}
		s.fds = append(s.fds, fd)
		l, err := link.AttachRawLink(link.RawLinkOptions{Target: fd, Program: s.objs.FtSample, Attach: ebpf.AttachPerfEvent})
		if err != nil {
			return nil, fmt.Errorf("attach sampling program to CPU %d: %w", cpu, err)
		}
		s.links = append(s.links, l)
	}
	for _, fd := range s.fds {
		if err := unix.IoctlSetInt(fd, unix.PERF_EVENT_IOC_ENABLE, 0); err != nil {
			return nil, fmt.Errorf("enable perf event: %w", err)
		}
	}
	return s, nil
}

// AddTarget makes the kernel sample thread group pid (all of its threads).
func (s *Session) AddTarget(pid int) error {
	if pid <= 0 || pid > 1<<22 {
		return fmt.Errorf("invalid PID %d", pid)
	}
	if err := unix.Kill(pid, 0); errors.Is(err, unix.ESRCH) {
		return fmt.Errorf("no process with PID %d", pid)
	}
	if tgid, err := threadGroup(pid); err == nil && tgid != pid {
		return fmt.Errorf("PID %d is a thread of process %d; pass the process ID", pid, tgid)
	}
	one := uint8(1)
	if err := s.objs.Targets.Put(uint32(pid), one); err != nil {
		return fmt.Errorf("add target %d: %w", pid, err)
	}
	return nil
}

// Events delivers process exec, fork and exit notices as they happen.
func (s *Session) Events() <-chan sample.ProcEvent { return s.events }

func (s *Session) readEvents() {
	defer s.wg.Done()
	defer close(s.events)
	var rec ringbuf.Record
	for {
		if err := s.ring.ReadInto(&rec); err != nil {
			if errors.Is(err, os.ErrClosed) {
				return
			}
			continue
		}
		ev, ok := decodeEvent(rec.RawSample)
		if !ok {
			continue
		}
		select {
		case s.events <- ev:
		default:
			s.lostEvts++ // a stalled consumer must not stall the kernel side
		}
	}
}

// Stop ends sampling; draining afterwards (twice, to empty both map sets)
// collects every sample the kernel took.
func (s *Session) Stop() {
	for _, fd := range s.fds {
		unix.IoctlSetInt(fd, unix.PERF_EVENT_IOC_DISABLE, 0)
	}
}

// Close detaches and frees everything: no program, map, link or perf event
// of flametop outlives it.
func (s *Session) Close() error {
	s.closeMu.Lock()
	defer s.closeMu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	s.Stop()
	for _, l := range s.links {
		l.Close()
	}
	for _, fd := range s.fds {
		unix.Close(fd)
	}
	if s.ring != nil {
		s.ring.Close()
		s.wg.Wait()
	} else {
		close(s.events)
	}
	if s.objs != nil {
		s.objs.Close()
	}
	return nil
}

// flipDelay is how long a drain waits after switching sets so that a program
// which read the old set number finishes writing; programs run for
// microseconds with preemption disabled, so this is generous.
const flipDelay = 2 * time.Millisecond
