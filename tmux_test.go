package main

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// tmuxSession drives a program in a detached tmux session of a fixed size,
// the way a user over SSH sees it.
type tmuxSession struct {
	tb   testing.TB
	name string
}

func startTmux(tb testing.TB, width, height int, env []string, argv ...string) *tmuxSession {
	tb.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		tb.Fatal("tmux is needed for the end-to-end UI tests (make deps installs it)")
	}
	name := fmt.Sprintf("flametop-test-%d", time.Now().UnixNano())
	args := []string{"new-session", "-d", "-s", name, "-x", fmt.Sprint(width), "-y", fmt.Sprint(height)}
	for _, e := range env {
		args = append(args, "-e", e)
	}
	// Keep the pane after the program exits so its last screen can be read.
	args = append(args, "--", "sh", "-c", shellJoin(argv)+"; echo \"[exited $?]\"; sleep 30")
	if out, err := exec.Command("tmux", args...).CombinedOutput(); err != nil {
		tb.Fatalf("tmux new-session: %v: %s", err, out)
	}
	s := &tmuxSession{tb: tb, name: name}
	tb.Cleanup(func() { exec.Command("tmux", "kill-session", "-t", name).Run() })
	return s
}

func shellJoin(argv []string) string {
	q := make([]string, len(argv))
	for i, a := range argv {
		q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return strings.Join(q, " ")
}

// screen returns the visible pane text.
func (s *tmuxSession) screen() string {
	out, err := exec.Command("tmux", "capture-pane", "-p", "-t", s.name).Output()
	if err != nil {
		s.tb.Fatalf("capture-pane: %v", err)
	}
	return string(out)
}

func (s *tmuxSession) keys(keys ...string) {
	args := append([]string{"send-keys", "-t", s.name}, keys...)
	if out, err := exec.Command("tmux", args...).CombinedOutput(); err != nil {
		s.tb.Fatalf("send-keys: %v: %s", err, out)
	}
}

// waitScreen polls until the screen satisfies cond, or fails with the last
// screen after timeout.
func (s *tmuxSession) waitScreen(timeout time.Duration, what string, cond func(string) bool) string {
	s.tb.Helper()
	deadline := time.Now().Add(timeout)
	var scr string
	for time.Now().Before(deadline) {
		scr = s.screen()
		if cond(scr) {
			return scr
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.tb.Fatalf("timed out waiting for %s; screen:\n%s", what, scr)
	return ""
}
