package queries

import (
	"fmt"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources/render"
)

// ManifestMissing reports enabled services without a manifest.
var ManifestMissing = &Rule{
	Name:     "manifest-missing",
	Severity: Error,
	Title:    "an enabled service has no manifest",
	Doc: `Every service instance.yaml enables (whether or not the catalog lists
it) and every enabled catalog auxiliary service has a manifest in the
manifests directory: health checks, remediation and documentation read
it. A catalog service whose instance_key instance.yaml does not define is
not enabled and needs none (see missing-instance-key). When the directory exists
but a service's manifest does not, those tools do not know the service.
Run "driftmap render" to write it. (When the directory itself is missing,
missing-directory reports that instead.)`,
	Example: `/Users/bert/.sanctum/services/triage.yaml: error: enabled service triage has no manifest; driftmap render writes /Users/bert/.sanctum/services/triage.yaml [manifest-missing]`,
	Run: func(p *Pass) {
		for _, d := range p.Dirs {
			if d.Name == "manifests" && !d.Exists {
				return
			}
		}
		for _, pl := range p.Plan {
			if pl.Action != render.Create {
				continue
			}
			sid := graph.ID(graph.Service, pl.Desired.Service)
			ev := []graph.Evidence{{File: pl.File}}
			if n, ok := p.Graph.Node(sid); ok {
				ev = append(ev, n.Defined...)
			}
			p.ReportAt(ev[0], sid, fmt.Sprintf("enabled service %s has no manifest; driftmap render writes %s", pl.Desired.Service, pl.File), ev...)
		}
	},
}
