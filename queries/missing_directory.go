package queries

import (
	"fmt"

	"github.com/driftmap/driftmap/graph"
)

// MissingDirectory reports configured source directories that are absent,
// unreadable, or reached through a symlink that leads nowhere.
var MissingDirectory = &Rule{
	Name:     "missing-directory",
	Severity: Error,
	Title:    "a configured source directory does not exist",
	Doc: `The manifests directory (~/.sanctum/services by default) and the wrappers
directory (~/.sanctum/bin) are expected to exist: docs, scripts and
other tools read them. The other default wrappers directories
(~/.sanctum/scripts, ~/.sanctum/sentinels) are read when present and
skipped silently when absent; every wrappers directory a driftmap.yaml
wrappers: list names is expected. When one is missing, nothing it should hold can
be audited. Create it, or set its real place in driftmap.yaml. A machine
with no instance file, no catalog and no driftmap.yaml setting has no
constellation, so nothing is expected of it (auditing any Mac with
--label-prefix= reports no missing directory).

Any source directory, the launchd directories included, is reported
when it is there but cannot be read (its permissions, or a symlink loop)
and when it is a symlink, or is reached through one, that leads nowhere
inside the root (a LaunchAgents directory linked to a dotfiles checkout
that the copied tree lacks): whatever it holds is hidden from the audit.
An absolute symlink names a path inside the root, as on the audited
machine. A launchd directory that simply does not exist is normal.`,
	Example: `/Users/bert/.sanctum/services: error: manifests directory /Users/bert/.sanctum/services does not exist [missing-directory]`,
	Run: func(p *Pass) {
		for _, d := range p.Dirs {
			what := "does not exist"
			switch {
			case d.Reason != "":
				what = d.Reason
			case d.Exists || !d.Expected:
				continue
			}
			p.ReportAt(graph.Evidence{File: d.Path}, graph.ID(graph.Directory, d.Path),
				fmt.Sprintf("%s directory %s %s", d.Name, d.Path, what), d.Evidence)
		}
	},
}
