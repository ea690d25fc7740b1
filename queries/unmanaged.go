package queries

import (
	"fmt"
	"strings"

	"github.com/driftmap/driftmap/graph"
)

// Unmanaged reports live jobs that no source claims.
var Unmanaged = &Rule{
	Name:     "unmanaged",
	Severity: Warning,
	Title:    "a live job that no catalog, instance or manifest entry claims",
	Doc: `A live job whose Label starts with a configured prefix (com.sanctum. and
haus.sanctum. by default) belongs to the constellation, so some source
should claim it: a catalog or manifest launchagent, or a service named
like the Label without its prefix. One that nobody claims is
off-catalogue: nobody documents, monitors or renders it. Add the service
to the catalog, or retire the job. (A manifest of a service that neither
the catalog nor instance.yaml defines is not unmanaged: it registers the
service by hand, see hand-registered. With --label-prefix= every job is
audited, but none is expected to be in a catalog, so none is reported as
unmanaged.)`,
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
	},
}

func hasPrefix(label string, prefixes []string) bool {
	for _, p := range prefixes {
		if p != "" && strings.HasPrefix(label, p) {
			return true
		}
	}
	return false
}
