package queries

import (
	"fmt"
	"slices"

	"github.com/driftmap/driftmap/graph"
)

// groupPrefix starts the ID of a map node that stands for the nodes of one
// kind that no map node holds.
const groupPrefix = "group:"

// outsideGroup is the cluster of the service map's nodes that are not
// services.
const outsideGroup = "outside"

type edgeKey struct {
	from, to string
	kind     graph.EdgeKind
}

func keyOf(e graph.Edge) edgeKey { return edgeKey{e.From, e.To, e.Kind} }

// folder computes the chains of a map's anchors: the graph nodes that are
// map nodes, each with the nodes folded into it.
type folder struct {
	g *graph.Graph
	// collapsed reports whether nodes of a kind are folded into the
	// chains that reach them rather than drawn as map nodes.
	collapsed func(graph.Kind) bool
	// claimers maps a job to the services with a runs-as edge to it: only
	// their chains may hold it.
	claimers map[string][]string
	// belongs maps a service to the manifests that describe it, and a job
	// to the generated artifacts that are its plist: a chain that holds
	// the one holds the other.
	belongs map[string][]string
	anchor  map[string]bool     // map node IDs
	owners  map[string][]string // graph node ID -> the map nodes whose chains hold it, in the order they were folded
	chains  map[string][]string // map node ID -> its chain (itself first for a graph node)
	order   []string            // map node IDs in the order they were folded
	edges   map[[2]string]*MapEdge
}

func newFolder(g *graph.Graph, collapsed func(graph.Kind) bool) *folder {
	f := &folder{
		g: g, collapsed: collapsed,
		claimers: map[string][]string{}, belongs: map[string][]string{},
		anchor: map[string]bool{}, owners: map[string][]string{}, chains: map[string][]string{},
		edges: map[[2]string]*MapEdge{},
	}
	for _, e := range g.EdgesOf(graph.RunsAs) {
		f.claimers[e.To] = append(f.claimers[e.To], e.From)
	}
	for _, e := range g.EdgesOf(graph.Describes) {
		f.belongs[e.To] = append(f.belongs[e.To], e.From)
	}
	plists := map[string][]string{} // plist path -> jobs it defines
	for _, j := range g.NodesOf(graph.Job) {
		for _, d := range j.Defined {
			if !slices.Contains(plists[d.File], j.ID) {
				plists[d.File] = append(plists[d.File], j.ID)
			}
		}
	}
	for _, a := range g.NodesOf(graph.Artifact) {
		for _, j := range plists[a.Name] {
			f.belongs[j] = append(f.belongs[j], a.ID)
		}
	}
	return f
}

// absorbable reports whether the chain of map node a may hold node v.
func (f *folder) absorbable(v, a string) bool {
	n, ok := f.g.Node(v)
	if !ok || f.anchor[v] || !f.collapsed(n.Kind) {
		return false
	}
	cl := f.claimers[v]
	return len(cl) == 0 || slices.Contains(cl, a)
}

// add makes each of ids a map node, then folds its chain: ids must be in
// no chain yet.
func (f *folder) add(ids []string) {
	for _, id := range ids {
		f.anchor[id] = true
	}
	for _, id := range ids {
		f.walk(id, []string{id})
	}
}

// addGroup makes a map node standing for the nodes of kind k in starts,
// and folds its chain.
func (f *folder) addGroup(k graph.Kind, starts []string) {
	id := groupPrefix + string(k)
	f.anchor[id] = true
	f.walk(id, starts)
}

// walk folds the chain of map node a: the nodes reachable from starts
// along dependency edges (and belongs links) that a may hold. An edge that
// leaves the chain for another map node, or for a job another service
// claims, becomes a map edge.
func (f *folder) walk(a string, starts []string) {
	in := map[string]bool{}
	queue := slices.Clone(starts)
	for _, s := range starts {
		in[s] = true
	}
	for i := 0; i < len(queue); i++ {
		u := queue[i]
		for _, e := range f.g.From(u) {
			v := e.To
			switch {
			case in[v]:
			case f.absorbable(v, a):
				in[v] = true
				queue = append(queue, v)
			case f.anchor[v]:
				f.addEdge(a, v, e)
			default: // a job another service claims
				for _, s := range f.claimers[v] {
					if f.anchor[s] {
						f.addEdge(a, s, e)
					}
				}
			}
		}
		for _, b := range f.belongs[u] {
			if !in[b] && f.absorbable(b, a) {
				in[b] = true
				queue = append(queue, b)
			}
		}
	}
	f.chains[a] = queue
	f.order = append(f.order, a)
	for _, id := range queue {
		f.owners[id] = append(f.owners[id], a)
	}
}

