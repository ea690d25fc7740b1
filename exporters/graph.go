package exporters

import (
	"io"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/queries"
)

// nodeJSON is a node with the worst finding about it.
type nodeJSON struct {
	graph.Node
	Worst string `json:"worst,omitempty"`
}

type graphJSON struct {
	Schema string     `json:"schema"`
	Nodes  []nodeJSON `json:"nodes"`
	Edges  []edgeJSON `json:"edges"`
}

// FormatGraph writes g as a GraphSchema document: every node with its fields
// and, when there is a finding about it, "worst" (the highest severity);
// every edge with its evidence. worst may be nil; a nil g is an empty
// graph.
func (jsonFormatter) FormatGraph(w io.Writer, g *graph.Graph, worst map[string]queries.Severity) error {
	if g == nil {
		g = graph.NewBuilder().Build()
	}
	doc := graphJSON{
		Schema: GraphSchema,
		Nodes:  make([]nodeJSON, 0, len(g.Nodes())),
		Edges:  toEdgesJSON(g.Edges()),
	}
	for _, n := range g.Nodes() {
		nj := nodeJSON{Node: n}
		if s, ok := worst[n.ID]; ok {
			nj.Worst = s.String()
		}
		doc.Nodes = append(doc.Nodes, nj)
	}
	return writeJSON(w, doc)
}
