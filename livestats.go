package main

import (
	"sync"
	"syscall"
	"time"

	"github.com/flametop/flametop/probes/sample"
)

// liveStats is what the header shows; the pipeline goroutine writes it after
// every drain and the UI goroutine reads it.
type liveStats struct {
	mu       sync.Mutex
	start    time.Time
	stats    sample.Stats
	rate     float64 // samples per second over the last interval
	ownCPU   float64 // flametop's CPU use, percent of one core
	lastTime time.Time
	lastCPU  time.Duration
	lastN    uint64
}

func newLiveStats(start time.Time) *liveStats {
	return &liveStats{start: start, lastTime: start, lastCPU: processCPU()}
}

// update runs on the pipeline goroutine after a drain.
func (l *liveStats) update(st sample.Stats) {
	now, cpu := time.Now(), processCPU()
	l.mu.Lock()
	defer l.mu.Unlock()
	if dt := now.Sub(l.lastTime).Seconds(); dt > 0 {
		l.rate = float64(st.Samples-l.lastN) / dt
		l.ownCPU = 100 * (cpu - l.lastCPU).Seconds() / dt
	}
	l.stats, l.lastTime, l.lastCPU, l.lastN = st, now, cpu, st.Samples
}

func (l *liveStats) get() (sample.Stats, time.Duration, float64, float64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.stats, time.Since(l.start), l.rate, l.ownCPU
}

// processCPU is the user+system CPU time this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
