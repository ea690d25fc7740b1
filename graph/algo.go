package graph

import (
	"cmp"
	"slices"

	gonum "gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/iterator"
	"gonum.org/v1/gonum/graph/topo"
)

// view adapts a Graph to gonum's graph.Directed, restricted to some edge
// kinds and optionally reversed. gonum node IDs are indexes into the
// sorted node slice, and every iterator it returns is ordered, so gonum's
// algorithms visit nodes in the same order on every run.
type view struct {
	g        *Graph
	kinds    []EdgeKind
	reversed bool
}

type gnode int64

func (n gnode) ID() int64 { return int64(n) }

type gedge struct{ f, t gnode }

func (e gedge) From() gonum.Node         { return e.f }
func (e gedge) To() gonum.Node           { return e.t }
func (e gedge) ReversedEdge() gonum.Edge { return gedge{e.t, e.f} }

func (v view) ok(e Edge) bool { return len(v.kinds) == 0 || slices.Contains(v.kinds, e.Kind) }

func (v view) Node(id int64) gonum.Node {
	if id < 0 || id >= int64(len(v.g.nodes)) {
		return nil
	}
	return gnode(id)
}

func (v view) Nodes() gonum.Nodes {
	ns := make([]gonum.Node, len(v.g.nodes))
	for i := range ns {
		ns[i] = gnode(i)
	}
	return iterator.NewOrderedNodes(ns)
}

// neighbours returns the distinct neighbour indexes of node i in ascending
// order (which is ID order, since indexes follow sorted IDs).
func (v view) neighbours(i int64, forward bool) []int {
	lists := v.g.out
	if !forward {
		lists = v.g.in
	}
	var r []int
	for _, ei := range lists[i] {
		e := v.g.edges[ei]
		if !v.ok(e) {
			continue
		}
		other := e.To
		if !forward {
			other = e.From
		}
		r = append(r, v.g.index[other])
	}
	slices.Sort(r)
	return slices.Compact(r)
}

func (v view) adj(i int64, forward bool) gonum.Nodes {
	if i < 0 || i >= int64(len(v.g.nodes)) {
		return gonum.Empty
	}
	if v.reversed {
		forward = !forward
	}
	nb := v.neighbours(i, forward)
	if len(nb) == 0 {
		return gonum.Empty
	}
	ns := make([]gonum.Node, len(nb))
	for k, j := range nb {
		ns[k] = gnode(j)
	}
	return iterator.NewOrderedNodes(ns)
}

func (v view) From(id int64) gonum.Nodes { return v.adj(id, true) }
func (v view) To(id int64) gonum.Nodes   { return v.adj(id, false) }

func (v view) HasEdgeFromTo(uid, vid int64) bool {
	if uid < 0 || uid >= int64(len(v.g.nodes)) {
		return false
	}
	f := true
	if v.reversed {
		f = false
	}
	return slices.Contains(v.neighbours(uid, f), int(vid))
}

func (v view) HasEdgeBetween(x, y int64) bool { return v.HasEdgeFromTo(x, y) || v.HasEdgeFromTo(y, x) }

func (v view) Edge(uid, vid int64) gonum.Edge {
	if !v.HasEdgeFromTo(uid, vid) {
		return nil
	}
	return gedge{gnode(uid), gnode(vid)}
}

// Components returns the strongly connected components over the given edge
// kinds that contain a cycle: components of two or more nodes, and single
// nodes with an edge to themselves. Each component is sorted by ID and the
// list is sorted by first ID.
func (g *Graph) Components(kinds ...EdgeKind) [][]string {
	v := view{g: g, kinds: kinds}
	var out [][]string
	for _, scc := range topo.TarjanSCC(v) {
		if len(scc) == 1 && !v.HasEdgeFromTo(scc[0].ID(), scc[0].ID()) {
			continue
		}
		ids := make([]string, len(scc))
		for i, n := range scc {
			ids[i] = g.nodes[n.ID()].ID
		}
		slices.Sort(ids)
		out = append(out, ids)
	}
	slices.SortFunc(out, func(a, b []string) int { return slices.Compare(a, b) })
	return out
}

