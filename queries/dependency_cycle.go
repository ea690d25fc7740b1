package queries

import (
	"fmt"
	"strings"

	"github.com/driftmap/driftmap/graph"
)

// DependencyCycle reports requires edges that form a cycle.
var DependencyCycle = &Rule{
	Name:     "dependency-cycle",
	Severity: Error,
	Title:    "services require each other in a cycle",
	Doc: `The requires edges between services form a cycle (a service that
requires itself included), so no start order exists. driftmap reports
each strongly connected component once, with one shortest cycle through
it in order, so the report stays short on large graphs. Break the cycle
by dropping the requirement that is not real.`,
	Example: `sanctum/runtime_catalog.yaml:12: error: services form a dependency cycle: a -> b -> a [dependency-cycle]`,
	Run: func(p *Pass) {
		g := p.Graph
		for _, comp := range g.Components(graph.Requires) {
			cyc := g.Cycle(comp[0], comp, graph.Requires)
			if cyc == nil {
				continue
			}
			names := []string{node(g, cyc[0].From).Name}
			var ev []graph.Evidence
			for _, e := range cyc {
				names = append(names, node(g, e.To).Name)
				ev = append(ev, e.Evidence...)
			}
			msg := "services form a dependency cycle: " + strings.Join(names, " -> ")
			if len(comp) > len(cyc) {
				msg += fmt.Sprintf(" (%d services are in this tangle)", len(comp))
			}
			p.ReportAt(cyc[0].Evidence[0], comp[0], msg, ev...)
		}
	},
}
