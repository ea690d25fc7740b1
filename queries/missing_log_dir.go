package queries

import (
	"fmt"

	"github.com/driftmap/driftmap/graph"
)

// MissingLogDir reports log paths whose directory does not exist.
var MissingLogDir = &Rule{
	Name:     "missing-log-dir",
	Severity: Warning,
	Title:    "the directory of a job's log file does not exist",
	Doc: `StandardOutPath and StandardErrorPath need not exist (launchd creates
the file), but their directory must: launchd does not create it, so the
job's output is lost or the job fails to start. Create the directory or
point the key somewhere that exists.`,
	Example: `/Users/bert/Library/LaunchAgents/com.sanctum.triage.plist:22: warning: job com.sanctum.triage logs to /Users/bert/Library/Logs/sanctum/triage.err (StandardErrorPath), but directory /Users/bert/Library/Logs/sanctum does not exist [missing-log-dir]`,
	Run: func(p *Pass) {
		g := p.Graph
		for _, e := range g.EdgesOf(graph.LogDir) {
			from, to := node(g, e.From), node(g, e.To)
			if to.State != graph.Missing || (graph.IsRunner(from.Kind) && from.State != graph.Live) {
				continue
			}
			for _, ev := range e.Evidence {
				msg := fmt.Sprintf("%s logs to %s (%s), but directory %s does not exist", noun(from), ev.Token, ev.Key, to.Name)
				if ph := placeholder(ev.Token); ph != "" {
					msg += fmt.Sprintf("; %s looks like an unrendered template placeholder", ph)
				}
				p.Report(from.ID, msg, ev)
			}
		}
	},
}
