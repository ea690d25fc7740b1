package queries

import (
	"fmt"
	"path"
	"slices"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources/render"
)

// ManifestDrift reports manifests whose owned fields differ from what
// `driftmap render` would write, and manifests no service renders.
var ManifestDrift = &Rule{
	Name:     "manifest-drift",
	Severity: Error,
	Title:    "a manifest differs from what render writes",
	Doc: `Service manifests are rendered from the catalog and instance.yaml, not
kept by hand: render owns name, port, requires and launchagent. A manifest
whose owned field differs from a fresh rendering has drifted from its
inputs (someone edited it, or the inputs changed since the last render),
and two sources of truth will disagree. A manifest that no service renders
(its service is disabled, or not in instance.yaml) is stale. Run
"driftmap render" (add --prune to retire stale manifests); other fields of
the manifest are kept.`,
	Example: `/Users/bert/.sanctum/services/voice-agent.yaml:3: error: manifest voice-agent.yaml: port is 8765, render writes 8766; run driftmap render [manifest-drift]`,
	Run: func(p *Pass) {
		for _, pl := range p.Plan {
			base := path.Base(pl.File)
			id := graph.ID(graph.Manifest, pl.File)
			switch pl.Action {
			case render.Update:
				for _, d := range pl.Diffs {
					p.Report(id, fmt.Sprintf("manifest %s: %s is %s, render writes %s; run driftmap render", base, d.Field, d.Have, d.Want),
						graph.Evidence{File: pl.File, Line: d.Line, Key: d.Field})
				}
			case render.Extra:
				if manifestOnly(p.Graph, pl.File) {
					continue // unmanaged reports a manifest of an unknown service
				}
				p.Report(id, fmt.Sprintf("manifest %s is rendered by no enabled service; driftmap render --prune retires it", base),
					graph.Evidence{File: pl.File})
			}
		}
	},
}

// manifestOnly reports whether the manifest at file describes a service
// that only manifests define.
func manifestOnly(g *graph.Graph, file string) bool {
	for _, e := range g.From(graph.ID(graph.Manifest, file), graph.Describes) {
		s := node(g, e.To)
		if !slices.ContainsFunc(s.Origins, func(o string) bool { return o != "manifest" }) {
			return true
		}
	}
	return false
}
