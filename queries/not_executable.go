package queries

import (
	"fmt"

	"github.com/driftmap/driftmap/graph"
)

// NotExecutable reports executables without an execute bit.
var NotExecutable = &Rule{
	Name:     "not-executable",
	Severity: Warning,
	Title:    "a program a job or wrapper executes has no execute bit",
	Doc: `launchd and exec need the execute bit on the program they run. A script
run through an interpreter (bash script.sh, python3 app.py) does not need
one and is not reported. Run chmod +x on the file, or run it through its
interpreter.`,
	Example: `/Users/bert/Library/LaunchAgents/com.sanctum.proxy.plist:8: warning: job com.sanctum.proxy runs /Users/bert/.sanctum/bin/proxy (Program), which has no execute bit [not-executable]`,
	Run: func(p *Pass) {
		g := p.Graph
		for _, e := range g.EdgesOf(graph.Exec) {
			from, to := node(g, e.From), node(g, e.To)
			if graph.IsRunner(from.Kind) && from.State != graph.Live || graph.AllOptional(e.Evidence) {
				continue
			}
			if to.State != graph.Present || to.Executable || to.Detail != "" || (to.Kind != graph.File && to.Kind != graph.Wrapper) {
				continue
			}
			msg := fmt.Sprintf("%s runs %s", noun(from), to.Name)
			if k := firstKey(e.Evidence); k != "" {
				msg += " (" + k + ")"
			}
			p.Report(from.ID, msg+", which has no execute bit", e.Evidence...)
		}
	},
}
