package main

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// costSVG plots the median slowdown against frequency, one line per tool,
// log-scaled frequency axis. Hand-written SVG: no plotting dependency.
func costSVG(cost map[int]map[string]*costCell, freqs []int) string {
	const W, H, left, right, top, bottom = 640, 400, 70, 150, 30, 50
	fs := append([]int(nil), freqs...)
	sort.Ints(fs)
	tools := map[string]bool{}
	ymax := 1.0
	for _, cells := range cost {
		for t, c := range cells {
			if len(c.slowdown) > 0 {
				tools[t] = true
				ymax = math.Max(ymax, c.slowdown.median())
			}
		}
	}
	ymax = math.Ceil(ymax*20)/20 + 0.05
	x := func(hz int) float64 {
		if len(fs) < 2 {
			return left
		}
		lo, hi := math.Log10(float64(fs[0])), math.Log10(float64(fs[len(fs)-1]))
		return left + (math.Log10(float64(hz))-lo)/(hi-lo)*(W-left-right)
	}
	y := func(v float64) float64 { return H - bottom - (v-1)/(ymax-1)*(H-top-bottom) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">`+"\n", W, H)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="white"/>`+"\n", W, H)
	fmt.Fprintf(&b, `<text x="%d" y="18" font-size="14">Workload slowdown vs sampling frequency (median)</text>`+"\n", left)
	for i := 0; i <= 4; i++ {
		v := 1 + (ymax-1)*float64(i)/4
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#ddd"/><text x="%d" y="%.1f" text-anchor="end">%.3f</text>`+"\n", left, W-right, y(v), y(v), left-6, y(v)+4, v)
	}
	for _, hz := range fs {
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">%d Hz</text>`+"\n", x(hz), H-bottom+18, hz)
	}
	colors := map[string]string{"flametop": "#d9480f", "perf": "#1971c2", "bpftrace": "#2f9e44", "bpftrace-count": "#868e96", "bcc": "#7048e8"}
	names := make([]string, 0, len(tools))
	for t := range tools {
		names = append(names, t)
	}
	sort.Strings(names)
	for i, t := range names {
		var pts []string
		for _, hz := range fs {
			if c := cost[hz][t]; c != nil && len(c.slowdown) > 0 {
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(hz), y(c.slowdown.median())))
			}
		}
		col := colors[t]
		if col == "" {
			col = "black"
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`+"\n", col, strings.Join(pts, " "))
		fmt.Fprintf(&b, `<text x="%d" y="%d" fill="%s">%s</text>`+"\n", W-right+10, top+20+18*i, col, t)
	}
	b.WriteString("</svg>\n")
	return b.String()
}
