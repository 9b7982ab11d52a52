// Command gospin burns CPU in two named Go functions for the integration
// tests: spinAlpha and spinBeta.
package main

import (
	"os"
	"strconv"
	"time"
)

var sink uint64

//go:noinline
func spinAlpha(d time.Duration) {
	for end := time.Now().Add(d); time.Now().Before(end); {
		for i := 0; i < 10000; i++ {
			sink += uint64(i) * 7
		}
	}
}

//go:noinline
func spinBeta(d time.Duration) {
	for end := time.Now().Add(d); time.Now().Before(end); {
		for i := 0; i < 10000; i++ {
			sink ^= uint64(i) * 13
		}
	}
}

func main() {
	secs := 2.0
	if len(os.Args) > 1 {
		secs, _ = strconv.ParseFloat(os.Args[1], 64)
	}
	end := time.Now().Add(time.Duration(secs * float64(time.Second)))
	for time.Now().Before(end) {
		spinAlpha(6 * time.Millisecond)
		spinBeta(4 * time.Millisecond)
	}
}
