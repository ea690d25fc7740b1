package queries

import (
	"fmt"
	"strings"

	"github.com/driftmap/driftmap/graph"
)

// defaultSuffix ends the evidence key of a trigger by the same name
// (see systemd.Unit.Deps).
const defaultSuffix = " (default)"

// MissingTrigger reports timer, path and socket units whose unit no file
// defines, and Sockets= that name no socket.
var MissingTrigger = &Rule{
	Name:     "missing-trigger",
	Severity: Error,
	Title:    "a timer, path or socket unit starts a unit that no file defines",
	Doc: `A timer, path or socket unit starts another unit: the one its Unit= (or,
for a socket, Service=) names, else the service of the same name
(backup.timer starts backup.service; a socket with Accept=yes starts
instances of NAME@.service). When no unit file defines that unit, the
trigger fires into nothing: the timer elapses, the path changes, the
connection arrives, and nothing runs. systemd-analyze verify says nothing
about it. A service's Sockets= that names a socket unit no file defines
is reported too.

Restore the unit, point Unit= at the right one, or remove the trigger
(systemctl disable --now NAME.timer, then delete its file).`,
	Example: `/etc/systemd/system/upload.timer:5: error: unit upload.timer starts upload.service (it sets no Unit=, so the service of the same name), which no unit file defines [missing-trigger]`,
	Run: func(p *Pass) {
		g := p.Graph
		for _, e := range g.EdgesOf(graph.Triggers, graph.Sockets) {
			to := node(g, e.To)
			if to.Kind != graph.Unit || to.State != graph.Undefined {
				continue
			}
			verb := "starts"
			if e.Kind == graph.Sockets {
				verb = "takes its sockets from"
			}
			msg := fmt.Sprintf("%s %s %s", noun(node(g, e.From)), verb, to.Label)
			if k := firstKey(e.Evidence); strings.HasSuffix(k, defaultSuffix) {
				msg += fmt.Sprintf(" (it sets no %s=, so the service of the same name)", strings.TrimSuffix(k, defaultSuffix))
			} else if k != "" {
				msg += " (" + k + ")"
			}
			p.Report(e.From, msg+", which no unit file defines", e.Evidence...)
		}
	},
}
