package queries

import "github.com/driftmap/driftmap/graph"

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
		name := func(n *graph.Node) string { return n.Label }
		reportCycles(p, graph.After, name, func(_ *graph.Node, path string) (string, string) {
			return "units are ordered in a cycle: " + path + " (each starts after the next)", "units"
		})
	},
}
