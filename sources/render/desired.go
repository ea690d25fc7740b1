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

// Desired returns the manifests `driftmap render` writes: one per
// service instance.yaml enables, whether or not the catalog lists it, and
// one per enabled catalog auxiliary service, sorted by service. A catalog
// service whose explicit instance_key instance.yaml does not define gets
// none (the loader leaves it disabled; missing-instance-key reports it).
// Owned fields come from the canonical inputs: port from instance.yaml,
// else the catalog entry; requires (canonical names, sorted) and
// launchagent from the catalog entry, or, when it names none (or the
// catalog does not list the service), the Label of the job that runs the
// service by naming convention.
func Desired(s *sources.Snapshot) []DesiredManifest {
	if s.Catalog == nil || s.Instance == nil {
		return nil // without both canonical inputs there is nothing to render from
	}
	dir, ok := s.Layout.InRoot(s.Layout.Manifests)
	if !ok {
		return nil
	}
	entries := map[string]*sanctum.CatalogEntry{} // service -> its first catalog entry
	for i := range s.Catalog.Entries {
		e := &s.Catalog.Entries[i]
		if svc := s.ServiceName(e.Name); entries[svc] == nil {
			entries[svc] = e // a second definition is a conflicting-definition, not a second manifest
		}
	}
	enabled := func(svc string) bool {
		n, ok := s.Graph.Node(graph.ID(graph.Service, svc))
		return ok && n.State == graph.Enabled
	}
	var out []DesiredManifest
	seen := map[string]bool{}
	add := func(svc string, e *sanctum.CatalogEntry, is *sanctum.InstanceService) {
		seen[svc] = true
		d := DesiredManifest{Service: svc, File: path.Join(dir, svc+".yaml")}
		if e != nil {
			d.Port = e.Port
			d.Requires = s.CanonicalNames(e.Requires)
			d.GeneratedFrom = append(d.GeneratedFrom, s.Layout.Catalog)
			if e.LaunchAgent != nil {
				d.LaunchAgent = e.LaunchAgent.Name
			}
		}
		if d.LaunchAgent == "" {
			d.LaunchAgent = conventionLabel(s.Graph, svc)
		}
		if is != nil {
			if is.Port != 0 {
				d.Port = is.Port
			}
			d.GeneratedFrom = append(d.GeneratedFrom, s.Layout.Instance)
		}
		out = append(out, d)
	}
	for i := range s.Instance.Services {
		is := &s.Instance.Services[i]
		svc := s.InstanceService(is.Key)
		if !is.Enabled || seen[svc] || !enabled(svc) {
			continue
		}
		add(svc, entries[svc], is)
	}
	for i := range s.Catalog.Entries {
		e := &s.Catalog.Entries[i]
		svc := s.ServiceName(e.Name)
		if e.Section != sanctum.SectionAuxiliary || seen[svc] || entries[svc] != e || !enabled(svc) {
			continue
		}
		add(svc, e, nil)
	}
	slices.SortFunc(out, func(a, b DesiredManifest) int { return strings.Compare(a.Service, b.Service) })
	return out
}
