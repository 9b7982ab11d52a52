//go:build linux

package probes

import (
	"errors"
	"fmt"
	"time"

	"github.com/cilium/ebpf"
	"golang.org/x/sys/unix"

	"github.com/flametop/flametop/bpf"
	"github.com/flametop/flametop/probes/sample"
)

const stackNone = -4096 // FT_STACK_NONE in bpf/flametop.h

// Drain switches the kernel to the other map set, then empties the one it
// just left: every count and every stack it references is read, then the
// stacks are deleted. Because the program no longer writes to that set, no
// count can refer to a stack id deleted under it.
func (s *Session) Drain() (sample.Batch, error) {
	old := s.set
	s.set ^= 1
	if err := s.objs.Active.Put(uint32(0), s.set); err != nil {
		return sample.Batch{}, fmt.Errorf("switch map set: %w", err)
	}
	time.Sleep(flipDelay)

	counts, stacks := s.objs.Counts0, s.objs.Stacks0
	if old == 1 {
		counts, stacks = s.objs.Counts1, s.objs.Stacks1
	}
	keys, vals, err := drainCounts(counts)
	if err != nil {
		return sample.Batch{}, err
	}
	batch := sample.Batch{Time: time.Now(), Samples: make([]sample.Sample, 0, len(keys))}
	cache := map[int32][]uint64{}
	truncated := map[int32]bool{}
	var buf [sample.MaxStackDepth]uint64
	stack := func(id int32) ([]uint64, sample.StackStatus) {
		if id < 0 {
			return nil, absentStatus(id)
		}
		if st, ok := cache[id]; ok {
			if truncated[id] {
				return st, sample.StackTruncated
			}
			return st, sample.StackOK
		}
		if err := stacks.Lookup(uint32(id), &buf); err != nil {
			cache[id] = nil
			return nil, sample.StackMapFull
		}
		st, cut := trimStack(&buf)
		cache[id], truncated[id] = st, cut
		if cut {
			return st, sample.StackTruncated
		}
		return st, sample.StackOK
	}
	for i, k := range keys {
		smp := sample.Sample{PID: k.Pid, TID: k.Tid, Gen: k.Gen, Comm: int8String(k.Comm), Count: vals[i]}
		smp.Kernel, smp.KernelStatus = stack(k.Kstack)
		smp.User, smp.UserStatus = stack(k.Ustack)
		s.account(&smp)
		batch.Samples = append(batch.Samples, smp)
	}
	wipeStacks(stacks, cache)
	if err := s.readStats(); err != nil {
		return batch, err
	}
	batch.Stats = s.stats
	batch.Stats.EventsLost += s.lostEvts
	return batch, nil
}

// absentStatus says why bpf_get_stackid gave no stack id.
func absentStatus(id int32) sample.StackStatus {
	switch id {
	case stackNone:
		return sample.StackNone
	case -int32(unix.EFAULT):
		return sample.StackFault
	case -int32(unix.EEXIST):
		return sample.StackCollision
	}
	return sample.StackMapFull // -ENOMEM
}

func (s *Session) account(smp *sample.Sample) {
	add := func(st sample.StackStatus, fault, full, collide, trunc *uint64) {
		switch st {
		case sample.StackFault:
			*fault += smp.Count
		case sample.StackMapFull:
			*full += smp.Count
		case sample.StackCollision:
			*collide += smp.Count
		case sample.StackTruncated:
			*trunc += smp.Count
		}
	}
	add(smp.KernelStatus, &s.stats.KernelFault, &s.stats.KernelMapFull, &s.stats.KernelCollide, &s.stats.KernelTruncate)
	add(smp.UserStatus, &s.stats.UserFault, &s.stats.UserMapFull, &s.stats.UserCollide, &s.stats.UserTruncate)
}

// drainCounts reads and deletes every entry, in batches where the kernel
// supports it (5.6+), else by iterating and deleting one key at a time.
func drainCounts(m *ebpf.Map) ([]bpf.FlametopFtKey, []uint64, error) {
	const chunk = 1024
	var keys []bpf.FlametopFtKey
	var vals []uint64
	var cursor ebpf.MapBatchCursor
	kbuf := make([]bpf.FlametopFtKey, chunk)
	vbuf := make([]uint64, chunk)
	for {
		n, err := m.BatchLookupAndDelete(&cursor, kbuf, vbuf, nil)
		keys = append(keys, kbuf[:n]...)
		vals = append(vals, vbuf[:n]...)
		if errors.Is(err, ebpf.ErrKeyNotExist) {
			return keys, vals, nil
		}
		if errors.Is(err, ebpf.ErrNotSupported) || errors.Is(err, unix.EINVAL) && len(keys) == 0 {
			return iterateAndDelete(m)
		}
		if err != nil {
			return keys, vals, fmt.Errorf("drain counts: %w", err)
		}
	}
}

func iterateAndDelete(m *ebpf.Map) ([]bpf.FlametopFtKey, []uint64, error) {
	var keys []bpf.FlametopFtKey
	var vals []uint64
	var k bpf.FlametopFtKey
	var v uint64
	it := m.Iterate()
	for it.Next(&k, &v) {
		keys = append(keys, k)
		vals = append(vals, v)
	}
	for _, k := range keys {
		m.Delete(k) // a key a racing program re-adds is drained next time
	}
	return keys, vals, it.Err()
}

// wipeStacks deletes the stacks just read, then any left behind by samples
// whose count could not be stored, so the map never fills up over time.
func wipeStacks(m *ebpf.Map, seen map[int32][]uint64) {
	for id := range seen {
		m.Delete(uint32(id))
	}
	var rest []uint32
	var prev any // nil asks for the first key
	var key uint32
	for len(rest) < 1<<16 && m.NextKey(prev, &key) == nil {
		rest = append(rest, key)
		prev = key
	}
	for _, id := range rest {
		m.Delete(id)
	}
}

func (s *Session) readStats() error {
	var per []bpf.FlametopFtStats
	if err := s.objs.Stats.Lookup(uint32(0), &per); err != nil {
		return fmt.Errorf("read stats: %w", err)
	}
	var samples, dropped, lost uint64
	for _, c := range per {
		samples += c.Samples
		dropped += c.Dropped
		lost += c.EventsLost
	}
	s.stats.Samples, s.stats.Dropped, s.stats.EventsLost = samples, dropped, lost
	return nil
}
