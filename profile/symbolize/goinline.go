package symbolize

// The Go inline tree: for every function with inlined calls, the compiler
// emits a table (funcdata FUNCDATA_InlTree, an offset from go:func.*) of
// inlined-call records, and a pc-value table (PCDATA_InlTreeIndex) giving,
// per pc, the index of the innermost inlined call or -1. A record names the
// inlined function and the offset of an instruction at its call site in the
// physical function, whose own inline index leads to the next caller out.

// inlinedCall is one record of the tree.
type inlinedCall struct {
	funcID   uint8
	nameOff  uint32
	parentPC int32
}

// inlineTree is the address of fn's inline tree, if it has one.
func (g *goTable) inlineTree(fn goFunc) (uint64, bool) {
	if g.gofunc == 0 || fn.npcdata <= pcdataInlTreeIndex || fn.nfuncdata <= funcdataInlTree {
		return 0, false
	}
	off := g.order.Uint32(fn.rec[4*(fn.npcdata+funcdataInlTree):])
	if off == ^uint32(0) {
		return 0, false
	}
	return g.gofunc + uint64(off), true
}

func (g *goTable) inlineIndex(fn goFunc, pc uint64, hasTree bool) int32 {
	if !hasTree {
		return -1
	}
	off := g.order.Uint32(fn.rec[4*pcdataInlTreeIndex:])
	ix, ok := g.pcvalue(off, fn.entry, pc)
	if !ok || ix > 1<<20 {
		return -1
	}
	return ix
}

// inlinedCall reads record ix of the tree at addr. Go 1.20 and later:
// {funcID u8, pad [3], nameOff i32, parentPc i32, startLine i32}; 1.18
// and 1.19: {parent i16, funcID u8, pad, file i32, line i32, nameOff i32,
// parentPc i32}.
func (g *goTable) inlinedCall(tree uint64, ix int32) (inlinedCall, bool) {
	size, idAt, nameAt, parentAt := uint64(20), 2, 12, 16
	if g.go120 {
		size, idAt, nameAt, parentAt = 16, 0, 4, 8
	}
	b := g.read(tree+uint64(ix)*size, int(size))
	if b == nil {
		return inlinedCall{}, false
	}
	return inlinedCall{funcID: b[idAt], nameOff: g.order.Uint32(b[nameAt:]), parentPC: int32(g.order.Uint32(b[parentAt:]))}, true
}

// isWrapper reports whether a frame is one of the wrappers the compiler
// writes (method, defer and go statement wrappers, reflect's call
// trampolines) that Go's own tracebacks and pprof leave out when something
// is inlined into them. The wrapper funcID's value changes between Go
// releases, so it is learnt from the table: every other special funcID
// marks one runtime function, while wrappers are many.
func (g *goTable) isWrapper(id uint8) bool {
	if g.wrapperID == 0 {
		g.wrapperID = -1
		var count [256]int
		for i := 0; i < g.nfunc; i++ {
			if fn, ok := g.funcAt(i); ok && fn.funcID != 0 {
				count[fn.funcID]++
			}
		}
		best := 0
		for id, n := range count {
			if n > 3 && n > count[best] {
				best = id
			}
		}
		if best != 0 {
			g.wrapperID = best
		}
	}
	return id != 0 && int(id) == g.wrapperID
}
