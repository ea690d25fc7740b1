package queries

import (
	"fmt"
	"path"
	"strconv"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources"
	"github.com/driftmap/driftmap/sources/launchctl"
	"github.com/driftmap/driftmap/sources/launchd"
)

// StaleLoad reports a job launchd runs with what its plist said when it
// was loaded, not what it says now.
var StaleLoad = &Rule{
	Name:     "stale-load",
	Severity: Error,
	Title:    "launchd runs a job as its plist was, not as it is",
	Doc: `With --live, driftmap compares what launchd has loaded (launchctl print:
program, arguments, the plist it was loaded from) with the plist on disk.
launchd reads a plist once, when the job is loaded: a plist edited since
keeps running with the old program or arguments (a tunnel still forwarding
the old port) until the job is booted out and bootstrapped again, and the
files no longer tell what runs. Values are compared exactly and shown with
credentials redacted. Reload the job: launchctl bootout DOMAIN/LABEL, then
launchctl bootstrap DOMAIN PLIST.`,
	Example: `/Users/bert/Library/LaunchAgents/com.sanctum.watchdog.plist:18: error: job com.sanctum.watchdog runs what its plist said when it was loaded: ProgramArguments[7] is "30" on disk, "60" loaded; reload it [stale-load]`,
	Run: func(p *Pass) {
		if p.Live == nil {
			return
		}
		for _, j := range p.Graph.NodesOf(graph.Job) {
			if j.State != graph.Live || j.Loaded != graph.LoadedRunning && j.Loaded != graph.LoadedIdle {
				continue
			}
			def, ok := p.JobDef(j.ID)
			loaded, printed := p.Live.Job(j.Label)
			if !ok || !printed {
				continue
			}
			diffs, line, key := staleDiffs(def, loaded)
			if len(diffs) == 0 {
				continue
			}
			at := graph.Evidence{File: def.File, Line: line, Key: key}
			where := sources.Where(loaded.File, loaded.Line, j.Label)
			p.ReportAt(at, j.ID, fmt.Sprintf("job %s runs what its plist said when it was loaded: %s; reload it", j.Label, list(diffs)), at, where)
		}
	},
}

// staleDiffs says how the loaded job differs from its plist, and the
// plist line and key to point at: the first argument that differs, else
// the command's.
func staleDiffs(def launchd.Job, loaded launchctl.Job) ([]string, int, string) {
	c := def.Command
	var out []string
	line, at := c.Line, c.Key
	point := func(i int) {
		if len(out) == 0 && i < len(c.Args) && c.Args[i].Line > 0 {
			line, at = c.Args[i].Line, "ProgramArguments["+strconv.Itoa(i)+"]"
		}
	}
	if loaded.Program != nil && c.Program.Digest != "" && !c.Program.Matches(*loaded.Program) {
		out = append(out, fmt.Sprintf("the program is %q on disk, %q loaded", c.Program.Shown, launchd.Printable([]string{*loaded.Program})[0]))
	}
	if loaded.Arguments != nil && c.Args != nil {
		shown := launchd.Printable(loaded.Arguments)
		for i := range max(len(c.Args), len(loaded.Arguments)) {
			key := "ProgramArguments[" + strconv.Itoa(i) + "]"
			point(i)
			switch {
			case i >= len(c.Args):
				out = append(out, fmt.Sprintf("%s is %q loaded, absent on disk", key, shown[i]))
			case i >= len(loaded.Arguments):
				out = append(out, fmt.Sprintf("%s is %q on disk, absent loaded", key, c.Args[i].Shown))
			case !c.Args[i].Matches(loaded.Arguments[i]):
				out = append(out, fmt.Sprintf("%s is %q on disk, %q loaded", key, c.Args[i].Shown, shown[i]))
			default:
				continue
			}
			if len(out) >= 4 {
				out = append(out, "...")
				break
			}
		}
	}
	if loaded.Path != nil && *loaded.Path != def.File && path.IsAbs(*loaded.Path) {
		out = append(out, fmt.Sprintf("it was loaded from %s, but its plist is %s", *loaded.Path, def.File))
	}
	return out, line, at
}
