// Command gowork is the Go accuracy workload: goroutines locked to threads
// split their CPU time between spinAlpha and spinBeta, timing each call
// with the thread CPU clock. Usage: gowork SECONDS PERCENT_A. It prints
// "truth A_NS B_NS".
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"

	"golang.org/x/sys/unix"
)

var sink uint64

func threadCPU() int64 {
	var ts unix.Timespec
	unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts)
	return ts.Nano()
}

//go:noinline
func spinAlpha(budget int64) {
	for end := threadCPU() + budget; threadCPU() < end; {
		for i := 0; i < 2000; i++ {
			sink += uint64(i) * 7
		}
	}
}

//go:noinline
func spinBeta(budget int64) {
	for end := threadCPU() + budget; threadCPU() < end; {
		for i := 0; i < 2000; i++ {
			sink ^= uint64(i) * 13
		}
	}
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: gowork SECONDS PERCENT_A")
		os.Exit(2)
	}
	secs, _ := strconv.ParseFloat(os.Args[1], 64)
	pct, _ := strconv.ParseInt(os.Args[2], 10, 64)
	runtime.LockOSThread()
	const slice = 10_000_000
	var a, b int64
	start := threadCPU()
	for threadCPU()-start < int64(secs*1e9) {
		t0 := threadCPU()
		spinAlpha(slice * pct / 100)
		t1 := threadCPU()
		spinBeta(slice * (100 - pct) / 100)
		t2 := threadCPU()
		a += t1 - t0
		b += t2 - t1
	}
	fmt.Printf("truth %d %d\n", a, b)
	runtime.KeepAlive(sink) // the loops' result, so they are not optimised away
}
