package queries

import (
	"fmt"
	"slices"
	"strings"

	"github.com/driftmap/driftmap/graph"
)

// Unmanaged reports jobs and manifests that no canonical source claims.
var Unmanaged = &Rule{
	Name:     "unmanaged",
	Severity: Warning,
	Title:    "a live job or a manifest that no catalog or instance entry claims",
	Doc: `A live job whose Label starts with a configured prefix (com.sanctum. by
default) belongs to the constellation, so some source should claim it: a
catalog or manifest launchagent, or a service named like the Label
without its prefix. One that nobody claims is off-catalogue: nobody
documents, monitors or renders it. Likewise a manifest whose service is
in neither the catalog nor instance.yaml describes something nothing
else knows. Add the service to the catalog, or retire the job or
manifest. (With --label-prefix= every job is audited, but none is
expected to be in a catalog, so none is reported as unmanaged.)`,
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
		for _, s := range g.NodesOf(graph.Service) {
			if len(s.Origins) == 0 || slices.ContainsFunc(s.Origins, func(o string) bool { return o != "manifest" }) {
				continue
			}
			p.Report(s.ID, fmt.Sprintf("manifest names service %s, which neither the catalog nor instance.yaml defines", s.Name), s.Defined...)
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
