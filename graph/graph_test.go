package graph

import (
	"math/rand/v2"
	"reflect"
	"testing"
)

type edgeSpec struct {
	from, to string
	kind     EdgeKind
	line     int
}

// build adds the edges in the given order, creating service nodes.
func build(edges []edgeSpec) *Graph {
	b := NewBuilder()
	for _, e := range edges {
		f := b.Node(Service, e.from)
		t := b.Node(Service, e.to)
		b.AddEdge(f.ID, t.ID, e.kind, Evidence{File: "catalog.yaml", Line: e.line, Key: "requires", Token: e.to})
	}
	return b.Build()
}

var diamond = []edgeSpec{
	{"a", "b", Requires, 1},
	{"a", "c", Requires, 2},
	{"b", "d", Requires, 3},
	{"c", "d", Requires, 4},
	{"d", "e", Requires, 5},
	{"x", "y", Requires, 6},
	{"y", "x", Requires, 7},
	{"s", "s", Requires, 8},
}

func ids(g *Graph) []string {
	var r []string
	for _, n := range g.Nodes() {
		r = append(r, n.ID)
	}
	return r
}

func TestBuildIsIndependentOfInsertionOrder(t *testing.T) {
	want := build(diamond)
	for i := range 20 {
		shuffled := append([]edgeSpec(nil), diamond...)
		r := rand.New(rand.NewPCG(uint64(i), 7))
		r.Shuffle(len(shuffled), func(a, b int) { shuffled[a], shuffled[b] = shuffled[b], shuffled[a] })
		got := build(shuffled)
		if !reflect.DeepEqual(ids(got), ids(want)) || !reflect.DeepEqual(got.Edges(), want.Edges()) {
			t.Fatalf("order %d: graph differs", i)
		}
		if !reflect.DeepEqual(got.Components(), want.Components()) {
			t.Fatalf("order %d: components differ", i)
		}
		if !reflect.DeepEqual(got.Dependents("service:e"), want.Dependents("service:e")) {
			t.Fatalf("order %d: dependents differ", i)
		}
	}
}

func TestEvidenceMerges(t *testing.T) {
	b := NewBuilder()
	a, c := b.Node(Service, "a"), b.Node(Service, "c")
	b.AddEdge(a.ID, c.ID, Requires, Evidence{File: "m.yaml", Line: 3})
	b.AddEdge(a.ID, c.ID, Requires, Evidence{File: "catalog.yaml", Line: 9}, Evidence{File: "m.yaml", Line: 3})
	g := b.Build()
	if n := len(g.Edges()); n != 1 {
		t.Fatalf("got %d edges, want 1", n)
	}
	want := []Evidence{{File: "catalog.yaml", Line: 9}, {File: "m.yaml", Line: 3}}
	if got := g.Edges()[0].Evidence; !reflect.DeepEqual(got, want) {
		t.Errorf("evidence = %v, want %v", got, want)
	}
}

func TestComponents(t *testing.T) {
	g := build(diamond)
	got := g.Components(Requires)
	want := [][]string{{"service:s"}, {"service:x", "service:y"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Components = %v, want %v", got, want)
	}
	if c := g.Components(Exec); len(c) != 0 {
		t.Errorf("Components(Exec) = %v, want none", c)
	}
}

func TestCycle(t *testing.T) {
	g := build([]edgeSpec{
		{"a", "b", Requires, 1}, {"b", "c", Requires, 2}, {"c", "a", Requires, 3},
		{"b", "a", Requires, 4}, {"c", "d", Requires, 5},
	})
	comp := g.Components(Requires)[0]
	cyc := g.Cycle(comp[0], comp, Requires)
	var path []string
	for _, e := range cyc {
		path = append(path, e.From+">"+e.To)
	}
	// The shortest cycle through a is a -> b -> a, not a -> b -> c -> a.
	want := []string{"service:a>service:b", "service:b>service:a"}
	if !reflect.DeepEqual(path, want) {
		t.Errorf("Cycle = %v, want %v", path, want)
	}
	self := build([]edgeSpec{{"s", "s", Requires, 1}})
	if c := self.Cycle("service:s", []string{"service:s"}, Requires); len(c) != 1 {
		t.Errorf("self-loop cycle = %v, want one edge", c)
	}
}

func TestShortestPath(t *testing.T) {
	g := build(diamond)
	p := g.ShortestPath("service:a", "service:e")
	var hops []string
	for _, e := range p {
		hops = append(hops, e.To)
	}
	// Two shortest paths exist (via b and via c); ties go to the smaller ID.
	want := []string{"service:b", "service:d", "service:e"}
	if !reflect.DeepEqual(hops, want) {
		t.Errorf("path = %v, want %v", hops, want)
	}
	if p := g.ShortestPath("service:e", "service:a"); p != nil {
		t.Errorf("reverse path = %v, want nil", p)
	}
	if p := g.ShortestPath("service:a", "service:a"); p == nil || len(p) != 0 {
		t.Errorf("self path = %v, want empty", p)
	}
	if p := g.ShortestPath("service:a", "service:nope"); p != nil {
		t.Errorf("unknown target path = %v, want nil", p)
	}
}

func TestDependents(t *testing.T) {
	g := build(diamond)
	got := g.Dependents("service:d")
	type row struct {
		id   string
		dist int
		path []string
	}
	var rows []row
	for _, r := range got {
		var p []string
		for _, e := range reachPath(got, "service:d", r.ID) {
			p = append(p, e.From+">"+e.To)
		}
		rows = append(rows, row{r.ID, r.Distance, p})
	}
	want := []row{
		{"service:b", 1, []string{"service:b>service:d"}},
		{"service:c", 1, []string{"service:c>service:d"}},
		{"service:a", 2, []string{"service:a>service:b", "service:b>service:d"}},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("Dependents = %+v, want %+v", rows, want)
	}
	if d := g.Dependents("service:a"); len(d) != 0 {
		t.Errorf("nothing depends on a, got %v", d)
	}
}

func TestNeighbourhoodAndSubgraph(t *testing.T) {
	g := build(diamond)
	got := g.Neighbourhood("service:b", 1)
	want := []string{"service:a", "service:b", "service:d"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Neighbourhood = %v, want %v", got, want)
	}
	sub := g.Subgraph(got)
	if len(sub.Nodes()) != 3 || len(sub.Edges()) != 2 {
		t.Errorf("Subgraph has %d nodes, %d edges; want 3, 2", len(sub.Nodes()), len(sub.Edges()))
	}
	if all := g.Neighbourhood("service:b", -1); len(all) != 5 {
		t.Errorf("unbounded neighbourhood = %v, want the 5 connected nodes", all)
	}
}

func TestEdgesOf(t *testing.T) {
	b := NewBuilder()
	s, j, f := b.Node(Service, "s"), b.Node(Job, "j"), b.Node(File, "/f")
	b.AddEdge(s.ID, j.ID, RunsAs)
	b.AddEdge(j.ID, f.ID, Exec)
	b.AddEdge(s.ID, s.ID, Requires)
	g := b.Build()
	if got := g.EdgesOf(Exec, RunsAs); len(got) != 2 || got[0].Kind != Exec || got[1].Kind != RunsAs {
		t.Errorf("EdgesOf(Exec, RunsAs) = %v", got)
	}
	if got := g.EdgesOf(Symlink); got != nil {
		t.Errorf("EdgesOf(Symlink) = %v, want none", got)
	}
}
