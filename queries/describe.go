package queries

import (
	"slices"
	"strings"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources"
)

// noun names a node for a message: "job com.sanctum.x", "service
// voice-agent", "/Users/bert/.sanctum/bin/x".
func noun(n *graph.Node) string {
	switch n.Kind {
	case graph.Job:
		return "job " + n.Label
	case graph.Unit:
		if strings.HasPrefix(n.Name, "user/") {
			return "user unit " + n.Label
		}
		return "unit " + n.Label
	case graph.Service:
		return "service " + n.Name
	case graph.Wrapper:
		return "wrapper " + n.Name
	case graph.Manifest:
		return "manifest " + n.Name
	case graph.Directory:
		return "directory " + n.Name
	}
	return n.Name
}

// node returns the node with id; rules only ask for IDs the graph holds.
func node(g *graph.Graph, id string) *graph.Node {
	n, ok := g.Node(id)
	if !ok {
		return &graph.Node{ID: id, Name: id}
	}
	return n
}

// auditedUnit reports whether n, a unit node, is defined by a unit file
// of an audited directory (Origins holding "unit"), not only by a vendor
// directory or by systemd itself.
func auditedUnit(n *graph.Node) bool { return slices.Contains(n.Origins, "unit") }

// link is an edge with both of its nodes.
type link struct {
	edge     graph.Edge
	from, to *graph.Node
}

// fromEnabled returns the edges of kind whose dependent is an enabled
// service, in edge order.
func fromEnabled(g *graph.Graph, kind graph.EdgeKind) []link {
	var out []link
	for _, e := range g.EdgesOf(kind) {
		if from := node(g, e.From); from.State == graph.Enabled {
			out = append(out, link{e, from, node(g, e.To)})
		}
	}
	return out
}

// firstKey returns the key of the first evidence, or "".
func firstKey(ev []graph.Evidence) string {
	if len(ev) == 0 {
		return ""
	}
	return ev[0].Key
}

// list joins names as "a, b and c".
func list(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// norm is the identity rule sources joins service names by.
func norm(s string) string { return sources.NormName(s) }
