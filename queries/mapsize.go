package queries

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/driftmap/driftmap/graph"
)

// autoCollapse is the order in which fit folds kinds when a map is over
// its limit: the leaves of the chains first, the jobs last.
var autoCollapse = []graph.Kind{graph.Directory, graph.File, graph.Artifact, graph.Manifest, graph.Wrapper, graph.Job}

// Fits reports whether m is within l.
func (m *Map) Fits(l MapLimit) bool {
	return (l.Nodes <= 0 || len(m.Nodes) <= l.Nodes) && (l.Edges <= 0 || len(m.Edges) <= l.Edges)
}

// fit keeps m within opts.Limit, never silently. First it folds more
// kinds, in autoCollapse order, as --collapse would, until the map fits;
// when even the most folded map does not, it keeps the map nodes the
// highlight marks, then those with the worst findings, then by ID, up to
// the limit, and the edges between them (marked ones first, then by
// from and to). Each step is an Alert that says what was folded or cut
// and how to see it.
func fit(view *graph.Graph, findings []Finding, opts MapOptions, hl *highlight, m *Map) *Map {
	lim := opts.Limit
	if m.Fits(lim) {
		return m
	}
	nodes, edges := len(m.Nodes), len(m.Edges)
	collapse := slices.Clone(opts.Collapse)
	var added []graph.Kind
	for _, k := range autoCollapse {
		if slices.Contains(collapse, k) {
			continue
		}
		collapse = append(collapse, k)
		added = append(added, k)
		if m = fold(view, findings, opts.Detail, collapse); m.Fits(lim) {
			break
		}
	}
	hl.mark(m)
	too := fmt.Sprintf("the map has %s and %s, more than this format lays out quickly (%s)",
		plural(nodes, "node"), plural(edges, "edge"), limitText(lim))
	if len(m.Nodes) < nodes {
		m.Alerts = append(m.Alerts, fmt.Sprintf("%s: folded %s into the nodes whose chains hold them, as --collapse %s does, leaving %s and %s",
			too, joinKinds(added), joinKinds(added), plural(len(m.Nodes), "node"), plural(len(m.Edges), "edge")))
		too = "the folded map is still too large"
	}
	if !m.Fits(lim) {
		capMap(m, lim, too)
	}
	m.Alerts = append(m.Alerts, "--focus NODE --depth N or --kinds KINDS draws part of the graph in full; --format dot is never capped")
	return m
}

func limitText(l MapLimit) string {
	var parts []string
	if l.Nodes > 0 {
		parts = append(parts, fmt.Sprintf("at most %d nodes", l.Nodes))
	}
	if l.Edges > 0 {
		parts = append(parts, fmt.Sprintf("%d edges", l.Edges))
	}
	return strings.Join(parts, " and ")
}

