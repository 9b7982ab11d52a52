package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/flametop/flametop/profile"
	"github.com/flametop/flametop/profile/atomicfile"
	"github.com/flametop/flametop/profile/profiletest"
)

var tuiEnv = []string{"LANG=C.UTF-8", "TERM=xterm-256color"}

// flametop view needs no privileges: it browses a saved file, and q
// restores the terminal.
func TestViewTUIEndToEnd(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "fixture.pb.gz")
	p := profiletest.FromStacks(
		"app;main;run;compute;hot_loop 900",
		"app;main;run;parse;strlen 100",
		"app;main;run;compute;hot_loop;write;ksys_write_[k] 50",
	)
	if err := atomicfile.Write(path, func(w *os.File) error { return profile.WritePprof(w, p) }); err != nil {
		t.Fatal(err)
	}
	s := startTmux(t, 100, 30, tuiEnv, "sh", "-c", "cd "+dir+" && exec "+flametopBin(t)+" view fixture.pb.gz")
	s.waitScreen(5*time.Second, "the top view", func(scr string) bool {
		return strings.Contains(scr, "hot_loop") && strings.Contains(scr, "SELF%")
	})
	s.keys("Tab")
	s.waitScreen(3*time.Second, "the flame graph", func(scr string) bool {
		return strings.Contains(scr, "compute") && strings.Contains(scr, "all samples")
	})
	s.keys("/", "hot", "Enter")
	s.waitScreen(3*time.Second, "the search result", func(scr string) bool {
		return strings.Contains(scr, `search "hot": 1 frames, 90.5%`)
	})
	s.keys("w")
	scr := s.waitScreen(3*time.Second, "the saved path", func(scr string) bool { return strings.Contains(scr, "wrote ") })
	files, _ := filepath.Glob(filepath.Join(dir, "flametop-*.pb.gz"))
	if len(files) != 1 {
		t.Fatalf("w wrote %v; screen:\n%s", files, scr)
	}
	s.keys("q")
	scr = s.waitScreen(3*time.Second, "exit", func(scr string) bool { return strings.Contains(scr, "[exited 0]") })
	if strings.Contains(scr, "Flame graph") {
		t.Errorf("the TUI is still on screen after q (alternate screen not left):\n%s", scr)
	}
}

// A live run as root: the workload's hot function shows in Top and in the
// flame graph; q exits, restores the terminal and unloads everything.
func TestLiveTUIEndToEnd(t *testing.T) {
	requireRoot(t)
	bin := compileC(t, "split.c", "-fno-omit-frame-pointer")
	truth := filepath.Join(t.TempDir(), "truth")
	s := startTmux(t, 120, 40, tuiEnv, flametopBin(t), "-F", "199", "--", bin, "60", "80", truth)
	s.waitScreen(10*time.Second, "hot_a in Top", func(scr string) bool {
		return strings.Contains(scr, "hot_a") && strings.Contains(scr, "samples (")
	})
	pid := flametopPID(t, s)
	objs := ownedBPF(pid)
	if len(objs.progs) < 4 {
		t.Fatalf("flametop (PID %d) holds %d BPF programs", pid, len(objs.progs))
	}
	s.keys("Tab")
	s.waitScreen(5*time.Second, "hot_a in the flame graph", func(scr string) bool {
		return strings.Contains(scr, "hot_a") && strings.Contains(scr, "main")
	})
	s.keys("q")
	scr := s.waitScreen(5*time.Second, "exit", func(scr string) bool { return strings.Contains(scr, "[exited 0]") })
	if !strings.Contains(scr, "flametop: ") || !strings.Contains(scr, "samples") {
		t.Errorf("no summary line after exit:\n%s", scr)
	}
	objs.requireGone(t)
}

// An SSH drop (SIGHUP) ends the live view cleanly.
func TestLiveTUIHangup(t *testing.T) {
	requireRoot(t)
	s := startTmux(t, 100, 30, tuiEnv, flametopBin(t), "-F", "49")
	s.waitScreen(10*time.Second, "the header", func(scr string) bool { return strings.Contains(scr, "all processes") })
	pid := flametopPID(t, s)
	objs := ownedBPF(pid)
	syscall.Kill(pid, syscall.SIGHUP)
	s.waitScreen(5*time.Second, "exit", func(scr string) bool { return strings.Contains(scr, "[exited 0]") })
	objs.requireGone(t)
}

// flametopPID finds the flametop process running in the tmux pane.
func flametopPID(t *testing.T, s *tmuxSession) int {
	t.Helper()
	out, err := exec.Command("tmux", "list-panes", "-t", s.name, "-F", "#{pane_pid}").Output()
	if err != nil {
		t.Fatal(err)
	}
	shell := strings.TrimSpace(string(out))
	kids, err := exec.Command("pgrep", "-P", shell, "-x", "flametop").Output()
	if err != nil {
		t.Fatalf("no flametop under pane shell %s", shell)
	}
	pid, _ := strconv.Atoi(strings.Fields(string(kids))[0])
	return pid
}
