package queries

import (
	"fmt"
	"path"

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
is stale: when instance.yaml disables its service, or its name is an old
name (renamed_from) of another service, "driftmap render --prune" retires
it; otherwise (a second manifest of one service, or a service instance.yaml
does not enable) render keeps it, and a person decides. Run "driftmap
render"; other fields of the manifest are kept. A manifest of a service
that neither the catalog nor instance.yaml defines is not drift: it
registers that service by hand (see hand-registered).`,
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
				p.Report(id, fmt.Sprintf("manifest %s is rendered by no enabled service; driftmap render --prune retires it", base),
					graph.Evidence{File: pl.File})
			case render.Kept:
				p.Report(id, fmt.Sprintf("manifest %s is rendered by no enabled service, but no canonical source retires it; enable its service in instance.yaml, or remove the manifest", base),
					graph.Evidence{File: pl.File})
			}
		}
	},
}