func (f *folder) addEdge(from, to string, e graph.Edge) {
	if from == to {
		return
	}
	k := [2]string{from, to}
	me, ok := f.edges[k]
	if !ok {
		me = &MapEdge{From: from, To: to}
		f.edges[k] = me
	}
	if !slices.Contains(me.Kinds, e.Kind) {
		me.Kinds = append(me.Kinds, e.Kind)
	}
	if ek := keyOf(e); !slices.Contains(me.under, ek) {
		me.under = append(me.under, ek)
		me.Count++
	}
}

// unreached returns the nodes of the graph that no chain holds, sorted by
// ID.
func (f *folder) unreached() []*graph.Node {
	var out []*graph.Node
	for i := range f.g.Nodes() {
		n := &f.g.Nodes()[i]
		if len(f.owners[n.ID]) == 0 {
			out = append(out, n)
		}
	}
	return out
}

// serviceOwners returns, for each node of g, the services whose chains
// hold it on the service map.
func serviceOwners(g *graph.Graph) map[string][]string {
	f := newFolder(g, func(k graph.Kind) bool { return k != graph.Service })
	var ids []string
	for _, s := range g.NodesOf(graph.Service) {
		ids = append(ids, s.ID)
	}
	f.add(ids)
	return f.owners
}

// fold makes the service map of g (detail false) or its detail map with
// the nodes of the kinds in collapse folded (detail true); see Map.
func fold(g *graph.Graph, findings []Finding, detail bool, collapse []graph.Kind) *Map {
	userCollapsed := func(k graph.Kind) bool { return slices.Contains(collapse, k) }
	collapsed := userCollapsed
	if !detail {
		collapsed = func(k graph.Kind) bool { return k != graph.Service }
	}
	about := map[string]bool{}
	for _, fd := range findings {
		about[fd.Subject] = true
	}
	f := newFolder(g, collapsed)
	// 1. Every node of a kind that is not folded.
	var ids []string
	for _, n := range g.Nodes() {
		if !collapsed(n.Kind) {
			ids = append(ids, n.ID)
		}
	}
	f.add(ids)
	// 2. Live jobs that no chain holds, 3. then nodes a finding is about.
	for _, pick := range []func(*graph.Node) bool{
		func(n *graph.Node) bool { return graph.IsRunner(n.Kind) && n.State == graph.Live },
		func(n *graph.Node) bool { return about[n.ID] },
	} {
		ids = ids[:0]
		for _, n := range f.unreached() {
			if pick(n) && !userCollapsed(n.Kind) {
				ids = append(ids, n.ID)
			}
		}
		f.add(ids)
	}
	// 4. The rest: one group per kind, or left out of the service map.
	left := map[graph.Kind]int{}
	leftOut := map[string]bool{}
	for _, k := range graph.Kinds {
		var starts []string
		for _, n := range f.unreached() {
			if n.Kind != k {
				continue
			}
			if detail || userCollapsed(k) {
				starts = append(starts, n.ID)
			} else {
				left[k]++
				leftOut[n.ID] = true
			}
		}
		if len(starts) > 0 {
			f.addGroup(k, starts)
		}
	}
	leftEdges := 0
	for _, e := range g.Edges() {
		if leftOut[e.From] || leftOut[e.To] {
			leftEdges++
		}
	}
	m := f.mapOf(g, findings, detail)
	m.Notes = append(m.Notes, f.notes(detail, collapse, left, leftEdges)...)
	onMap := 0
	for _, fd := range findings {
		if len(f.owners[fd.Subject]) > 0 {
			onMap++
		}
	}
	if n := len(findings) - onMap; n > 0 {
		are := fmt.Sprintf("%d findings are", n)
		if n == 1 {
			are = "1 finding is"
		}
		m.Notes = append(m.Notes, are+" about no node on this map; driftmap check lists every finding")
	}
	return m
}
