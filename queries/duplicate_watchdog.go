package queries

import (
	"fmt"
	"path"
	"strings"

	"github.com/driftmap/driftmap/graph"
)

// DuplicateWatchdog reports more than one live watchdog job.
var DuplicateWatchdog = &Rule{
	Name:     "duplicate-watchdog",
	Severity: Error,
	Title:    "more than one live job holds the watchdog role",
	Doc: `Two watchdog generations running at once fight: both restart services,
both page, each undoes the other's remediation. A live job holds the
watchdog role when the catalog gives its service "role: watchdog", or
when its Label, plist file name or program name contains a watchdog
pattern (default "watchdog" and "living-force"; set watchdog_patterns in
driftmap.yaml). Retire every generation but one: move its plist into a
retired-YYYY-MM-DD/ folder and unload it.

A systemd service in an audited directory holds the role the same way
(the catalog's role: watchdog on the service whose systemd_unit it is,
or its name, file name or program matching a pattern); retire it with
systemctl disable --now, then remove its file.`,
	Example: `/Users/bert/Library/LaunchAgents/com.sanctum.living-force.plist:6: error: 2 live jobs hold the watchdog role: com.sanctum.living-force (name matches "living-force", /Users/bert/Library/LaunchAgents/com.sanctum.living-force.plist) and com.sanctum.watchdog (catalog role: watchdog, /Users/bert/Library/LaunchAgents/com.sanctum.watchdog.plist); retire all but one [duplicate-watchdog]`,
	Run: func(p *Pass) {
		hs := WatchdogHolders(p.Graph, p.Layout.WatchdogPattern)
		if len(hs) < 2 {
			return
		}
		var holders []string
		var ev []graph.Evidence
		kinds := map[graph.Kind]bool{}
		for _, h := range hs {
			holders = append(holders, fmt.Sprintf("%s (%s, %s)", h.Job.Label, h.Reason, h.Job.Defined[0].File))
			ev = append(ev, h.Job.Defined...)
			kinds[h.Job.Kind] = true
		}
		what := "live jobs"
		switch {
		case kinds[graph.Job] && kinds[graph.Unit]:
			what = "live jobs and units"
		case kinds[graph.Unit]:
			what = "live units"
		}
		p.ReportAt(ev[0], hs[0].Job.ID, fmt.Sprintf("%d %s hold the watchdog role: %s; retire all but one", len(holders), what, list(holders)), ev...)
	},
}

// WatchdogHolder is a live job, or a live systemd service in an audited
// directory, that holds the watchdog role.
type WatchdogHolder struct {
	Job    *graph.Node // the job's or the unit's node
	Reason string      // "catalog role: watchdog", or `name matches "PATTERN"`
	// Catalog is set when the catalog gives the job's service
	// "role: watchdog": the catalog names this one the watchdog.
	Catalog bool
}

// WatchdogHolders returns the live jobs, then the live audited systemd
// services, that hold the watchdog role (see DuplicateWatchdog), each in
// the graph's order.
func WatchdogHolders(g *graph.Graph, patterns []string) []WatchdogHolder {
	var out []WatchdogHolder
	runners := g.NodesOf(graph.Job)
	for _, u := range g.NodesOf(graph.Unit) {
		if auditedUnit(u) && path.Ext(u.Label) == ".service" {
			runners = append(runners, u)
		}
	}
	for _, j := range runners {
		if j.State != graph.Live || len(j.Defined) == 0 {
			continue
		}
		if why := watchdogReason(g, j, patterns); why != "" {
			out = append(out, WatchdogHolder{Job: j, Reason: why, Catalog: why == catalogWatchdog})
		}
	}
	return out
}

// catalogWatchdog is the reason of a job whose service the catalog
// gives role: watchdog.
const catalogWatchdog = "catalog role: watchdog"

// watchdogReason says why job j holds the watchdog role, or "".
func watchdogReason(g *graph.Graph, j *graph.Node, patterns []string) string {
	for _, e := range g.To(j.ID, graph.RunsAs) {
		if s := node(g, e.From); s.Role == "watchdog" {
			return catalogWatchdog
		}
	}
	names := []string{j.Label, path.Base(j.Defined[0].File), path.Base(j.Program)}
	for _, pat := range patterns {
		if pat == "" {
			continue
		}
		for _, n := range names {
			if strings.Contains(strings.ToLower(n), strings.ToLower(pat)) {
				return fmt.Sprintf("name matches %q", pat)
			}
		}
	}
	return ""
}
