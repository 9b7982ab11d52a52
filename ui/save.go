package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/flametop/flametop/profile"
	"github.com/flametop/flametop/profile/atomicfile"
)

// savedMsg reports the outcome of `w`.
type savedMsg struct {
	path string
	err  error
}

// visibleProfile keeps the samples the screen shows: the focused process
// and, with a filter, the stacks that have a frame matching it. It shares
// the immutable tables of p.
func visibleProfile(p *profile.Profile, process, filter string) *profile.Profile {
	if process == "" && filter == "" {
		return p
	}
	out := *p
	out.Samples = nil
	filter = strings.ToLower(filter)
	match := map[int]bool{}
	for _, s := range p.Samples {
		if process != "" && s.Process != process {
			continue
		}
		if filter != "" {
			ok := false
			for _, li := range s.Locations {
				m, seen := match[li]
				if !seen {
					for _, l := range p.Locations[li].Lines {
						if strings.Contains(strings.ToLower(l.Function), filter) {
							m = true
						}
					}
					match[li] = m
				}
				if m {
					ok = true
					break
				}
			}
			if !ok {
				continue
			}
		}
		out.Samples = append(out.Samples, s)
	}
	return &out
}

// saveCmd writes p to a new, timestamped pprof file in dir, atomically.
func saveCmd(dir string, p *profile.Profile, now time.Time) func() any {
	return func() any {
		if dir == "" {
			dir = "."
		}
		path := filepath.Join(dir, "flametop-"+now.Format("20060102-150405")+".pb.gz")
		for i := 2; fileExists(path); i++ {
			path = filepath.Join(dir, fmt.Sprintf("flametop-%s-%d.pb.gz", now.Format("20060102-150405"), i))
		}
		err := atomicfile.Write(path, func(w *os.File) error { return profile.WritePprof(w, p) })
		return savedMsg{path: path, err: err}
	}
}

func fileExists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}
