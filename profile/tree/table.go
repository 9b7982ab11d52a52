package tree

import (
	"sort"
	"strings"
)

// FuncStat is one row of the top table.
type FuncStat struct {
	Func        int32
	Self, Total int64
}

// Table counts, per function, the samples where it is the leaf (self) and
// the samples where it appears at all (total: a recursive function is
// counted once per sample, so no total exceeds 100%).
func (f *Flat) Table() []FuncStat {
	self := make([]int64, len(f.Funcs))
	total := make([]int64, len(f.Funcs))
	seen := make([]int32, len(f.Funcs)) // stack index + 1 that last counted the function
	for si, s := range f.Stacks {
		if len(s.Frames) == 0 {
			continue
		}
		self[s.Frames[len(s.Frames)-1]] += s.Count
		for _, id := range s.Frames {
			if seen[id] != int32(si+1) {
				seen[id] = int32(si + 1)
				total[id] += s.Count
			}
		}
	}
	rows := make([]FuncStat, 0, len(f.Funcs))
	for id := range f.Funcs {
		if total[id] > 0 && !f.Funcs[id].Process {
			rows = append(rows, FuncStat{Func: int32(id), Self: self[id], Total: total[id]})
		}
	}
	return rows
}

// SortKey orders the top table.
type SortKey int

const (
	BySelf SortKey = iota
	ByTotal
	ByName
	ByModule
)

func (k SortKey) String() string {
	return [...]string{"self", "total", "name", "module"}[k]
}

// SortTable sorts rows in place: counts descending, names ascending; ties
// fall back to the name so the order is stable across refreshes.
func (f *Flat) SortTable(rows []FuncStat, by SortKey) {
	name := func(r FuncStat) string { return f.Funcs[r.Func].Name }
	sort.Slice(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		switch by {
		case BySelf:
			if a.Self != b.Self {
				return a.Self > b.Self
			}
			if a.Total != b.Total {
				return a.Total > b.Total
			}
		case ByTotal:
			if a.Total != b.Total {
				return a.Total > b.Total
			}
			if a.Self != b.Self {
				return a.Self > b.Self
			}
		case ByModule:
			ma, mb := f.Funcs[a.Func].Module, f.Funcs[b.Func].Module
			if ma != mb {
				return ma < mb
			}
			if a.Total != b.Total {
				return a.Total > b.Total
			}
		}
		return name(a) < name(b)
	})
}

// FilterTable keeps the rows whose function name contains text
// (case-insensitive).
func (f *Flat) FilterTable(rows []FuncStat, text string) []FuncStat {
	if text == "" {
		return rows
	}
	text = strings.ToLower(text)
	out := rows[:0:0]
	for _, r := range rows {
		if strings.Contains(strings.ToLower(f.Funcs[r.Func].Name), text) {
			out = append(out, r)
		}
	}
	return out
}

func sortByCount(names []string, counts map[string]int64) {
	sort.Slice(names, func(i, j int) bool {
		if counts[names[i]] != counts[names[j]] {
			return counts[names[i]] > counts[names[j]]
		}
		return names[i] < names[j]
	})
}
