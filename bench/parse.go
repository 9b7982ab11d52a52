package main

import (
	"bufio"
	"bytes"
	"strconv"
	"strings"
)

// stack is one distinct sampled stack: frames root first, function names
// without offsets or module suffixes.
type stack struct {
	frames []string
	count  int64
}

// parseFolded reads "a;b;c N" lines (flametop --format folded); the first
// frame is the process name and is dropped, kernel "_[k]" suffixes too.
func parseFolded(data []byte) []stack {
	var out []stack
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 1<<16), 1<<24)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		sp := strings.LastIndexByte(line, ' ')
		if sp < 0 {
			continue
		}
		n, err := strconv.ParseInt(line[sp+1:], 10, 64)
		if err != nil {
			continue
		}
		frames := strings.Split(line[:sp], ";")
		if len(frames) > 0 {
			frames = frames[1:]
		}
		for i := range frames {
			frames[i] = strings.TrimSuffix(frames[i], "_[k]")
		}
		out = append(out, stack{frames: frames, count: n})
	}
	return out
}

// parsePerfScript reads `perf script -F pid,ip,sym`: a header line with
// the PID, then one "addr symbol" line per frame, leaf first, then a blank
// line. Only samples of pid are kept (0 keeps all).
func parsePerfScript(data []byte, pid int) []stack {
	var out []stack
	var cur []string
	curPID := -1
	flush := func() {
		if curPID >= 0 && (pid == 0 || curPID == pid) {
			out = append(out, stack{frames: reverse(cur), count: 1})
		}
		cur, curPID = nil, -1
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 1<<16), 1<<24)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.TrimSpace(line) == "":
			flush()
		case line[0] != '\t':
			flush()
			curPID, _ = strconv.Atoi(strings.TrimSpace(line))
		default:
			f := strings.Fields(line)
			if len(f) >= 2 {
				cur = append(cur, stripOffset(strings.Join(f[1:], " ")))
			} else {
				cur = append(cur, "[unknown]")
			}
		}
	}
	flush()
	return out
}

// parseBpftrace reads a printed map of @[ustack, kstack] = count: entries
// "@[", frame lines (user, leaf first), ", ", kernel frame lines, "]: N".
func parseBpftrace(data []byte) []stack {
	var out []stack
	var user, kern []string
	in, inKernel := false, false
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 1<<16), 1<<24)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "@["):
			in, inKernel, user, kern = true, false, nil, nil
		case !in:
		case strings.HasPrefix(line, "]:"):
			n, _ := strconv.ParseInt(strings.TrimSpace(line[2:]), 10, 64)
			frames := append(reverse(user), reverse(kern)...)
			out = append(out, stack{frames: frames, count: n})
			in = false
		case strings.HasPrefix(line, ","):
			inKernel = true
			if rest := strings.TrimSpace(strings.TrimPrefix(line, ",")); strings.HasPrefix(rest, "]:") {
				n, _ := strconv.ParseInt(strings.TrimSpace(rest[2:]), 10, 64)
				out = append(out, stack{frames: reverse(user), count: n})
				in = false
			}
		case line != "":
			if inKernel {
				kern = append(kern, stripOffset(line))
			} else {
				user = append(user, stripOffset(line))
			}
		}
	}
	return out
}

// stripOffset turns "hot_a+0x12", "hot_a+18" or "hot_a+18 (/bin/x)" into
// "hot_a".
func stripOffset(s string) string {
	if i := strings.Index(s, " ("); i > 0 {
		s = s[:i]
	}
	if i := strings.LastIndexByte(s, '+'); i > 0 {
		s = s[:i]
	}
	return s
}

func reverse(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[len(s)-1-i] = v
	}
	return out
}

// shares returns, over all stacks, the samples containing each function,
// and the total.
func shares(stacks []stack, fns ...string) (map[string]int64, int64) {
	got := map[string]int64{}
	var total int64
	for _, s := range stacks {
		total += s.count
		for _, fn := range fns {
			for _, f := range s.frames {
				if f == fn {
					got[fn] += s.count
					break
				}
			}
		}
	}
	return got, total
}
