package probes

import (
	"encoding/binary"
	"testing"

	"github.com/flametop/flametop/probes/sample"
)

func TestDecodeEvent(t *testing.T) {
	raw := make([]byte, eventSize)
	le := binary.LittleEndian
	le.PutUint32(raw[0:], uint32(sample.EventFork))
	le.PutUint32(raw[4:], 42)
	le.PutUint32(raw[8:], 7)
	le.PutUint64(raw[16:], 123456789)
	copy(raw[24:], "worker\x00junk")
	ev, ok := decodeEvent(raw)
	if !ok || ev.Kind != sample.EventFork || ev.PID != 42 || ev.PPID != 7 || ev.Gen != 123456789 || ev.Comm != "worker" {
		t.Fatalf("decoded %+v, %v", ev, ok)
	}
	if _, ok := decodeEvent(raw[:eventSize-1]); ok {
		t.Error("short record accepted")
	}
	le.PutUint32(raw[0:], 99)
	if _, ok := decodeEvent(raw); ok {
		t.Error("unknown kind accepted")
	}
}

func TestTrimStack(t *testing.T) {
	var v [sample.MaxStackDepth]uint64
	v[0], v[1], v[2] = 3, 2, 1
	got, cut := trimStack(&v)
	if len(got) != 3 || got[0] != 3 || cut {
		t.Errorf("got %v, cut %v", got, cut)
	}
	for i := range v {
		v[i] = uint64(i + 1)
	}
	if got, cut := trimStack(&v); len(got) != sample.MaxStackDepth || !cut {
		t.Errorf("full stack: len %d, cut %v", len(got), cut)
	}
}
