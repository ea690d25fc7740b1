package graph

// The gonum-based search that Dependents, ShortestPath and Cycle used
// before they became one linear breadth-first search (walk), kept as the
// reference the new code must agree with on every graph (see
// TestSearchMatchesReference). It is quadratic on a node with many
// edges, so it is only run on small graphs.

import (
	"cmp"
	"slices"
	"strings"

	gonum "gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/traverse"
)

// Cycle returns one shortest cycle through start using only edges between
// members of the given component and only the given kinds, as the ordered
// list of edges start -> ... -> start. It returns nil when there is none.
func (g *Graph) refCycle(start string, component []string, kinds ...EdgeKind) []Edge {
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
		p := g.refPath(start, back.From, false, func(e Edge) bool { return member[e.From] && member[e.To] }, kinds)
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
func (g *Graph) refShortestPath(from, to string, kinds ...EdgeKind) []Edge {
	if _, ok := g.index[from]; !ok {
		return nil
	}
	if _, ok := g.index[to]; !ok {
		return nil
	}
	if from == to {
		return []Edge{}
	}
	return g.refPath(from, to, false, nil, kinds)
}

// path runs a breadth-first search with gonum's traverse package over the
// ordered view, so ties are broken by node ID.
func (g *Graph) refPath(from, to string, reversed bool, allow func(Edge) bool, kinds []EdgeKind) []Edge {
	v := view{g: g, kinds: kinds, reversed: reversed}
	parent := map[int64]int64{}
	bf := traverse.BreadthFirst{
		Traverse: func(e gonum.Edge) bool {
			f, t := e.From().ID(), e.To().ID()
			if allow != nil && !allow(g.refEdgeBetween(f, t, reversed, kinds)) {
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
		rev = append(rev, g.refEdgeBetween(parent[cur], cur, reversed, kinds))
	}
	slices.Reverse(rev)
	return rev
}

// edgeBetween returns the first edge (in sorted order) of the given kinds
// between view nodes f -> t; in a reversed view the stored edge is t -> f.
func (g *Graph) refEdgeBetween(f, t int64, reversed bool, kinds []EdgeKind) Edge {
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
type refReach struct {
	ID       string
	Distance int
	// Path is the dependency chain from this node to the target, as
	// ordered edges (the first edge leaves ID, the last enters the target).
	Path []Edge
}

// Dependents returns every node with a path to target over the given edge
// kinds (all when none), nearest first, then by ID. Each Reach carries one
// shortest path, chosen deterministically.
func (g *Graph) refDependents(target string, kinds ...EdgeKind) []refReach {
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
	out := make([]refReach, 0, len(order))
	for _, n := range order {
		var p []Edge
		for cur := n; cur != int64(ti); cur = next[cur] {
			p = append(p, g.refEdgeBetween(cur, next[cur], false, kinds))
		}
		out = append(out, refReach{ID: g.nodes[n].ID, Distance: dist[n], Path: p})
	}
	slices.SortStableFunc(out, func(a, b refReach) int {
		return cmp.Or(cmp.Compare(a.Distance, b.Distance), strings.Compare(a.ID, b.ID))
	})
	return out
}
