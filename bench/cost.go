package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// costCell is the workload's slowdown under one tool at one frequency.
type costCell struct {
	slowdown  series // run time with the tool / without, within a repetition
	usPerSamp series // extra run time per sample taken, microseconds
	err       string
}

// costTools adds bpftrace with a handler that only counts: the floor any
// perf-event-based sampler pays.
func (e *env) costTools() []string {
	ts := e.tools()
	if e.has("bpftrace") {
		ts = append(ts, "bpftrace-count")
	}
	return ts
}

// runCost runs the fixed-work workload bare and under each tool,
// interleaved, at each frequency.
func (e *env) runCost(freqs []int, iters int) map[int]map[string]*costCell {
	out := map[int]map[string]*costCell{}
	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 11))
	for _, hz := range freqs {
		out[hz] = map[string]*costCell{}
		for _, t := range e.costTools() {
			out[hz][t] = &costCell{}
		}
		for rep := 0; rep < e.reps; rep++ {
			order := append([]string{"none"}, e.costTools()...)
			r.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
			times := map[string]float64{}
			samples := map[string]int64{}
			for _, t := range order {
				var wout bytes.Buffer
				res, err := e.profileCommand(t, hz, []string{e.bins["cost"], fmt.Sprint(iters)}, &wout)
				if err != nil {
					if c := out[hz][t]; c != nil {
						c.err = err.Error()
					}
					e.log("cost %d Hz %s: %v", hz, t, err)
					continue
				}
				ns := elapsed(wout.String())
				if ns == 0 {
					e.log("cost %d Hz %s: workload printed no time", hz, t)
					continue
				}
				times[t], samples[t] = ns, res.samples
			}
			base := times["none"]
			for t, ns := range times {
				if t == "none" || base == 0 {
					continue
				}
				c := out[hz][t]
				c.slowdown = append(c.slowdown, ns/base)
				if samples[t] > 0 {
					c.usPerSamp = append(c.usPerSamp, (ns-base)/1e3/float64(samples[t]))
				}
				e.log("cost %5d Hz %-15s slowdown %.4f samples %d", hz, t, ns/base, samples[t])
			}
		}
	}
	return out
}

func elapsed(out string) float64 {
	for _, line := range strings.Split(out, "\n") {
		var ns float64
		if n, _ := fmt.Sscanf(strings.TrimSpace(line), "elapsed %f", &ns); n == 1 {
			return ns
		}
	}
	return 0
}
