package graph

import (
	"slices"
	"strings"
	"sync"
)

// Builder accumulates nodes and edges in any order; Build sorts them, so
// the result never depends on the order of calls. It is not safe for
// concurrent use: the loader feeds it from one goroutine.
type Builder struct {
	nodes map[string]*Node
	edges map[edgeKey]*Edge
}

type edgeKey struct {
	from, to string
	kind     EdgeKind
}

// NewBuilder returns an empty Builder.
func NewBuilder() *Builder {
	return &Builder{nodes: map[string]*Node{}, edges: map[edgeKey]*Edge{}}
}

// Node returns the node with the given ID, creating it with the given kind
// and name when absent. The returned pointer may be modified until Build.
func (b *Builder) Node(k Kind, name string) *Node {
	id := ID(k, name)
	if n, ok := b.nodes[id]; ok {
		return n
	}
	n := &Node{ID: id, Kind: k, Name: name}
	b.nodes[id] = n
	return n
}

// Lookup returns the node with the given ID, if any.
func (b *Builder) Lookup(id string) (*Node, bool) {
	n, ok := b.nodes[id]
	return n, ok
}

// AddEdge adds an edge from -> to of kind k with evidence ev. Both nodes
// must exist. Adding the same (from, to, kind) again merges the evidence.
func (b *Builder) AddEdge(from, to string, k EdgeKind, ev ...Evidence) {
	if _, ok := b.nodes[from]; !ok {
		panic("graph: AddEdge from unknown node " + from)
	}
	if _, ok := b.nodes[to]; !ok {
		panic("graph: AddEdge to unknown node " + to)
	}
	key := edgeKey{from, to, k}
	e, ok := b.edges[key]
	if !ok {
		e = &Edge{From: from, To: to, Kind: k}
		b.edges[key] = e
	}
	e.Evidence = append(e.Evidence, ev...)
}

// Build freezes the builder into an immutable, sorted Graph.
func (b *Builder) Build() *Graph {
	g := &Graph{index: make(map[string]int, len(b.nodes))}
	// The edges are copied and sorted while the nodes are: the two
	// share nothing until the adjacency lists join them.
	var wg sync.WaitGroup
	wg.Go(func() {
		g.edges = make([]Edge, 0, len(b.edges))
		for _, e := range b.edges {
			c := *e
			c.Evidence = SortEvidence(slices.Clone(c.Evidence))
			g.edges = append(g.edges, c)
		}
		slices.SortFunc(g.edges, compareEdge)
	})
	g.nodes = make([]Node, 0, len(b.nodes))
	for _, n := range b.nodes {
		c := *n
		c.Defined = SortEvidence(slices.Clone(c.Defined))
		c.Origins = sortedUnique(c.Origins)
		c.Aliases = sortedUnique(c.Aliases)
		c.Ports = slices.Clone(c.Ports)
		slices.SortFunc(c.Ports, func(a, b Port) int {
			if a.Port != b.Port {
				return a.Port - b.Port
			}
			return compareEvidence(a.Evidence, b.Evidence)
		})
		c.Ports = slices.Compact(c.Ports)
		g.nodes = append(g.nodes, c)
	}
	slices.SortFunc(g.nodes, func(a, b Node) int { return strings.Compare(a.ID, b.ID) })
	for i, n := range g.nodes {
		g.index[n.ID] = i
	}
	wg.Wait()
	g.out = make([][]int, len(g.nodes))
	g.in = make([][]int, len(g.nodes))
	g.from = make([]int, len(g.edges))
	g.to = make([]int, len(g.edges))
	n := len(g.nodes)
	g.marks = &sync.Pool{New: func() any { m := make([]int32, n); return &m }}
	for i, e := range g.edges {
		f, t := g.index[e.From], g.index[e.To]
		g.from[i], g.to[i] = f, t
		g.out[f] = append(g.out[f], i)
		g.in[t] = append(g.in[t], i)
	}
	// out lists are sorted by (to, kind) because edges are sorted by
	// (from, to, kind); sort in lists by (from, kind) explicitly.
	for _, l := range g.in {
		slices.SortFunc(l, func(a, b int) int { return compareEdge(g.edges[a], g.edges[b]) })
	}
	return g
}

func sortedUnique(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}

// Graph is an immutable typed directed graph. All listings are sorted; see
// the package invariants.
type Graph struct {
	nodes []Node
	edges []Edge
	index map[string]int
	out   [][]int // node index -> edge indexes, sorted
	in    [][]int
	// from and to are each edge's end nodes, as node indexes.
	from, to []int
	// marks hands walks their per-node marks (see search), reused.
	marks *sync.Pool
}

// Nodes returns every node sorted by ID. The slice must not be modified.
func (g *Graph) Nodes() []Node { return g.nodes }

// Edges returns every edge sorted by (from, to, kind). The slice must not
// be modified.
func (g *Graph) Edges() []Edge { return g.edges }

// Node returns the node with the given ID.
func (g *Graph) Node(id string) (*Node, bool) {
	i, ok := g.index[id]
	if !ok {
		return nil, false
	}
	return &g.nodes[i], true
}

// From returns the edges leaving id, sorted by (to, kind), optionally
// restricted to the given kinds.
func (g *Graph) From(id string, kinds ...EdgeKind) []Edge {
	i, ok := g.index[id]
	if !ok {
		return nil
	}
	return g.pick(g.out[i], kinds)
}

// To returns the edges entering id, sorted by (from, kind), optionally
// restricted to the given kinds.
func (g *Graph) To(id string, kinds ...EdgeKind) []Edge {
	i, ok := g.index[id]
	if !ok {
		return nil
	}
	return g.pick(g.in[i], kinds)
}

func (g *Graph) pick(idx []int, kinds []EdgeKind) []Edge {
	var r []Edge
	for _, ei := range idx {
		e := g.edges[ei]
		if len(kinds) == 0 || slices.Contains(kinds, e.Kind) {
			r = append(r, e)
		}
	}
	return r
}

// EdgesOf returns the edges of the given kinds, sorted by (from, to,
// kind).
func (g *Graph) EdgesOf(kinds ...EdgeKind) []Edge {
	var r []Edge
	for _, e := range g.edges {
		if slices.Contains(kinds, e.Kind) {
			r = append(r, e)
		}
	}
	return r
}

// NodesOf returns the nodes of kind k, sorted by ID.
func (g *Graph) NodesOf(k Kind) []*Node {
	var r []*Node
	for i := range g.nodes {
		if g.nodes[i].Kind == k {
			r = append(r, &g.nodes[i])
		}
	}
	return r
}
