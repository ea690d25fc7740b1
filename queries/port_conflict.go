package queries

import (
	"fmt"
	"slices"

	"github.com/driftmap/driftmap/graph"
)

// PortConflict reports two enabled services that claim one port.
var PortConflict = &Rule{
	Name:     "port-conflict",
	Severity: Error,
	Title:    "two enabled services claim the same port",
	Doc: `Ports come from instance.yaml, the catalog (services and auxiliary
entries) and manifests (the top-level port, or else the port of each
provides entry: provides: [{port: 8080, protocol: http}]). When two
enabled services claim one port, the second to start fails to bind, or
worse, health checks reach the wrong service. Services that run as the
same launchd job count as one. Give one of them another port,
everywhere it is written.`,
	Example: `/Users/bert/.sanctum/instance.yaml:5: error: port 8765 is claimed by 2 enabled services: speech-api (/Users/bert/.sanctum/instance.yaml:14) and voice-agent (/Users/bert/.sanctum/instance.yaml:5) [port-conflict]`,
	Run: func(p *Pass) {
		g := p.Graph
		type claim struct {
			svc *graph.Node
			ev  graph.Evidence
		}
		byPort := map[int][]claim{}
		var ports []int
		for _, s := range g.NodesOf(graph.Service) {
			if s.State != graph.Enabled {
				continue
			}
			for _, pc := range s.Ports {
				if _, ok := byPort[pc.Port]; !ok {
					ports = append(ports, pc.Port)
				}
				byPort[pc.Port] = append(byPort[pc.Port], claim{s, pc.Evidence})
			}
		}
		slices.Sort(ports)
		for _, port := range ports {
			claims := byPort[port]
			// One owner per group of services sharing a job.
			var owners []*graph.Node
			var ev []graph.Evidence
			for _, c := range claims {
				ev = append(ev, c.ev)
				if !slices.ContainsFunc(owners, func(o *graph.Node) bool { return o == c.svc || shareJob(g, o, c.svc) }) {
					owners = append(owners, c.svc)
				}
			}
			if len(owners) < 2 {
				continue
			}
			var names []string
			for _, o := range owners {
				for _, c := range claims {
					if c.svc == o {
						names = append(names, fmt.Sprintf("%s (%s)", o.Name, c.ev.Location()))
						break
					}
				}
			}
			p.Report(owners[0].ID, fmt.Sprintf("port %d is claimed by %d enabled services: %s", port, len(owners), list(names)), ev...)
		}
	},
}

// shareJob reports whether services a and b run as the same job.
func shareJob(g *graph.Graph, a, b *graph.Node) bool {
	for _, ea := range g.From(a.ID, graph.RunsAs) {
		for _, eb := range g.From(b.ID, graph.RunsAs) {
			if ea.To == eb.To {
				return true
			}
		}
	}
	return false
}
