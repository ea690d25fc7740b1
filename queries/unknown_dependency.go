package queries

import (
	"fmt"

	"github.com/driftmap/driftmap/graph"
)

// UnknownDependency reports requires edges to services defined nowhere.
var UnknownDependency = &Rule{
	Name:     "unknown-dependency",
	Severity: Error,
	Title:    "a service requires a service that is defined nowhere",
	Doc: `A requires list (in the catalog or a manifest) names a service that no
source defines: not instance.yaml, not the catalog's services or
auxiliary entries, not a manifest, not a renamed_from alias. The
dependency cannot be started or checked. Fix the name (driftmap suggests
a close one) or define the service.`,
	Example: `sanctum/runtime_catalog.yaml:31: error: service health-tunnel requires "vm", which is defined nowhere [unknown-dependency]`,
	Run: func(p *Pass) {
		g := p.Graph
		var known []string
		for _, n := range g.NodesOf(graph.Service) {
			if n.State != graph.Undefined {
				known = append(known, n.Name)
				known = append(known, n.Aliases...)
			}
		}
		for _, e := range g.EdgesOf(graph.Requires) {
			to := node(g, e.To)
			if to.State != graph.Undefined {
				continue
			}
			for _, ev := range e.Evidence {
				msg := fmt.Sprintf("%s requires %q, which is defined nowhere", noun(node(g, e.From)), ev.Token)
				if s := Suggest(ev.Token, known); s != "" {
					msg += fmt.Sprintf(" (did you mean %q?)", s)
				}
				p.Report(e.From, msg, ev)
			}
		}
	},
}
