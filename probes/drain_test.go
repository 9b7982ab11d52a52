package probes

import (
	"testing"

	"github.com/flametop/flametop/probes/sample"
	"golang.org/x/sys/unix"
)

// Each way bpf_get_stackid fails is counted under its own reason.
func TestAbsentStatus(t *testing.T) {
	for id, want := range map[int32]sample.StackStatus{
		stackNone:           sample.StackNone,
		-int32(unix.EFAULT): sample.StackFault,
		-int32(unix.EEXIST): sample.StackCollision,
		-int32(unix.ENOMEM): sample.StackMapFull,
	} {
		if got := absentStatus(id); got != want {
			t.Errorf("%d: %v, want %v", id, got, want)
		}
	}
	if sample.StackNone.Lost() || sample.StackTruncated.Lost() || !sample.StackCollision.Lost() {
		t.Error("Lost: a stack not asked for counted as lost, or a collision not")
	}
}
