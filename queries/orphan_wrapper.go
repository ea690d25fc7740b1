package queries

import (
	"fmt"
	"slices"

	"github.com/driftmap/driftmap/graph"
)

// OrphanWrapper reports wrappers that nothing references.
var OrphanWrapper = &Rule{
	Name:     "orphan-wrapper",
	Severity: Info,
	Title:    "a wrapper that no job or wrapper references",
	Doc: `A script or symlink in a wrappers directory (~/.sanctum/bin,
~/.sanctum/scripts and ~/.sanctum/sentinels by default) that no live job
runs and no other wrapper execs, sources or links to. It is often what a
rename left behind, or a sentinel no job runs any more. Delete it, or
wire it to the job that should run it. A script outside those
directories is a wrapper only because a job runs it or a wrapper sources
it, so it is never an orphan.`,
	Example: `/Users/bert/.sanctum/bin/xtts-server: info: wrapper /Users/bert/.sanctum/bin/xtts-server is referenced by no job or wrapper [orphan-wrapper]`,
	Run: func(p *Pass) {
		g := p.Graph
		for _, w := range g.NodesOf(graph.Wrapper) {
			if !slices.Contains(w.Origins, "wrappers") {
				continue
			}
			used := false
			for _, e := range g.To(w.ID) {
				if from := node(g, e.From); from.Kind != graph.Job || from.State == graph.Live {
					used = true
					break
				}
			}
			if used {
				continue
			}
			p.ReportAt(graph.Evidence{File: w.Name}, w.ID, fmt.Sprintf("wrapper %s is referenced by no job or wrapper", w.Name))
		}
	},
}