// Cycle returns one shortest cycle through start using only edges between
// members of the given component and only the given kinds, as the ordered
// list of edges start -> ... -> start. It returns nil when there is none.
func (g *Graph) Cycle(start string, component []string, kinds ...EdgeKind) []Edge {
	si, ok := g.index[start]
	if !ok {
		return nil
	}
	member := make(map[string]bool, len(component))
	for _, id := range component {
		member[id] = true
	}
	for _, e := range g.From(start, kinds...) {
		if e.To == start {
			return []Edge{e}
		}
	}
	// The shortest cycle through start is the shortest path from start to
	// some predecessor p of start (inside the component), plus p -> start:
	// one search from start gives the distance to every p. Ties go to the
	// first predecessor in edge order.
	s := g.walk(si, false, kinds, func(e Edge) bool { return member[e.From] && member[e.To] }, -1)
	defer s.done(g)
	best, bestLen := -1, 0
	for _, ei := range g.in[si] {
		back := g.edges[ei]
		if !member[back.From] || !kindOK(back, kinds) {
			continue
		}
		at, ok := s.pos(g.from[ei])
		if !ok || at < 0 {
			continue
		}
		if n := s.order[at].dist + 1; best < 0 || n < bestLen {
			best, bestLen = ei, n
		}
	}
	if best < 0 {
		return nil
	}
	p := s.path(g, g.index[g.edges[best].From])
	return append(p, g.edges[best])
}

// ShortestPath returns one shortest dependency path from -> to as ordered
// edges, following edges of the given kinds (all when none). Among paths of
// equal length it returns the one whose node IDs are lexically smallest at
// each step. It returns nil when to is unreachable, and an empty non-nil
// slice when from == to.
func (g *Graph) ShortestPath(from, to string, kinds ...EdgeKind) []Edge {
	fi, ok := g.index[from]
	if !ok {
		return nil
	}
	ti, ok := g.index[to]
	if !ok {
		return nil
	}
	if from == to {
		return []Edge{}
	}
	s := g.walk(fi, false, kinds, nil, ti)
	defer s.done(g)
	if _, ok := s.pos(ti); !ok {
		return nil
	}
	return s.path(g, ti)
}

// Reach is a node that depends, directly or transitively, on a target.
type Reach struct {
	ID       string
	Distance int
	// Via is the first edge of one shortest path from ID to the target: it
	// leaves ID and enters a node one step nearer (the target itself at
	// distance 1), whose own Reach holds the next edge. Paths are kept as
	// these parent pointers, never copied per node, so an answer is
	// linear in the nodes it lists however deep they are.
	Via Edge
}

// Dependents returns every node with a path to target over the given edge
// kinds (all when none), nearest first, then by ID. Each Reach carries the
// first edge of one shortest path, chosen deterministically (ties go to
// the smallest node ID at each step). It visits each dependent and each
// of its edges once.
func (g *Graph) Dependents(target string, kinds ...EdgeKind) []Reach {
	ti, ok := g.index[target]
	if !ok {
		return nil
	}
	s := g.walk(ti, true, kinds, nil, -1)
	defer s.done(g)
	// The search meets nodes in order of distance; sort each distance by
	// node index, which is ID order.
	// (dist, node) is unique, so an unstable sort gives the same order.
	slices.SortFunc(s.order, func(a, b step) int {
		return cmp.Or(cmp.Compare(a.dist, b.dist), cmp.Compare(a.node, b.node))
	})
	out := make([]Reach, len(s.order))
	for i, st := range s.order {
		out[i] = Reach{ID: g.nodes[st.node].ID, Distance: st.dist, Via: g.edges[st.edge]}
	}
	return out
}

// search is the result of one breadth-first walk: each node reached (the
// start excluded), in the order it was reached, with the edge that
// reached it first.
type search struct {
	// marks holds, for each node index, 0 when the walk has not reached
	// it, else its position in order plus 2 (the start: 1). It comes
	// from the graph's pool; done clears the marks it set and returns it.
	marks *[]int32
	start int
	order []step
}

// pos returns the position in order of node index n (-1 for the start),
// and whether the walk reached it.
func (s *search) pos(n int) (int, bool) {
	m := (*s.marks)[n]
	return int(m) - 2, m != 0
}

