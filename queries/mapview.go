package queries

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/driftmap/driftmap/graph"
)

// mapOf turns the folded chains into a Map.
func (f *folder) mapOf(g *graph.Graph, findings []Finding, detail bool) *Map {
	bySubject := map[string][]Finding{}
	for _, fd := range findings {
		bySubject[fd.Subject] = append(bySubject[fd.Subject], fd)
	}
	var svc clusters
	if detail {
		svc = f.serviceClusters(g)
	}
	m := &Map{Detail: detail}
	groups := map[string]bool{}
	for _, id := range f.order {
		chain := f.chains[id]
		mn := MapNode{ID: id}
		if n, ok := g.Node(id); ok {
			mn.Kind, mn.Name, mn.State, mn.Loaded = n.Kind, n.Name, n.State, n.Loaded
			if len(chain) > 1 {
				mn.Members = slices.Clone(chain[1:])
			}
		} else { // a group
			mn.Kind = graph.Kind(strings.TrimPrefix(id, groupPrefix))
			k := 0
			for _, c := range chain {
				if n, ok := g.Node(c); ok && n.Kind == mn.Kind {
					k++
				}
			}
			mn.Name = pluralKind(k, mn.Kind)
			mn.Members = slices.Clone(chain)
		}
		slices.Sort(mn.Members)
		for _, c := range chain {
			mn.Findings = append(mn.Findings, bySubject[c]...)
		}
		slices.SortFunc(mn.Findings, Compare)
		mn.Group = svc.groupOf(mn, detail)
		groups[mn.Group] = true
		m.Nodes = append(m.Nodes, mn)
	}
	slices.SortFunc(m.Nodes, func(a, b MapNode) int { return strings.Compare(a.ID, b.ID) })
	for _, e := range f.edges {
		slices.Sort(e.Kinds)
		slices.SortFunc(e.under, func(a, b edgeKey) int {
			return cmp.Or(strings.Compare(a.from, b.from), strings.Compare(a.to, b.to), strings.Compare(string(a.kind), string(b.kind)))
		})
		m.Edges = append(m.Edges, *e)
	}
	slices.SortFunc(m.Edges, func(a, b MapEdge) int { return cmp.Or(strings.Compare(a.From, b.From), strings.Compare(a.To, b.To)) })
	m.Groups = groupList(g, groups)
	return m
}

// clusters is what the detail map needs to put a node in its service's
// cluster: the service (or "") whose chain alone holds each map node, and
// how many map nodes each service's cluster would hold.
type clusters struct {
	owner map[string]string
	size  map[string]int
}

func (f *folder) serviceClusters(g *graph.Graph) clusters {
	owners := serviceOwners(g)
	c := clusters{owner: map[string]string{}, size: map[string]int{}}
	for _, id := range f.order {
		n, ok := g.Node(id)
		if !ok {
			continue
		}
		o := ""
		if n.Kind == graph.Service {
			o = id
		} else if s := owners[id]; len(s) == 1 && f.anchor[s[0]] {
			o = s[0]
		}
		if o != "" {
			c.owner[id] = o
			c.size[o]++
		}
	}
	return c
}

// groupOf is the cluster a map node is drawn in. On the service map,
// services are drawn outside any cluster and the other nodes in one. On
// the detail map, a node is drawn in the cluster of the one service whose
// chain holds it (a service with nothing else in its cluster is drawn with
// the other services), else in the cluster of its kind.
func (c clusters) groupOf(n MapNode, detail bool) string {
	switch {
	case !detail && n.Kind == graph.Service:
		return ""
	case !detail:
		return outsideGroup
	}
	if o := c.owner[n.ID]; o != "" && c.size[o] > 1 {
		return o
	}
	return "kind:" + string(n.Kind)
}

// groupList orders the clusters in use: kinds in graph.Kinds order, then
// services by ID, then the service map's outside cluster. The kinds come
// first because Graphviz 12's dot (as go-graphviz embeds it) fails to rank
// some graphs ("trouble in init_rank") whose shared nodes sit in clusters
// declared after the service clusters that point at them.
func groupList(g *graph.Graph, used map[string]bool) []MapGroup {
	var out []MapGroup
	for _, k := range graph.Kinds {
		if id := "kind:" + string(k); used[id] {
			label := string(k) + "s"
			if k == graph.Directory {
				label = "directories"
			}
			out = append(out, MapGroup{ID: id, Label: label})
		}
	}
	for _, s := range g.NodesOf(graph.Service) {
		if used[s.ID] {
			out = append(out, MapGroup{ID: s.ID, Label: s.Name})
		}
	}
	if used[outsideGroup] {
		out = append(out, MapGroup{ID: outsideGroup, Label: "claimed by no service"})
	}
	return out
}

// notes say what folding did.
func (f *folder) notes(detail bool, collapse []graph.Kind, left map[graph.Kind]int, leftEdges int) []string {
	folded := map[graph.Kind]int{}
	for _, n := range f.g.Nodes() {
		if !f.anchor[n.ID] && len(f.owners[n.ID]) > 0 {
			folded[n.Kind]++
		}
	}
	var notes []string
	total := sumCounts(folded)
	switch {
	case !detail && total > 0:
		notes = append(notes, fmt.Sprintf("service map: %s folded into the map nodes whose chains hold them (%s); --detail draws every node",
			plural(total, "node"), kindCounts(folded)))
	case detail && total > 0:
		notes = append(notes, fmt.Sprintf("--collapse %s: %s folded into the nodes whose chains hold them (%s)",
			joinKinds(collapse), plural(total, "node"), kindCounts(folded)))
	}
	if n := sumCounts(left); n > 0 {
		edges := ""
		if leftEdges > 0 {
			edges = " and their " + plural(leftEdges, "edge")
		}
		notes = append(notes, fmt.Sprintf("left out %s that no service reaches and no finding is about (%s)%s; --detail draws them",
			plural(n, "node"), kindCounts(left), edges))
	}
	return notes
}

func sumCounts(c map[graph.Kind]int) int {
	n := 0
	for _, k := range graph.Kinds {
		n += c[k]
	}
	return n
}
