package queries

import (
	"fmt"

	"github.com/driftmap/driftmap/graph"
)

// DisabledDependency reports enabled services that require something
// that will not run.
var DisabledDependency = &Rule{
	Name:     "disabled-dependency",
	Severity: Error,
	Title:    "an enabled service requires a disabled service",
	Doc: `An enabled service requires a service that is disabled (enabled: false
in instance.yaml or the catalog), or whose launchd job is disabled
(Disabled: true) or retired. The dependent will start and then fail, or
wait forever. Enable the dependency, or drop the requirement.`,
	Example: `sanctum/runtime_catalog.yaml:9: error: enabled service voice-agent requires qwen3-tts, which is disabled (enabled: false in /Users/bert/.sanctum/instance.yaml:8) [disabled-dependency]`,
	Run: func(p *Pass) {
		g := p.Graph
		for _, l := range fromEnabled(g, graph.Requires) {
			e, from, to := l.edge, l.from, l.to
			var why string
			switch to.State {
			case graph.Disabled:
				why = "which is disabled"
				if to.Detail != "" {
					why += " (" + to.Detail + ")"
				}
			case graph.Enabled:
				for _, r := range g.From(to.ID, graph.RunsAs) {
					j := node(g, r.To)
					if j.State == graph.Disabled || j.State == graph.Retired {
						why = fmt.Sprintf("whose job %s is %s (%s)", j.Label, j.State, j.Defined[0].Location())
						break
					}
				}
			}
			if why == "" {
				continue
			}
			p.Report(from.ID, fmt.Sprintf("enabled %s requires %s, %s", noun(from), to.Name, why), e.Evidence...)
		}
	},
}
