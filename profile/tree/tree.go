package tree

import "sort"

// Node is one call-tree node. Nodes live in Tree.Nodes and refer to each
// other by index, so a 100,000-node tree is a handful of allocations.
type Node struct {
	Func     int32 // index into Tree.Funcs; -1 for the root
	Parent   int32 // -1 for the root
	Depth    int32
	Self     int64
	Total    int64
	Children []int32 // by total, largest first; ties by name
}

// Tree is a merged call tree. Nodes[0] is the root, whose Total is every
// sample in the tree.
type Tree struct {
	Funcs []Func
	Nodes []Node
}

// Root is the index of the root node.
const Root int32 = 0

type childKey struct {
	parent int32
	fn     int32
}

type builder struct {
	t    *Tree
	kids map[childKey]int32
}

func newBuilder(funcs []Func, sizeHint int) *builder {
	t := &Tree{Funcs: funcs, Nodes: make([]Node, 1, sizeHint+1)}
	t.Nodes[0] = Node{Func: -1, Parent: -1}
	return &builder{t: t, kids: make(map[childKey]int32, sizeHint)}
}

// add merges one root-first path.
func (b *builder) add(path []int32, n int64) {
	cur := Root
	b.t.Nodes[cur].Total += n
	for _, fn := range path {
		k := childKey{cur, fn}
		next, ok := b.kids[k]
		if !ok {
			next = int32(len(b.t.Nodes))
			b.t.Nodes = append(b.t.Nodes, Node{Func: fn, Parent: cur, Depth: b.t.Nodes[cur].Depth + 1})
			b.kids[k] = next
		}
		b.t.Nodes[next].Total += n
		cur = next
	}
	b.t.Nodes[cur].Self += n
}

func (b *builder) finish() *Tree {
	t := b.t
	counts := make([]int32, len(t.Nodes))
	for i := 1; i < len(t.Nodes); i++ {
		counts[t.Nodes[i].Parent]++
	}
	// One backing array for every child list.
	all := make([]int32, len(t.Nodes))
	off := 0
	for i := range t.Nodes {
		t.Nodes[i].Children = all[off : off : off+int(counts[i])]
		off += int(counts[i])
	}
	for i := 1; i < len(t.Nodes); i++ {
		p := t.Nodes[i].Parent
		t.Nodes[p].Children = append(t.Nodes[p].Children, int32(i))
	}
	for i := range t.Nodes {
		ch := t.Nodes[i].Children
		if len(ch) > 1 {
			sort.Slice(ch, func(a, b int) bool {
				na, nb := &t.Nodes[ch[a]], &t.Nodes[ch[b]]
				if na.Total != nb.Total {
					return na.Total > nb.Total
				}
				return t.Funcs[na.Func].Name < t.Funcs[nb.Func].Name
			})
		}
	}
	b.kids = nil
	return t
}

// Tree merges every stack into one call tree, root first.
func (f *Flat) Tree() *Tree {
	b := newBuilder(f.Funcs, len(f.Stacks)*4)
	for _, s := range f.Stacks {
		b.add(s.Frames, s.Count)
	}
	return b.finish()
}

// Callees is the tree below fn: every stack that contains fn, cut at its
// outermost occurrence, with fn as the single child of the root.
func (f *Flat) Callees(fn int32) *Tree {
	b := newBuilder(f.Funcs, 64)
	for _, s := range f.Stacks {
		if i := index(s.Frames, fn); i >= 0 {
			b.add(s.Frames[i:], s.Count)
		}
	}
	return b.finish()
}

// Callers is the inverted tree above fn: fn is the single child of the root,
// its children are the functions that called it, and so on up to the
// stacks' roots. The outermost occurrence is used, like Callees, so a sample
// is counted once.
func (f *Flat) Callers(fn int32) *Tree {
	b := newBuilder(f.Funcs, 64)
	var path []int32
	for _, s := range f.Stacks {
		i := index(s.Frames, fn)
		if i < 0 {
			continue
		}
		path = path[:0]
		for j := i; j >= 0; j-- {
			path = append(path, s.Frames[j])
		}
		b.add(path, s.Count)
	}
	return b.finish()
}

func index(frames []int32, fn int32) int {
	for i, id := range frames {
		if id == fn {
			return i
		}
	}
	return -1
}

// Path returns the function names from the root's child down to node, for
// finding "the same" node again in the next snapshot's tree.
func (t *Tree) Path(node int32) []string {
	var out []string
	for n := node; n > Root && n < int32(len(t.Nodes)); n = t.Nodes[n].Parent {
		out = append(out, t.Funcs[t.Nodes[n].Func].Name)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// Find follows a Path as far as it exists and returns the deepest node
// reached (the root when nothing matches).
func (t *Tree) Find(path []string) int32 {
	cur := Root
	for _, name := range path {
		next := int32(-1)
		for _, c := range t.Nodes[cur].Children {
			if t.Funcs[t.Nodes[c].Func].Name == name {
				next = c
				break
			}
		}
		if next < 0 {
			break
		}
		cur = next
	}
	return cur
}

// Name is the function name of a node ("all" for the root).
func (t *Tree) Name(node int32) string {
	if node == Root {
		return "all"
	}
	return t.Funcs[t.Nodes[node].Func].Name
}

// Func returns the Func of a node, and false for the root.
func (t *Tree) Func(node int32) (Func, bool) {
	if node <= Root || int(node) >= len(t.Nodes) {
		return Func{}, false
	}
	return t.Funcs[t.Nodes[node].Func], true
}
