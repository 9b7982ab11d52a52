//go:build linux

package probes

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"
)

// heldEnv marks a flametop process that was re-executed to hold a command
// before its exec: the parent registers the PID as a target first, so the
// command's very first instructions are sampled, then releases it.
const heldEnv = "FLAMETOP_HELD_EXEC"

// RunHeldIfRequested must be the first thing main does. In a held child it
// waits for the parent's go-ahead on fd 3 and execs the command; it returns
// only in a normal flametop process.
func RunHeldIfRequested() {
	if os.Getenv(heldEnv) != "1" {
		return
	}
	os.Unsetenv(heldEnv)
	release := os.NewFile(3, "release")
	var b [1]byte
	if n, _ := release.Read(b[:]); n != 1 {
		os.Exit(125) // the parent gave up before releasing us
	}
	release.Close()
	if len(os.Args) < 2 {
		os.Exit(125)
	}
	// os.Args is [name as typed, resolved path, arguments...].
	argv := append([]string{os.Args[0]}, os.Args[2:]...)
	err := syscall.Exec(os.Args[1], argv, os.Environ())
	fmt.Fprintf(os.Stderr, "flametop: exec %s: %v\n", os.Args[1], err)
	os.Exit(127)
}

// Command is a launched program that has not started running yet.
type Command struct {
	Cmd     *exec.Cmd
	release *os.File
}

// HoldCommand starts args[0] (found on PATH) held before exec. Its PID is
// final: exec keeps it.
func HoldCommand(args []string, stdin io.Reader, stdout, stderr io.Writer) (*Command, error) {
	if len(args) == 0 {
		return nil, errors.New("no command given after --")
	}
	path, err := exec.LookPath(args[0])
	if err != nil {
		return nil, fmt.Errorf("cannot run %s: %w", args[0], unwrapExecErr(err))
	}
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find flametop's own executable: %w", err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self)
	cmd.Args = append([]string{args[0], path}, args[1:]...)
	cmd.Env = append(os.Environ(), heldEnv+"=1")
	cmd.ExtraFiles = []*os.File{r}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
	if err := cmd.Start(); err != nil {
		r.Close()
		w.Close()
		return nil, fmt.Errorf("start %s: %w", args[0], err)
	}
	r.Close()
	return &Command{Cmd: cmd, release: w}, nil
}

// PID is the command's process ID.
func (c *Command) PID() int { return c.Cmd.Process.Pid }

// Release lets the command exec.
func (c *Command) Release() error {
	defer c.release.Close()
	_, err := c.release.Write([]byte{1})
	return err
}

// Abort kills a command that was never released.
func (c *Command) Abort() {
	c.release.Close() // the child sees EOF and exits
	c.Cmd.Wait()
}

func unwrapExecErr(err error) error {
	var ee *exec.Error
	if errors.As(err, &ee) {
		if errors.Is(ee.Err, exec.ErrNotFound) {
			return errors.New("command not found")
		}
		return ee.Err
	}
	return err
}
