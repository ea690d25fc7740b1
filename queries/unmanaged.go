package queries

import (
	"fmt"
	"path"
	"strings"

	"github.com/driftmap/driftmap/graph"
)

// Unmanaged reports live jobs that no source claims.
var Unmanaged = &Rule{
	Name:     "unmanaged",
	Severity: Warning,
	Title:    "a live job or unit that no catalog, instance or manifest entry claims",
	Doc: `A live job whose Label starts with a configured prefix (com.sanctum. and
haus.sanctum. by default) belongs to the constellation, so some source
should claim it: a catalog or manifest launchagent, or a service named
like the Label without its prefix. One that nobody claims is
off-catalogue: nobody documents, monitors or renders it. Add the service
to the catalog, or retire the job. (A manifest of a service that neither
the catalog nor instance.yaml defines is not unmanaged: it registers the
service by hand, see hand-registered. With --label-prefix= every job is
audited, but none is expected to be in a catalog, so none is reported as
unmanaged.)

A systemd service, timer, socket or path unit in an audited directory is
reported likewise when no catalog entry names it with systemd_unit, but
only when the catalog names at least one unit: a catalog that knows
nothing of systemd does not claim to list the Linux side. A unit tied to
a claimed one (its timer or socket, the template of a claimed instance,
a PartOf= unit) belongs to that one.`,
	Example: `/Users/bert/Library/LaunchAgents/com.sanctum.scratch.plist:6: warning: live job com.sanctum.scratch is claimed by no catalog, instance or manifest entry [unmanaged]`,
	Run: func(p *Pass) {
		g := p.Graph
		for _, j := range g.NodesOf(graph.Job) {
			if j.State != graph.Live || len(j.Defined) == 0 || !hasPrefix(j.Label, p.Layout.LabelPrefixes) {
				continue
			}
			if len(g.To(j.ID, graph.RunsAs)) > 0 {
				continue
			}
			p.Report(j.ID, fmt.Sprintf("live job %s is claimed by no catalog, instance or manifest entry", j.Label), j.Defined...)
		}
		unmanagedUnits(p)
	},
}

// unmanagedUnits reports the audited services, timers, sockets and path
// units that no catalog entry claims (systemd_unit), when the catalog
// claims any unit at all; a unit tied to a claimed one (its timer or
// socket, the template of a claimed instance, PartOf=) belongs to it.
func unmanagedUnits(p *Pass) {
	g := p.Graph
	claimed := map[string]bool{}
	for _, e := range g.EdgesOf(graph.RunsAs) {
		if node(g, e.To).Kind == graph.Unit {
			claimed[e.To] = true
		}
	}
	if len(claimed) == 0 {
		return
	}
	tied := map[string]bool{}
	for _, e := range g.EdgesOf(graph.Triggers, graph.Sockets, graph.InstanceOf, graph.PartOf) {
		tied[e.From] = tied[e.From] || claimed[e.To]
		tied[e.To] = tied[e.To] || claimed[e.From]
	}
	for _, u := range g.NodesOf(graph.Unit) {
		if u.State != graph.Live || !auditedUnit(u) || claimed[u.ID] || tied[u.ID] {
			continue
		}
		switch path.Ext(u.Label) {
		case ".service", ".timer", ".socket", ".path":
		default:
			continue
		}
		p.Report(u.ID, fmt.Sprintf("live %s is claimed by no catalog entry (systemd_unit)", noun(u)), u.Defined...)
	}
}

func hasPrefix(label string, prefixes []string) bool {
	for _, p := range prefixes {
		if p != "" && strings.HasPrefix(label, p) {
			return true
		}
	}
	return false
}
