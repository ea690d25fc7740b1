package queries

import (
	"fmt"
	"slices"
	"strings"

	"github.com/driftmap/driftmap/graph"
)

// LiveButDisabled reports live jobs of disabled services.
var LiveButDisabled = &Rule{
	Name:     "live-but-disabled",
	Severity: Warning,
	Title:    "a live job runs a service that instance.yaml disables",
	Doc: `A job is installed and not retired (its plist is in a launchd directory,
not renamed .disabled and not Disabled: true), but the service it runs
is disabled: enabled: false in instance.yaml (or, for a catalog auxiliary
service, in the catalog). launchd starts it at the next login although
the constellation says it is off, and Sanctum's renderer no longer
renders its template, so nothing keeps the plist current. Unload and
retire the plist (rename it NAME.plist.disabled-YYYYMMDD), or enable the
service again.`,
	Example: `/Users/bert/Library/LaunchAgents/com.sanctum.qwen3-tts.plist:6: warning: job com.sanctum.qwen3-tts is installed and not retired, but instance.yaml disables service qwen3-tts (enabled: false in /Users/bert/.sanctum/instance.yaml:9) [live-but-disabled]`,
	Run: func(p *Pass) {
		g := p.Graph
		instance := ""
		if p.Instance != nil {
			instance = "enabled: false in " + p.Instance.File + ":"
		}
		for _, e := range g.EdgesOf(graph.RunsAs) {
			s, j := node(g, e.From), node(g, e.To)
			if s.State != graph.Disabled || j.State != graph.Live || len(j.Defined) == 0 {
				continue
			}
			why := fmt.Sprintf("service %s is disabled", s.Name)
			if instance != "" && strings.HasPrefix(s.Detail, instance) {
				why = "instance.yaml disables service " + s.Name
			}
			if s.Detail != "" {
				why += " (" + s.Detail + ")"
			}
			ev := append(slices.Clone(j.Defined), e.Evidence...)
			p.ReportAt(j.Defined[0], j.ID, fmt.Sprintf("job %s is installed and not retired, but %s", j.Label, why), ev...)
		}
	},
}
