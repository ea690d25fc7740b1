package queries

import (
	"fmt"
	"slices"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources"
	"github.com/driftmap/driftmap/sources/launchctl"
)

// NotLoaded reports a live plist that should run at load but launchd
// has not loaded.
var NotLoaded = &Rule{
	Name:     "not-loaded",
	Severity: Warning,
	Title:    "a job that should run at load is not loaded",
	Doc: `With --live, driftmap knows what launchd has loaded. A live plist that
asks to run as soon as it is loaded (RunAtLoad, or KeepAlive) but that
launchd has not loaded is a service that is down while its files look fine:
it was booted out, its load failed, or it was installed without being
bootstrapped. It is reported only when the outputs list the job's whole
domain (a domain print, or a launchctl list that shows the domain's other
jobs), so that a job merely left out of a partial snapshot is not, and not
when launchd's override database disables it on purpose. Load it with
launchctl bootstrap DOMAIN PLIST, and find out why it was not.`,
	Example: `/Users/bert/Library/LaunchAgents/com.sanctum.triage.plist:13: warning: job com.sanctum.triage has RunAtLoad, but launchd has not loaded it: it is missing from the outputs' list of its domain [not-loaded]`,
	Run: func(p *Pass) {
		if p.Live == nil {
			return
		}
		for _, j := range p.Graph.NodesOf(graph.Job) {
			if j.Loaded != graph.NotLoaded || j.State != graph.Live {
				continue
			}
			def, ok := p.JobDef(j.ID)
			if !ok || !def.RunAtLoad && !def.KeepAlive {
				continue
			}
			kind := sources.DomainKind(j.Defined[0].File)
			if slices.ContainsFunc(p.Live.Overrides(j.Label), func(o launchctl.Override) bool {
				return o.Disabled && sources.DomainKind(o.Domain) == kind
			}) {
				continue // disabled on purpose: override-conflict says whether that is right
			}
			key := "RunAtLoad"
			if !def.RunAtLoad {
				key = "KeepAlive"
			}
			covered := p.Live.AgentsWhere
			if kind == "system" {
				covered = p.Live.SystemWhere
			}
			at := graph.Evidence{File: def.File, Line: def.StartLine, Key: key}
			p.ReportAt(at, j.ID, fmt.Sprintf("job %s has %s, but launchd has not loaded it: it is missing from the outputs' list of its domain", j.Label, key),
				at, covered)
		}
	},
}
