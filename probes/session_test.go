//go:build linux

package probes

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flametop/flametop/probes/sample"
)

func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() == 0 {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("this test loads BPF programs and must run as root under CI")
	}
	t.Skip("needs root to load BPF programs and open perf events")
}

// busy starts a CPU-bound shell loop and returns its PID.
// cpuTime is a process's user+system time, from /proc/PID/stat.
func cpuTime(t *testing.T, pid int) time.Duration {
	t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond // USER_HZ is 100
}

func busy(t *testing.T) *exec.Cmd {
	t.Helper()
	cmd := exec.Command("sh", "-c", "while :; do :; done")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd
}

// Sampling one PID: only its samples come back, with stacks, and counts add
// up to the kernel's own sample counter.
func TestSessionFiltersByPID(t *testing.T) {
	requireRoot(t)
	target := busy(t)
	busy(t) // a second busy process that must not appear
	s, err := Start(Config{Frequency: 997, PIDs: []int{target.Process.Pid}, KernelStacks: true, UserStacks: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Event != EventCPUClock && s.Event != EventCycles {
		t.Errorf("event %q", s.Event)
	}
	cpu0 := cpuTime(t, target.Process.Pid)
	time.Sleep(500 * time.Millisecond)
	ran := cpuTime(t, target.Process.Pid) - cpu0
	var all []sample.Sample
	var stats sample.Stats
	for i := 0; i < 3; i++ {
		if i == 1 {
			s.Stop()
		}
		b, err := s.Drain()
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, b.Samples...)
		stats = b.Stats
	}
	var total uint64
	for _, smp := range all {
		if smp.PID != uint32(target.Process.Pid) {
			t.Fatalf("sample from PID %d (%s), want only %d", smp.PID, smp.Comm, target.Process.Pid)
		}
		if smp.UserStatus == sample.StackOK && len(smp.User) == 0 {
			t.Error("user stack marked ok but empty")
		}
		total += smp.Count
	}
	// The machine is shared (other tests run at once): judge the count by
	// the CPU time the target actually got. Clock ticks are 10 ms, hence
	// the slack.
	if want := ran.Seconds() * 997; float64(total) < 0.6*want-20 || total == 0 {
		t.Fatalf("%d samples for %v of CPU at 997 Hz (expected about %.0f)", total, ran, want)
	}
	if total+stats.Dropped != stats.Samples {
		t.Errorf("drained %d + dropped %d != kernel count %d", total, stats.Dropped, stats.Samples)
	}
}

func TestSessionRejectsBadTargets(t *testing.T) {
	requireRoot(t)
	s, err := Start(Config{Frequency: 99, PIDs: []int{os.Getpid()}, UserStacks: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.AddTarget(0); err == nil || err.Error() != "invalid PID 0" {
		t.Errorf("AddTarget(0) = %v", err)
	}
	if err := s.AddTarget(1 << 30); err == nil || !strings.Contains(err.Error(), "invalid PID") {
		t.Errorf("AddTarget(huge) = %v", err)
	}
}

// Exec under a target PID produces an exec event with a fresh generation,
// and the samples after it carry that generation.
func TestSessionExecEvents(t *testing.T) {
	requireRoot(t)
	cmd, err := HoldCommand([]string{"sh", "-c", "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done"}, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Start(Config{Frequency: 499, PIDs: []int{cmd.PID()}, FollowForks: true, KernelStacks: true, UserStacks: true})
	if err != nil {
		cmd.Abort()
		t.Fatal(err)
	}
	defer s.Close()
	if err := cmd.Release(); err != nil {
		t.Fatal(err)
	}
	var ev sample.ProcEvent
	select {
	case ev = <-s.Events():
	case <-time.After(5 * time.Second):
		t.Fatal("no exec event")
	}
	if ev.Kind != sample.EventExec || ev.PID != uint32(cmd.PID()) || ev.Gen == 0 || ev.Comm != "sh" {
		t.Fatalf("event %+v", ev)
	}
	cmd.Cmd.Wait()
	b, err := s.Drain()
	if err != nil {
		t.Fatal(err)
	}
	gens := 0
	for _, smp := range b.Samples {
		if smp.Comm == "sh" {
			if smp.Gen != ev.Gen {
				t.Errorf("sample of sh has generation %d, exec said %d", smp.Gen, ev.Gen)
			}
			gens++
		}
	}
	if gens == 0 {
		t.Error("no samples of the command after exec")
	}
}

// TestMain lets this test binary act as the held child HoldCommand starts.
func TestMain(m *testing.M) {
	RunHeldIfRequested()
	os.Exit(m.Run())
}
