package queries

import (
	"fmt"

	"github.com/driftmap/driftmap/graph"
)

// MissingDirectory reports configured source directories that are absent.
var MissingDirectory = &Rule{
	Name:     "missing-directory",
	Severity: Error,
	Title:    "a configured source directory does not exist",
	Doc: `The manifests directory (~/.sanctum/services by default) and the wrappers
directory (~/.sanctum/bin) are expected to exist: docs, scripts and
other tools read them. When one is missing, nothing it should hold can
be audited. Create it, or set its real place in driftmap.yaml. A machine
with no instance file, no catalog and no driftmap.yaml setting has no
constellation, so nothing is expected of it (auditing any Mac with
--label-prefix= reports no missing directory).`,
	Example: `/Users/bert/.sanctum/services: error: manifests directory /Users/bert/.sanctum/services does not exist [missing-directory]`,
	Run: func(p *Pass) {
		for _, d := range p.Dirs {
			if d.Exists || !d.Expected {
				continue
			}
			p.ReportAt(graph.Evidence{File: d.Path}, graph.ID(graph.Directory, d.Path),
				fmt.Sprintf("%s directory %s does not exist", d.Name, d.Path), d.Evidence)
		}
	},
}
