package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
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
