package queries

import (
	"fmt"
	"path"
	"strings"

	"github.com/driftmap/driftmap/graph"
)

// UnknownDependency reports requires edges to services defined nowhere.
var UnknownDependency = &Rule{
	Name:     "unknown-dependency",
	Severity: Error,
	Title:    "a service or unit requires one that is defined nowhere",
	Doc: `A requires list (in the catalog or a manifest) names a service that no
source defines: not instance.yaml, not the catalog's services or
auxiliary entries, not a manifest, not a renamed_from alias. The
dependency cannot be started or checked. Fix the name (driftmap suggests
a close one) or define the service.

For systemd units: Requires=, Requisite=, BindsTo=, PartOf= or a
NAME.requires/ link names a unit that no unit file defines (in
/etc/systemd, ~/.config/systemd/user or the system's /usr/lib/systemd
directories) and that systemd does not define itself (systemd.special(7):
multi-user.target, network-online.target and the rest are always
known; devices, mounts, swaps, slices and scopes are made at run time and
never checked). systemd fails the start of the unit ("Unit X not
found"). A Wants= on a missing unit is not reported: systemd accepts it.`,
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
		var units []string
		for _, n := range g.NodesOf(graph.Unit) {
			if n.State != graph.Undefined {
				units = append(units, n.Label)
			}
		}
		for _, e := range g.EdgesOf(graph.Requires, graph.PartOf) {
			to := node(g, e.To)
			if to.State != graph.Undefined {
				continue
			}
			if to.Kind == graph.Unit {
				for _, ev := range e.Evidence {
					msg := fmt.Sprintf("%s requires %s (%s), which no unit file defines and systemd does not define itself", noun(node(g, e.From)), to.Label, ev.Key)
					if s := suggestUnit(to.Label, units); s != "" {
						msg += fmt.Sprintf(" (did you mean %q?)", s)
					}
					p.Report(e.From, msg, ev)
				}
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

// suggestUnit suggests a unit of the same type whose name without the
// type is at most two edits from name's: unit names share long parts
// ("-server", ".service") that make unrelated names look close by
// Suggest's measure (redis-server and notes-server).
func suggestUnit(name string, units []string) string {
	ext := path.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	best, bestD := "", 3
	for _, u := range units {
		if path.Ext(u) != ext || u == name {
			continue
		}
		if d := distance(stem, strings.TrimSuffix(u, ext)); d < bestD {
			best, bestD = u, d
		}
	}
	return best
}