// capMap cuts m to l: see fit.
func capMap(m *Map, l MapLimit, why string) {
	nodes, edges := len(m.Nodes), len(m.Edges)
	if l.Nodes > 0 && len(m.Nodes) > l.Nodes {
		rank := slices.Clone(m.Nodes)
		slices.SortStableFunc(rank, func(a, b MapNode) int {
			wa, oka := a.Worst()
			wb, okb := b.Worst()
			return cmp.Or(-cmp.Compare(a.Mark, b.Mark), -compareBool(oka, okb), -cmp.Compare(wa, wb), strings.Compare(a.ID, b.ID))
		})
		keep := map[string]bool{}
		for _, n := range rank[:l.Nodes] {
			keep[n.ID] = true
		}
		m.Nodes = slices.DeleteFunc(m.Nodes, func(n MapNode) bool { return !keep[n.ID] })
		m.Edges = slices.DeleteFunc(m.Edges, func(e MapEdge) bool { return !keep[e.From] || !keep[e.To] })
		used := map[string]bool{}
		for _, n := range m.Nodes {
			used[n.Group] = true
		}
		m.Groups = slices.DeleteFunc(m.Groups, func(g MapGroup) bool { return !used[g.ID] })
	}
	byNodes := len(m.Edges)
	if l.Edges > 0 && len(m.Edges) > l.Edges {
		rank := slices.Clone(m.Edges)
		slices.SortStableFunc(rank, func(a, b MapEdge) int { return -cmp.Compare(a.Mark, b.Mark) }) // then (from, to) as m.Edges
		keep := map[[2]string]bool{}
		for _, e := range rank[:l.Edges] {
			keep[[2]string{e.From, e.To}] = true
		}
		m.Edges = slices.DeleteFunc(m.Edges, func(e MapEdge) bool { return !keep[[2]string{e.From, e.To}] })
	}
	msg := fmt.Sprintf("%s: showing %d of %s (highlighted first, then the worst findings, then by ID) and %d of %s",
		why, len(m.Nodes), plural(nodes, "map node"), len(m.Edges), plural(edges, "map edge"))
	if cut := edges - byNodes; cut > 0 {
		msg += fmt.Sprintf("; %s left out with the nodes they touch", plural(cut, "edge"))
	}
	if cut := byNodes - len(m.Edges); cut > 0 {
		msg += fmt.Sprintf("; %s between shown nodes left out", plural(cut, "edge"))
	}
	m.Alerts = append(m.Alerts, msg)
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// highlight is what --highlight marks, computed on the whole graph.
type highlight struct {
	ids     []string        // the IDs given: one node, or from and to
	targets map[string]bool // marked as targets
	nodes   map[string]bool // marked
	edge    func(edgeKey) bool
	note    string
	alert   string // a highlight that found nothing to mark but its ends
}

// highlightOf computes the highlight of ids on g; nil when ids is empty.
func highlightOf(g *graph.Graph, ids []string) *highlight {
	if len(ids) == 0 {
		return nil
	}
	h := &highlight{ids: ids, targets: map[string]bool{}, nodes: map[string]bool{}}
	for _, id := range ids {
		h.targets[id], h.nodes[id] = true, true
	}
	if len(ids) == 1 {
		im := ImpactOf(g, ids[0])
		for _, a := range im.Affected {
			h.nodes[a.ID] = true
		}
		h.edge = func(k edgeKey) bool { return h.nodes[k.from] && h.nodes[k.to] }
		h.note = fmt.Sprintf("--highlight %s: it and the %s that depend on it", ids[0], plural(len(im.Affected), "node"))
		return h
	}
	y := WhyOf(g, ids[0], ids[1])
	on := map[edgeKey]bool{}
	for _, e := range y.Path {
		on[keyOf(e)] = true
		h.nodes[e.From], h.nodes[e.To] = true, true
	}
	h.edge = func(k edgeKey) bool { return on[k] }
	if y.Path == nil {
		h.note = fmt.Sprintf("--highlight %s,%s: %s does not depend on %s; only the two are marked", ids[0], ids[1], ids[0], ids[1])
		h.alert = h.note
	} else {
		h.note = fmt.Sprintf("--highlight %s,%s: one shortest dependency path, %s", ids[0], ids[1], plural(len(y.Path), "edge"))
	}
	return h
}

// mark sets the marks of m's nodes and edges.
func (h *highlight) mark(m *Map) {
	if h == nil {
		return
	}
	for i := range m.Nodes {
		n := &m.Nodes[i]
		n.Mark = Unmarked
		for _, id := range append([]string{n.ID}, n.Members...) {
			switch {
			case h.targets[id]:
				n.Mark = MarkedTarget
			case h.nodes[id] && n.Mark == Unmarked:
				n.Mark = Marked
			}
		}
	}
	for i := range m.Edges {
		e := &m.Edges[i]
		e.Mark = Unmarked
		if slices.ContainsFunc(e.under, h.edge) {
			e.Mark = Marked
		}
	}
}

// check returns a *NotOnMapError when a highlighted ID is on no node of
// m; view is the graph m was folded from.
func (h *highlight) check(m *Map, view *graph.Graph) error {
	if h == nil {
		return nil
	}
	held := map[string]bool{}
	for _, n := range m.Nodes {
		held[n.ID] = true
		for _, id := range n.Members {
			held[id] = true
		}
	}
	for _, id := range h.ids {
		if held[id] {
			continue
		}
		reason := "--focus or --kinds leaves it out"
		if _, ok := view.Node(id); ok {
			reason = "no service reaches it and no finding is about it, so the service map leaves it out"
		}
		return &NotOnMapError{ID: id, Reason: reason}
	}
	return nil
}
