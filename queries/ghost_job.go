package queries

import (
	"fmt"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources"
)

// GhostJob reports a job launchd has loaded that no live plist defines.
var GhostJob = &Rule{
	Name:     "ghost-job",
	Severity: Error,
	Title:    "launchd runs a job that no live plist on disk defines",
	Doc: `With --live, driftmap knows what launchd has loaded. An in-scope job that
launchd has loaded but that no live plist defines (there is none, or the only
one is retired) runs on borrowed time: nothing on disk says what it is, it
will not come back after a reboot or logout, and no audit of the files sees
it. It is usually a plist deleted or moved aside without unloading the job
first, or a job submitted by hand. Unload it (launchctl bootout
DOMAIN/LABEL) if it should not run, or restore its plist if it should.`,
	Example: `testdata/demo/broken/live/launchctl-list.txt:6: error: launchd has job com.sanctum.mlx-server loaded (running, pid 2291), but no plist on disk defines it: it will not come back after a reboot [ghost-job]`,
	Run: func(p *Pass) {
		if p.Live == nil {
			return
		}
		for _, j := range p.Graph.NodesOf(graph.Job) {
			if j.Loaded != graph.LoadedRunning && j.Loaded != graph.LoadedIdle {
				continue
			}
			if j.State == graph.Live || j.State == graph.Disabled {
				continue // a live plist defines it; a disabled one is override-conflict's
			}
			where, what := liveWhere(p.Live, j.Label)
			msg := fmt.Sprintf("launchd has job %s loaded (%s), but no plist on disk defines it: it will not come back after a reboot", j.Label, what)
			ev := []graph.Evidence{where}
			if j.State == graph.Retired && len(j.Defined) > 0 {
				msg = fmt.Sprintf("launchd has job %s loaded (%s), but its only plist is retired (%s): launchd runs what the file no longer says", j.Label, what, j.Defined[0].File)
				ev = append(ev, j.Defined...)
			}
			p.ReportAt(where, j.ID, msg, ev...)
		}
	},
}

// liveWhere returns where the snapshot shows label (its print, else its
// row) and what it says of it: "running, pid 123" or "not running".
func liveWhere(l *sources.Live, label string) (graph.Evidence, string) {
	if job, ok := l.Job(label); ok {
		what := "not running"
		if job.PID != nil && *job.PID > 0 {
			what = fmt.Sprintf("running, pid %d", *job.PID)
		}
		return sources.Where(job.File, job.Line, label), what
	}
	row, _ := l.Row(label)
	what := "not running"
	if row.PID != nil && *row.PID > 0 {
		what = fmt.Sprintf("running, pid %d", *row.PID)
	}
	return sources.Where(row.File, row.Line, label), what
}
