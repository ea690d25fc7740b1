package queries

import (
	"fmt"

	"github.com/driftmap/driftmap/graph"
)

// Flapping reports a loaded job whose last run failed.
var Flapping = &Rule{
	Name:     "flapping",
	Severity: Warning,
	Title:    "a loaded job's last run exited non-zero or crashed",
	Doc: `With --live, driftmap reads each loaded job's last exit status (launchctl
print's last exit code, launchctl list's status). A job that exits non-zero,
or is killed by a signal such as SIGSEGV or SIGABRT, is failing, and with
KeepAlive launchd restarts it over and over (every ten seconds at most,
ThrottleInterval): a service that looks configured right is in fact down.
SIGTERM is what bootout and a normal stop send, and is not a crash. A job
that exits non-zero by design (a check that reports through its status) is
marked exits_nonzero: true on its service in the catalog or its manifest,
and is not reported. Read the job's log (StandardErrorPath) for why.`,
	Example: `testdata/demo/broken/live/launchctl-list.txt:4: warning: job com.sanctum.whisper-stt last exited with status 78 (launchd keeps it alive: it is restarted and fails again) [flapping]`,
	Run: func(p *Pass) {
		if p.Live == nil {
			return
		}
		g := p.Graph
	jobs:
		for _, j := range g.NodesOf(graph.Job) {
			if j.Loaded != graph.LoadedRunning && j.Loaded != graph.LoadedIdle {
				continue
			}
			for _, e := range g.To(j.ID, graph.RunsAs) {
				if node(g, e.From).ExitsNonzero {
					continue jobs
				}
			}
			status, where := lastExit(p, j.Label)
			if status == nil || *status == 0 || *status == -sigterm {
				continue
			}
			msg := fmt.Sprintf("job %s last exited with status %d", j.Label, *status)
			if *status < 0 {
				msg = fmt.Sprintf("job %s was last killed by signal %s", j.Label, signalName(-*status))
			}
			if def, ok := p.JobDef(j.ID); ok && def.KeepAlive {
				msg += " (launchd keeps it alive: it is restarted and fails again)"
			}
			p.ReportAt(where, j.ID, msg, where)
		}
	},
}

const sigterm = 15

// lastExit is a job's last exit status (its print's, else its row's)
// and where it was read.
func lastExit(p *Pass, label string) (*int, graph.Evidence) {
	if job, ok := p.Live.Job(label); ok && job.LastExitCode != nil {
		return job.LastExitCode, graph.Evidence{File: job.File, Line: job.Line, Key: "last exit code", Token: label}
	}
	if row, ok := p.Live.Row(label); ok && row.Status != nil {
		return row.Status, graph.Evidence{File: row.File, Line: row.Line, Key: "status", Token: label}
	}
	return nil, graph.Evidence{}
}

// signalNames are the names of the signals a job is commonly killed by,
// as macOS numbers them.
var signalNames = map[int]string{1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 5: "SIGTRAP", 6: "SIGABRT", 8: "SIGFPE", 9: "SIGKILL", 10: "SIGBUS", 11: "SIGSEGV", 12: "SIGSYS", 13: "SIGPIPE", 14: "SIGALRM", 15: "SIGTERM"}

// signalName names a signal number as kill -l does, with the number.
func signalName(n int) string {
	if s, ok := signalNames[n]; ok {
		return fmt.Sprintf("%d (%s)", n, s)
	}
	return fmt.Sprint(n)
}
