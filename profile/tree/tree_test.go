package tree

import (
	"reflect"
	"strings"
	"testing"

	"github.com/flametop/flametop/profile"
	"github.com/flametop/flametop/profile/profiletest"
)

func fixture() *profile.Profile {
	return profiletest.FromStacks(
		"app;main;work;hot 60",
		"app;main;work;cold 20",
		"app;main;rec;rec;rec 10", // recursion: rec counts once per sample
		"app;main;work;write;ksys_write_[k] 5",
		"db;main;query;hot 5",
	)
}

func names(f *Flat, ids []int32) []string {
	var out []string
	for _, id := range ids {
		out = append(out, f.Funcs[id].Name)
	}
	return out
}

func TestTableSelfAndTotal(t *testing.T) {
	f := Flatten(fixture(), Options{})
	if f.Total != 100 {
		t.Fatalf("total %d, want 100", f.Total)
	}
	got := map[string][2]int64{}
	for _, r := range f.Table() {
		got[f.Funcs[r.Func].Name+"@"+f.Funcs[r.Func].Module] = [2]int64{r.Self, r.Total}
	}
	want := map[string][2]int64{
		"main@app": {0, 95}, "work@app": {0, 85}, "hot@app": {60, 60}, "cold@app": {20, 20},
		"rec@app": {10, 10}, "write@app": {0, 5}, "ksys_write@[kernel.kallsyms]": {5, 5},
		"main@db": {0, 5}, "query@db": {0, 5}, "hot@db": {5, 5},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("table:\n got %v\nwant %v", got, want)
	}
}

func TestSortAndFilterTable(t *testing.T) {
	f := Flatten(fixture(), Options{})
	rows := f.Table()
	f.SortTable(rows, ByTotal)
	var order []string
	for _, r := range rows[:3] {
		order = append(order, f.Funcs[r.Func].Name)
	}
	if want := []string{"main", "work", "hot"}; !reflect.DeepEqual(order, want) { // app's
		t.Errorf("by total: %v, want %v", order, want)
	}
	f.SortTable(rows, ByName)
	if n := f.Funcs[rows[0].Func].Name; n != "cold" {
		t.Errorf("by name first = %s, want cold", n)
	}
	if got := f.FilterTable(rows, "WRI"); len(got) != 2 {
		t.Errorf("filter WRI kept %d rows, want 2 (write, ksys_write)", len(got))
	}
}

func TestKernelFrameKind(t *testing.T) {
	f := Flatten(fixture(), Options{})
	id := f.FindFunc("ksys_write", "")
	if id < 0 || f.Funcs[id].Kind != profile.KindKernel || f.Funcs[id].Module != "[kernel.kallsyms]" {
		t.Fatalf("ksys_write: %+v", f.Funcs[id])
	}
}

func TestTreeTotalsAndOrder(t *testing.T) {
	tr := Flatten(fixture(), Options{}).Tree()
	root := tr.Nodes[Root]
	// main of app and main of db are different functions (other modules).
	if root.Total != 100 || len(root.Children) != 2 {
		t.Fatalf("root total %d children %d", root.Total, len(root.Children))
	}
	main := root.Children[0]
	var kids []string
	for _, c := range tr.Nodes[main].Children {
		kids = append(kids, tr.Name(c))
	}
	// Largest first: work 85, rec 10.
	if want := []string{"work", "rec"}; !reflect.DeepEqual(kids, want) {
		t.Errorf("children of main: %v, want %v", kids, want)
	}
	hot := tr.Find([]string{"main", "work", "hot"})
	if tr.Nodes[hot].Self != 60 || tr.Nodes[hot].Depth != 3 {
		t.Errorf("main;work;hot: %+v", tr.Nodes[hot])
	}
	if p := tr.Path(hot); !reflect.DeepEqual(p, []string{"main", "work", "hot"}) {
		t.Errorf("Path = %v", p)
	}
	// A path that no longer exists finds its deepest surviving prefix.
	if n := tr.Find([]string{"main", "work", "gone"}); tr.Name(n) != "work" {
		t.Errorf("Find of a vanished leaf = %s, want work", tr.Name(n))
	}
}

func TestCallersAndCallees(t *testing.T) {
	f := Flatten(fixture(), Options{})
	hot := f.FindFunc("hot", "app")
	callers := f.Callers(hot)
	top := callers.Nodes[Root].Children
	if len(top) != 1 || callers.Name(top[0]) != "hot" || callers.Nodes[top[0]].Total != 60 {
		t.Fatalf("callers root: %v", top)
	}
	var up []string
	var tot []int64
	for _, c := range callers.Nodes[top[0]].Children {
		up = append(up, callers.Name(c))
		tot = append(tot, callers.Nodes[c].Total)
	}
	if !reflect.DeepEqual(up, []string{"work"}) || !reflect.DeepEqual(tot, []int64{60}) {
		t.Errorf("callers of hot: %v %v", up, tot)
	}
	work := f.FindFunc("work", "")
	callees := f.Callees(work)
	w := callees.Nodes[Root].Children[0]
	var down []string
	for _, c := range callees.Nodes[w].Children {
		down = append(down, callees.Name(c))
	}
	if !reflect.DeepEqual(down, []string{"hot", "cold", "write"}) {
		t.Errorf("callees of work: %v", down)
	}
	// Recursion: the outermost rec is the centre, counted once.
	rec := f.Callees(f.FindFunc("rec", ""))
	if n := rec.Nodes[rec.Nodes[Root].Children[0]]; n.Total != 10 {
		t.Errorf("rec callees total %d, want 10", n.Total)
	}
}

func TestOptions(t *testing.T) {
	p := fixture()
	g := Flatten(p, Options{GroupByProcess: true}).Tree()
	var roots []string
	for _, c := range g.Nodes[Root].Children {
		roots = append(roots, g.Name(c))
		if fn, _ := g.Func(c); !fn.Process {
			t.Errorf("root %s not marked as a process", g.Name(c))
		}
	}
	if !reflect.DeepEqual(roots, []string{"app", "db"}) {
		t.Errorf("grouped roots %v", roots)
	}
	if f := Flatten(p, Options{Process: "db"}); f.Total != 5 {
		t.Errorf("focus db: total %d, want 5", f.Total)
	}
	if f := Flatten(p, Options{Filter: "COLD"}); f.Total != 20 {
		t.Errorf("filter cold: total %d, want 20", f.Total)
	}
	if got := Processes(p); !reflect.DeepEqual(got, []string{"app", "db"}) {
		t.Errorf("Processes = %v", got)
	}
}

// Inlined functions become frames of their own, caller above callee.
func TestInlinedFramesExpand(t *testing.T) {
	f := Flatten(profiletest.FromStacks("app;main;outer+inlined 7"), Options{})
	if got := strings.Join(names(f, f.Stacks[0].Frames), ";"); got != "main;outer;inlined" {
		t.Errorf("frames %s, want main;outer;inlined", got)
	}
}

func BenchmarkBuild100k(b *testing.B) {
	p := profiletest.Wide(100000)
	b.ReportAllocs()
	for b.Loop() {
		f := Flatten(p, Options{})
		f.Table()
		f.Tree()
	}
	b.ReportMetric(float64(len(Flatten(p, Options{}).Tree().Nodes)), "nodes")
}
