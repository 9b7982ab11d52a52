package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// requireNames fails unless every function appears in some sample's stack.
func requireNames(t *testing.T, prof string, pid int64, fns ...string) {
	t.Helper()
	p := readPprof(t, prof)
	got, total := shares(p, pid, fns...)
	for _, fn := range fns {
		if got[fn] == 0 {
			t.Errorf("%s not named in any of %d samples", fn, total)
		}
	}
}

// A child that exits long before the run ends is still symbolized: its
// memory map was captured when it appeared, not at the end.
func TestRecordExitedChild(t *testing.T) {
	requireRoot(t)
	bin := compileC(t, "split.c")
	dir := t.TempDir()
	out := filepath.Join(dir, "exited.pb.gz")
	script := fmt.Sprintf("%s 0.6 50 %s; sleep 1.5", bin, filepath.Join(dir, "truth"))
	_, stderr, code := runFlametop(t, "record", "-F", "499", "-o", out, "--", "sh", "-c", script)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	requireNames(t, out, 0, "hot_a", "hot_b")
}

// A binary deleted while it runs is read through /proc/PID/map_files.
func TestRecordDeletedBinary(t *testing.T) {
	requireRoot(t)
	bin := compileC(t, "split.c")
	dir := t.TempDir()
	w := exec.Command(bin, "3", "50", filepath.Join(dir, "truth"))
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Process.Kill()
	time.Sleep(100 * time.Millisecond)
	if err := os.Remove(bin); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "deleted.pb.gz")
	_, stderr, code := runFlametop(t, "record", "-p", fmt.Sprint(w.Process.Pid), "-F", "499", "-d", "1500ms", "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	requireNames(t, out, int64(w.Process.Pid), "hot_a", "hot_b")
}

// A process in its own mount namespace whose binary does not exist outside
// it is symbolized through /proc/PID/root.
func TestRecordMountNamespace(t *testing.T) {
	requireRoot(t)
	if _, err := exec.LookPath("unshare"); err != nil {
		t.Fatal("unshare (util-linux) is needed")
	}
	bin := compileC(t, "split.c")
	dir := t.TempDir()
	mnt := filepath.Join(dir, "mnt")
	os.Mkdir(mnt, 0o755)
	script := fmt.Sprintf("mount -t tmpfs none %[1]s && cp %[2]s %[1]s/inner && exec %[1]s/inner 3 50 %[1]s/truth", mnt, bin)
	w := exec.Command("unshare", "-m", "--propagation", "private", "sh", "-c", script)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Process.Kill()
	time.Sleep(300 * time.Millisecond)
	if _, err := os.Stat(filepath.Join(mnt, "inner")); err == nil {
		t.Fatal("the binary is visible outside the namespace; the test proves nothing")
	}
	out := filepath.Join(dir, "ns.pb.gz")
	_, stderr, code := runFlametop(t, "record", "-p", fmt.Sprint(w.Process.Pid), "-F", "499", "-d", "1500ms", "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	requireNames(t, out, int64(w.Process.Pid), "hot_a", "hot_b")
}

// JavaScript functions are named from Node's perf map (--perf-basic-prof).
func TestRecordNodePerfMap(t *testing.T) {
	requireRoot(t)
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("node is needed for the JIT test")
		}
		t.Skip("no node")
	}
	dir := t.TempDir()
	js := filepath.Join(dir, "hot.js")
	src := `function hotLoopForFlametop(n) { let s = 0; for (let i = 0; i < n; i++) s = (s + i * 7) % 1000003; return s; }
const end = Date.now() + 2000; let x = 0;
while (Date.now() < end) x += hotLoopForFlametop(100000);
console.log(x);`
	if err := os.WriteFile(js, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "node.pb.gz")
	// Node writes a v8 log into its working directory: keep it in dir.
	script := fmt.Sprintf("cd %s && exec %s --perf-basic-prof %s", dir, node, js)
	_, stderr, code := runFlametop(t, "record", "-F", "499", "-o", out, "--", "sh", "-c", script)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	p := readPprof(t, out)
	var named, total int64
	for _, s := range p.Sample {
		total += s.Value[0]
		for _, loc := range s.Location {
			if len(loc.Line) > 0 && strings.Contains(loc.Line[0].Function.Name, "hotLoopForFlametop") {
				named += s.Value[0]
				break
			}
		}
	}
	if total == 0 || float64(named)/float64(total) < 0.3 {
		t.Errorf("hotLoopForFlametop named in %d of %d samples", named, total)
	}
}
