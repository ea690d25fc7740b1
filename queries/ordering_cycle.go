package queries

import (
	"fmt"
	"strings"

	"github.com/driftmap/driftmap/graph"
)

// OrderingCycle reports After=/Before= orderings that form a cycle.
var OrderingCycle = &Rule{
	Name:     "ordering-cycle",
	Severity: Warning,
	Title:    "units are ordered after each other in a cycle",
	Doc: `The After= and Before= orderings between units form a cycle (Before=X
in a unit is read as X After= it): no order satisfies them. When a boot
or a start transaction contains the cycle, systemd breaks it by dropping
the start of one unit it picks ("Found ordering cycle ... Job X deleted
to break ordering cycle"), which may not be the one you would. Outside
such a transaction nothing happens, which is why systemd-analyze verify
of one unit does not see it. driftmap reports each cycle once, with one
shortest path through it.

Remove the ordering that is not real.`,
	Example: `/etc/systemd/system/a.service:3: warning: units are ordered in a cycle: a.service -> b.service -> a.service (each starts after the next) [ordering-cycle]`,
	Run: func(p *Pass) {
		g := p.Graph
		for _, comp := range g.Components(graph.After) {
			cyc := g.Cycle(comp[0], comp, graph.After)
			if cyc == nil {
				continue
			}
			names := []string{node(g, cyc[0].From).Label}
			var ev []graph.Evidence
			for _, e := range cyc {
				names = append(names, node(g, e.To).Label)
				ev = append(ev, e.Evidence...)
			}
			msg := "units are ordered in a cycle: " + strings.Join(names, " -> ") + " (each starts after the next)"
			if len(comp) > len(cyc) {
				msg += fmt.Sprintf(" (%d units are in this tangle)", len(comp))
			}
			p.ReportAt(cyc[0].Evidence[0], comp[0], msg, ev...)
		}
	},
}
