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
	Title:    "services or units require each other in a cycle",
	Doc: `The requires edges between services form a cycle (a service that
requires itself included), so no start order exists. For systemd units,
the edges are Requires=, Requisite=, BindsTo= and NAME.requires/ links
(PartOf= is not a start requirement, and socket activation's usual
Requires=x.socket with PartOf=x.service is no cycle): units that require
each other start and stop only together, so none can be restarted or
stopped alone. driftmap reports
each strongly connected component once, with one shortest cycle through
it in order, so the report stays short on large graphs. Break the cycle
by dropping the requirement that is not real.`,
	Example: `sanctum/runtime_catalog.yaml:12: error: services form a dependency cycle: a -> b -> a [dependency-cycle]`,
	Run: func(p *Pass) {
		reportCycles(p, graph.Requires, label, func(first *graph.Node, path string) (string, string) {
			what := "services"
			if first.Kind == graph.Unit {
				what = "units"
			}
			return what + " form a dependency cycle: " + path, what
		})
	},
}

// label is a node's name as a cycle shows it: a unit's name, else the
// node's.
func label(n *graph.Node) string {
	if n.Kind == graph.Unit && n.Label != "" {
		return n.Label
	}
	return n.Name
}

// reportCycles reports each strongly connected component of the kind
// edges once, with one shortest cycle through it, at the cycle's first
// edge: describe gives the message for the cycle's first node and its
// path (the nodes as name shows them, joined by " -> ") and the plural
// noun of the nodes, which a component larger than the cycle adds
// ("(N units are in this tangle)").
func reportCycles(p *Pass, kind graph.EdgeKind, name func(*graph.Node) string, describe func(first *graph.Node, path string) (msg, what string)) {
	g := p.Graph
	for _, comp := range g.Components(kind) {
		cyc := g.Cycle(comp[0], comp, kind)
		if cyc == nil {
			continue
		}
		first := node(g, cyc[0].From)
		names := []string{name(first)}
		var ev []graph.Evidence
		for _, e := range cyc {
			names = append(names, name(node(g, e.To)))
			ev = append(ev, e.Evidence...)
		}
		msg, what := describe(first, strings.Join(names, " -> "))
		if len(comp) > len(cyc) {
			msg += fmt.Sprintf(" (%d %s are in this tangle)", len(comp), what)
		}
		p.ReportAt(cyc[0].Evidence[0], comp[0], msg, ev...)
	}
}