// done returns the walk's marks to the graph, cleared; s must not be
// used after.
func (s *search) done(g *Graph) {
	m := *s.marks
	m[s.start] = 0
	for _, st := range s.order {
		m[st.node] = 0
	}
	g.marks.Put(s.marks)
	s.marks = nil
}

type step struct {
	node int // node index
	edge int // index into g.edges of the edge that first reached node
	dist int // edges from the start
}

// walk searches breadth-first from node index start, following edges of
// the given kinds (all when none) that allow accepts (all when nil),
// forward, or backward when reversed. It stops once node index stop is
// reached (never when stop < 0).
//
// Adjacency lists are sorted by the far node's ID, then by kind, so
// neighbours are met in ID order and a node keeps the first edge of the
// first kind that reaches it: the same choice, on every run, as the
// gonum-based search this replaces. Each node reached is expanded once
// and each of its edges read once, so a walk costs the nodes and edges it
// touches, never more: a file that 50,000 jobs share is 50,000 steps, not
// 50,000 squared.
func (g *Graph) walk(start int, reversed bool, kinds []EdgeKind, allow func(Edge) bool, stop int) *search {
	s := &search{marks: g.marks.Get().(*[]int32), start: start}
	marks := *s.marks
	marks[start] = 1
	adj := g.out
	if reversed {
		adj = g.in
	}
	for head, cur, dist := -1, start, 0; ; {
		for _, ei := range adj[cur] {
			e := g.edges[ei]
			if !kindOK(e, kinds) || allow != nil && !allow(e) {
				continue
			}
			next := g.to[ei]
			if reversed {
				next = g.from[ei]
			}
			if marks[next] != 0 {
				continue
			}
			marks[next] = int32(len(s.order) + 2)
			s.order = append(s.order, step{node: next, edge: ei, dist: dist + 1})
			if next == stop {
				return s
			}
		}
		if head++; head >= len(s.order) {
			return s
		}
		cur, dist = s.order[head].node, s.order[head].dist
	}
}

// path returns the edges from a forward walk's start to node index n,
// which the walk reached, in order.
func (s *search) path(g *Graph, n int) []Edge {
	var rev []Edge
	for at, _ := s.pos(n); at >= 0; {
		ei := s.order[at].edge
		rev = append(rev, g.edges[ei])
		at, _ = s.pos(g.from[ei])
	}
	slices.Reverse(rev)
	return rev
}

func kindOK(e Edge, kinds []EdgeKind) bool { return len(kinds) == 0 || slices.Contains(kinds, e.Kind) }

// Neighbourhood returns the IDs of nodes within depth edges of focus,
// following edges in both directions, sorted. A negative depth means no
// limit.
func (g *Graph) Neighbourhood(focus string, depth int) []string {
	fi, ok := g.index[focus]
	if !ok {
		return nil
	}
	seen := map[int]int{fi: 0}
	queue := []int{fi}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		if depth >= 0 && seen[cur] >= depth {
			continue
		}
		var nb []int
		for _, ei := range g.out[cur] {
			nb = append(nb, g.index[g.edges[ei].To])
		}
		for _, ei := range g.in[cur] {
			nb = append(nb, g.index[g.edges[ei].From])
		}
		slices.Sort(nb)
		for _, n := range nb {
			if _, ok := seen[n]; !ok {
				seen[n] = seen[cur] + 1
				queue = append(queue, n)
			}
		}
	}
	ids := make([]string, 0, len(seen))
	for i := range g.nodes {
		if _, ok := seen[i]; ok {
			ids = append(ids, g.nodes[i].ID)
		}
	}
	return ids
}

// Subgraph returns the graph induced by the given node IDs.
func (g *Graph) Subgraph(ids []string) *Graph {
	keep := map[string]bool{}
	for _, id := range ids {
		keep[id] = true
	}
	b := NewBuilder()
	for _, n := range g.nodes {
		if keep[n.ID] {
			c := n
			b.nodes[n.ID] = &c
		}
	}
	for _, e := range g.edges {
		if keep[e.From] && keep[e.To] {
			b.AddEdge(e.From, e.To, e.Kind, e.Evidence...)
		}
	}
	return b.Build()
}
