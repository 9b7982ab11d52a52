package main

import (
	"fmt"
	"math"
	"sort"
)

// series is one measurement over the repetitions.
type series []float64

func (s series) sorted() []float64 {
	c := append([]float64(nil), s...)
	sort.Float64s(c)
	return c
}

func (s series) median() float64 {
	c := s.sorted()
	if len(c) == 0 {
		return math.NaN()
	}
	if len(c)%2 == 1 {
		return c[len(c)/2]
	}
	return (c[len(c)/2-1] + c[len(c)/2]) / 2
}

// cell formats "median (min–max)" with the given format for each number.
func (s series) cell(format string) string {
	if len(s) == 0 {
		return "n/a"
	}
	c := s.sorted()
	m := fmt.Sprintf(format, s.median())
	if len(c) == 1 {
		return m
	}
	return fmt.Sprintf("%s (%s–%s)", m, fmt.Sprintf(format, c[0]), fmt.Sprintf(format, c[len(c)-1]))
}
