package probes

import (
	"bytes"
	"encoding/binary"
	"time"

	"github.com/flametop/flametop/probes/sample"
)

// eventSize is sizeof(struct ft_event) in bpf/flametop.h.
const eventSize = 4*4 + 8 + 16

func decodeEvent(raw []byte) (sample.ProcEvent, bool) {
	if len(raw) < eventSize {
		return sample.ProcEvent{}, false
	}
	le := binary.LittleEndian // BPF objects are generated for little-endian targets only
	ev := sample.ProcEvent{
		Kind: sample.EventKind(le.Uint32(raw[0:])),
		PID:  le.Uint32(raw[4:]),
		PPID: le.Uint32(raw[8:]),
		Gen:  le.Uint64(raw[16:]),
		Comm: cString(raw[24:40]),
		Time: time.Now(),
	}
	switch ev.Kind {
	case sample.EventExec, sample.EventFork, sample.EventExit:
		return ev, true
	}
	return ev, false
}

func cString(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

func int8String(a [16]int8) string {
	b := make([]byte, 0, len(a))
	for _, c := range a {
		if c == 0 {
			break
		}
		b = append(b, byte(c))
	}
	return string(b)
}

// trimStack drops the zero padding of a stack-trace map value and reports
// whether the walk was cut at the depth limit.
func trimStack(v *[sample.MaxStackDepth]uint64) ([]uint64, bool) {
	n := 0
	for n < len(v) && v[n] != 0 {
		n++
	}
	out := make([]uint64, n)
	copy(out, v[:n])
	return out, n == len(v)
}
