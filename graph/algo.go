package graph

import (
	"cmp"
	"slices"
	"strings"

	gonum "gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/iterator"
	"gonum.org/v1/gonum/graph/topo"
	"gonum.org/v1/gonum/graph/traverse"
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
	member := map[string]bool{}
	for _, id := range component {
		member[id] = true
	}
	for _, e := range g.From(start, kinds...) {
		if e.To == start {
			return []Edge{e}
		}
	}
	best := []Edge(nil)
	// The shortest cycle through start is the shortest path from start to
	// some predecessor p of start (inside the component), plus p -> start.
	for _, back := range g.To(start, kinds...) {
		if !member[back.From] {
			continue
		}
		p := g.path(start, back.From, false, func(e Edge) bool { return member[e.From] && member[e.To] }, kinds)
		if p == nil {
			continue
		}
		p = append(p, back)
		if best == nil || len(p) < len(best) {
			best = p
		}
	}
	return best
}

// ShortestPath returns one shortest dependency path from -> to as ordered
// edges, following edges of the given kinds (all when none). Among paths of
// equal length it returns the one whose node IDs are lexically smallest at
// each step. It returns nil when to is unreachable, and an empty non-nil
// slice when from == to.
func (g *Graph) ShortestPath(from, to string, kinds ...EdgeKind) []Edge {
	if _, ok := g.index[from]; !ok {
		return nil
	}
	if _, ok := g.index[to]; !ok {
		return nil
	}
	if from == to {
		return []Edge{}
	}
	return g.path(from, to, false, nil, kinds)
}

// path runs a breadth-first search with gonum's traverse package over the
// ordered view, so ties are broken by node ID.
func (g *Graph) path(from, to string, reversed bool, allow func(Edge) bool, kinds []EdgeKind) []Edge {
	v := view{g: g, kinds: kinds, reversed: reversed}
	parent := map[int64]int64{}
	bf := traverse.BreadthFirst{
		Traverse: func(e gonum.Edge) bool {
			f, t := e.From().ID(), e.To().ID()
			if allow != nil && !allow(g.edgeBetween(f, t, reversed, kinds)) {
				return false
			}
			if _, seen := parent[t]; !seen {
				parent[t] = f
			}
			return true
		},
	}
	target := int64(g.index[to])
	found := bf.Walk(v, gnode(g.index[from]), func(n gonum.Node, _ int) bool { return n.ID() == target })
	if found == nil {
		return nil
	}
	var rev []Edge
	for cur := target; cur != int64(g.index[from]); cur = parent[cur] {
		rev = append(rev, g.edgeBetween(parent[cur], cur, reversed, kinds))
	}
	slices.Reverse(rev)
	return rev
}

// edgeBetween returns the first edge (in sorted order) of the given kinds
// between view nodes f -> t; in a reversed view the stored edge is t -> f.
func (g *Graph) edgeBetween(f, t int64, reversed bool, kinds []EdgeKind) Edge {
	if reversed {
		f, t = t, f
	}
	to := g.nodes[t].ID
	for _, ei := range g.out[f] {
		e := g.edges[ei]
		if e.To == to && (len(kinds) == 0 || slices.Contains(kinds, e.Kind)) {
			return e
		}
	}
	return Edge{}
}

// Reach is a node that depends, directly or transitively, on a target.
type Reach struct {
	ID       string
	Distance int
	// Path is the dependency chain from this node to the target, as
	// ordered edges (the first edge leaves ID, the last enters the target).
	Path []Edge
}

// Dependents returns every node with a path to target over the given edge
// kinds (all when none), nearest first, then by ID. Each Reach carries one
// shortest path, chosen deterministically.
func (g *Graph) Dependents(target string, kinds ...EdgeKind) []Reach {
	ti, ok := g.index[target]
	if !ok {
		return nil
	}
	v := view{g: g, kinds: kinds, reversed: true}
	// next[n] is the node one step closer to target on n's chosen path.
	next := map[int64]int64{}
	dist := map[int64]int{}
	var order []int64
	bf := traverse.BreadthFirst{
		Traverse: func(e gonum.Edge) bool {
			f, t := e.From().ID(), e.To().ID()
			if _, seen := next[t]; !seen && t != int64(ti) {
				next[t] = f
			}
			return true
		},
	}
	bf.Walk(v, gnode(ti), func(n gonum.Node, d int) bool {
		if n.ID() != int64(ti) {
			dist[n.ID()] = d
			order = append(order, n.ID())
		}
		return false
	})
	out := make([]Reach, 0, len(order))
	for _, n := range order {
		var p []Edge
		for cur := n; cur != int64(ti); cur = next[cur] {
			p = append(p, g.edgeBetween(cur, next[cur], false, kinds))
		}
		out = append(out, Reach{ID: g.nodes[n].ID, Distance: dist[n], Path: p})
	}
	slices.SortStableFunc(out, func(a, b Reach) int {
		return cmp.Or(cmp.Compare(a.Distance, b.Distance), strings.Compare(a.ID, b.ID))
	})
	return out
}

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
