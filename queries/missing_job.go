package queries

import (
	"fmt"

	"github.com/driftmap/driftmap/graph"
)

// MissingJob reports enabled services whose launchd job is not live.
var MissingJob = &Rule{
	Name:     "missing-job",
	Severity: Error,
	Title:    "an enabled service names a launchd job that no live plist has",
	Doc: `The catalog or a manifest says which launchd Label runs a service
(launchagent). When the service is enabled but no live plist has that
Label (none at all, only a retired one, or one with Disabled: true),
nothing starts it. Install or re-enable the plist, fix the label, or
disable the service.`,
	Example: `sanctum/runtime_catalog.yaml:14: error: enabled service triage names launchagent com.sanctum.triage, but no plist has that Label [missing-job]`,
	Run: func(p *Pass) {
		g := p.Graph
		for _, l := range fromEnabled(g, graph.RunsAs) {
			e, from, to := l.edge, l.from, l.to
			var why string
			switch to.State {
			case graph.Live:
				continue
			case graph.Undefined:
				why = "but no plist has that Label"
			case graph.Retired:
				why = fmt.Sprintf("but the only plist with that Label is retired (%s)", to.Defined[0].File)
			case graph.Disabled:
				why = fmt.Sprintf("but its plist sets Disabled: true (%s)", to.Defined[0].File)
			default:
				continue
			}
			p.Report(from.ID, fmt.Sprintf("enabled %s names launchagent %s, %s", noun(from), to.Label, why), e.Evidence...)
		}
	},
}
