package render

import (
	"path"
	"slices"
	"strings"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources"
	"github.com/driftmap/driftmap/sources/sanctum"
)

// conventionLabel returns the Label of the live job that runs svc by the
// naming convention (Label = prefix + name), or "".
func conventionLabel(g *graph.Graph, svc string) string {
	for _, e := range g.From(graph.ID(graph.Service, svc), graph.RunsAs) {
		if j, ok := g.Node(e.To); ok && j.State == graph.Live {
			return j.Label
		}
	}
	return ""
}

// Desired returns the manifests `driftmap render` writes: one per enabled
// instance-backed catalog service and one per enabled auxiliary service,
// sorted by service. Owned fields come from the canonical inputs: port
// from instance.yaml, else the catalog entry; requires (canonical names,
// sorted) and launchagent from the catalog entry, or, when it names none,
// the Label of the job that runs the service by naming convention.
func Desired(s *sources.Snapshot) []DesiredManifest {
	if s.Catalog == nil || s.Instance == nil {
		return nil // without both canonical inputs there is nothing to render from
	}
	dir, ok := s.Layout.InRoot(s.Layout.Manifests)
	if !ok {
		return nil
	}
	instancePorts := map[string]int{}
	instanceBacked := map[string]bool{}
	if s.Instance != nil {
		for _, is := range s.Instance.Services {
			svc := s.InstanceService(is.Key)
			instanceBacked[svc] = true
			if is.Port != 0 {
				instancePorts[svc] = is.Port
			}
		}
	}
	var out []DesiredManifest
	seen := map[string]bool{}
	for _, e := range s.Catalog.Entries {
		svc := s.ServiceName(e.Name)
		if seen[svc] {
			continue // a second definition is a conflicting-definition, not a second manifest
		}
		if e.Section == sanctum.SectionServices && !instanceBacked[svc] {
			continue
		}
		if n, ok := s.Graph.Node(graph.ID(graph.Service, svc)); !ok || n.State != graph.Enabled {
			continue
		}
		seen[svc] = true
		d := DesiredManifest{
			Service:       svc,
			File:          path.Join(dir, svc+".yaml"),
			Port:          e.Port,
			Requires:      s.CanonicalNames(e.Requires),
			GeneratedFrom: []string{s.Layout.Catalog},
		}
		if p, ok := instancePorts[svc]; ok {
			d.Port = p
		}
		if e.LaunchAgent != nil {
			d.LaunchAgent = e.LaunchAgent.Name
		} else {
			d.LaunchAgent = conventionLabel(s.Graph, svc)
		}
		if e.Section == sanctum.SectionServices {
			d.GeneratedFrom = append(d.GeneratedFrom, s.Layout.Instance)
		}
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b DesiredManifest) int { return strings.Compare(a.Service, b.Service) })
	return out
}
