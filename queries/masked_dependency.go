package queries

import (
	"fmt"

	"github.com/driftmap/driftmap/graph"
)

// MaskedDependency reports units that need a masked unit.
var MaskedDependency = &Rule{
	Name:     "masked-dependency",
	Severity: Error,
	Title:    "a unit requires or starts a masked unit",
	Doc: `A unit names a masked unit (a unit file that is a symlink to /dev/null)
in Requires=, Requisite=, BindsTo= or PartOf=, or starts it as a timer,
path or socket unit: systemd refuses to start a masked unit, so the
requirement fails every time, and with it the unit that needs it. A
Wants= on a masked unit is not reported: systemd starts the unit without
it. driftmap never opens the /dev/null link; it reads where it points.

Unmask the unit (systemctl unmask NAME) if it is still needed, or drop
the requirement.`,
	Example: `/etc/systemd/system/api.service:4: error: unit api.service requires legacy-db.service (Requires), which is masked (/etc/systemd/system/legacy-db.service is a link to /dev/null) [masked-dependency]`,
	Run: func(p *Pass) {
		g := p.Graph
		for _, e := range g.EdgesOf(graph.Requires, graph.PartOf, graph.Triggers, graph.Sockets) {
			from, to := node(g, e.From), node(g, e.To)
			if to.Kind != graph.Unit || to.State != graph.Retired || from.State != graph.Live {
				continue
			}
			verb := "requires"
			if e.Kind == graph.Triggers {
				verb = "starts"
			}
			msg := fmt.Sprintf("%s %s %s", noun(from), verb, to.Label)
			if k := firstKey(e.Evidence); k != "" {
				msg += " (" + k + ")"
			}
			msg += ", which is masked"
			ev := e.Evidence
			if len(to.Defined) > 0 {
				msg += fmt.Sprintf(" (%s is a link to /dev/null)", to.Defined[0].File)
				ev = append(ev, to.Defined[0])
			}
			p.ReportAt(e.Evidence[0], e.From, msg, ev...)
		}
	},
}
