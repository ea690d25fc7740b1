package queries

import (
	"fmt"

	"github.com/driftmap/driftmap/graph"
)

// DuplicateLabel reports a Label declared by more than one live plist.
var DuplicateLabel = &Rule{
	Name:     "duplicate-label",
	Severity: Error,
	Title:    "two live plists declare the same Label",
	Doc: `launchd identifies a job by its Label: within one domain it loads only
one of the plists, and which one depends on directory order; across
domains (an agent and a daemon) both run. Either way one definition is
dead or doubled. Keep one plist; retire the other (rename it to
NAME.plist.retired or move it into a retired-YYYY-MM-DD/ folder).`,
	Example: `/Users/bert/Library/LaunchAgents/com.sanctum.proxy.plist:6: error: Label com.sanctum.proxy is declared by 2 live plists: /Library/LaunchDaemons/com.sanctum.proxy.plist and /Users/bert/Library/LaunchAgents/com.sanctum.proxy.plist [duplicate-label]`,
	Run: func(p *Pass) {
		for _, j := range p.Graph.NodesOf(graph.Job) {
			if j.State != graph.Live || len(j.Defined) < 2 {
				continue
			}
			var files []string
			for _, d := range j.Defined {
				files = append(files, d.File)
			}
			p.Report(j.ID, fmt.Sprintf("Label %s is declared by %d live plists: %s", j.Label, len(files), list(files)), j.Defined...)
		}
	},
}
