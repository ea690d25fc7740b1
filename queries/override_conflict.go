package queries

import (
	"fmt"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources"
)

// OverrideConflict reports launchd's override database contradicting the
// canonical sources.
var OverrideConflict = &Rule{
	Name:     "override-conflict",
	Severity: Warning,
	Title:    "launchd's override database contradicts the plist or the service's state",
	Doc: `With --live, driftmap reads launchd's override database (launchctl
print-disabled, and the disabled services of a domain print): launchctl
disable and enable record there, and launchd obeys it over the plist. A job
whose plist is live and whose service instance.yaml or the catalog enables,
but that the database disables, never runs, however right its files look; a
job the database enables while instance.yaml or the catalog disables its
service can be started although the fleet says it is off. Run launchctl
enable (or disable) DOMAIN/LABEL so that launchd agrees with the canonical
sources, or change the sources.`,
	Example: `testdata/demo/broken/live/print-disabled-gui.txt:3: warning: launchd's override database enables com.sanctum.mail-fetcher, but service mail-fetcher is disabled (enabled: false in /Users/bert/.sanctum/instance.yaml:36): launchctl disable gui/$(id -u)/com.sanctum.mail-fetcher [override-conflict]`,
	Run: func(p *Pass) {
		if p.Live == nil {
			return
		}
		g := p.Graph
		for _, o := range p.Live.Disabled {
			j, ok := g.Node(graph.ID(graph.Job, o.Label))
			if !ok || len(j.Defined) == 0 || j.State != graph.Live && j.State != graph.Disabled {
				continue
			}
			if sources.DomainKind(j.Defined[0].File) != sources.DomainKind(o.Domain) {
				continue // the entry is for another domain than the plist's
			}
			var enabled, disabled *graph.Node
			for _, e := range g.To(j.ID, graph.RunsAs) {
				s := node(g, e.From)
				switch s.State {
				case graph.Enabled:
					enabled = s
				case graph.Disabled:
					disabled = s
				}
			}
			where := sources.Where(o.File, o.Line, o.Label)
			domain, in := o.Domain, " in "+o.Domain
			if domain == "" { // print-disabled does not print its domain
				domain, in = "gui/$(id -u)", ""
				if sources.DomainKind(j.Defined[0].File) == "system" {
					domain = "system"
				}
			}
			switch {
			case o.Disabled && j.State == graph.Live && enabled != nil:
				p.ReportAt(where, j.ID, fmt.Sprintf("launchd's override database disables %s%s, but its plist is live and service %s is enabled (%s): launchd will not run it; launchctl enable %s/%s",
					o.Label, in, enabled.Name, firstLocation(enabled), domain, o.Label), where, j.Defined[0])
			case !o.Disabled && enabled == nil && disabled != nil:
				p.ReportAt(where, j.ID, fmt.Sprintf("launchd's override database enables %s%s, but service %s is disabled (%s): launchctl disable %s/%s",
					o.Label, in, disabled.Name, disabledWhere(disabled), domain, o.Label), where, j.Defined[0])
			}
		}
	},
}

// firstLocation is where a node is first defined.
func firstLocation(n *graph.Node) string {
	if len(n.Defined) == 0 {
		return n.ID
	}
	return n.Defined[0].Location()
}

// disabledWhere says where a disabled service is disabled.
func disabledWhere(s *graph.Node) string {
	if s.Detail != "" {
		return s.Detail
	}
	return firstLocation(s)
}
