package queries

import (
	"fmt"
	"slices"
	"strings"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources/render"
)

// HandRegistered reports each service that only manifests define.
var HandRegistered = &Rule{
	Name:     "hand-registered",
	Severity: Info,
	Title:    "a service registered by hand in a manifest, outside the catalog",
	Doc: `A manifest whose name is a service that neither the catalog nor
instance.yaml defines registers that service by hand: the manifest is the
service's only source. driftmap takes it as one: its launchagent claims
the job, its requires are dependencies and its port counts for
port-conflict; render never lists, changes or retires it (render --prune
retires a manifest only when instance.yaml disables its service or it
names an old name of another service). Nothing is wrong, but the service
is not canonical: render will not write its manifest, and tools that read
the catalog do not see it. Add it to the catalog (and instance.yaml) to
make it canonical.`,
	Example: `/Users/bert/.sanctum/services/scratch.yaml:1: info: service scratch is registered by hand in /Users/bert/.sanctum/services/scratch.yaml; add it to the catalog to make it canonical [hand-registered]`,
	Run: func(p *Pass) {
		g := p.Graph
		hand := map[string]bool{} // manifest node ID -> render leaves it as hand-registered
		for _, pl := range p.Plan {
			if pl.Action == render.Hand {
				hand[graph.ID(graph.Manifest, pl.File)] = true
			}
		}
		bySvc := map[string][]graph.Evidence{}
		var svcs []string
		for _, m := range g.NodesOf(graph.Manifest) {
			// Without a plan (no catalog or no instance.yaml) every
			// manifest of a manifest-only service is hand-registered; with
			// one, a manifest render takes for a catalog service by its
			// file name is that service's, whatever its name says.
			if p.Plan != nil && !hand[m.ID] {
				continue
			}
			for _, e := range g.From(m.ID, graph.Describes) {
				s := node(g, e.To)
				if !render.HandRegistered(s) {
					continue
				}
				if _, ok := bySvc[s.ID]; !ok {
					svcs = append(svcs, s.ID)
				}
				bySvc[s.ID] = append(bySvc[s.ID], e.Evidence...)
			}
		}
		slices.Sort(svcs)
		for _, id := range svcs {
			ev := graph.SortEvidence(bySvc[id])
			files := make([]string, 0, len(ev))
			for _, e := range ev {
				files = append(files, e.File)
			}
			files = slices.Compact(files)
			p.Report(id, fmt.Sprintf("service %s is registered by hand in %s; add it to the catalog to make it canonical", node(g, id).Name, strings.Join(files, " and ")), ev...)
		}
	},
}
