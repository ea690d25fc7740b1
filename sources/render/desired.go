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

// Desired returns the manifests `driftmap render` writes, sorted by
// service, as the truth policy (Layout.Truth) says.
//
// Under truth: instance (the default): one per service instance.yaml
// enables, whether or not the catalog lists it, and one per enabled
// catalog auxiliary service. A catalog service whose explicit
// instance_key instance.yaml does not define gets none (the loader leaves
// it disabled; missing-instance-key reports it). Owned fields come from
// the canonical inputs: port from instance.yaml, else the catalog entry;
// requires (canonical names, sorted) and launchagent from the catalog
// entry, or, when it names none (or the catalog does not list the
// service), the Label of the job that runs the service by naming
// convention.
//
// Under truth: catalog: one per catalog service and auxiliary that
// instance.yaml does not disable (nor, for an auxiliary, its own
// enabled: false); the catalog's port wins over instance.yaml's, and an
// enabled instance.yaml service the catalog does not list gets none
// (see Uncatalogued).
func Desired(s *sources.Snapshot) []DesiredManifest {
	if s.Catalog == nil || s.Instance == nil {
		return nil // without both canonical inputs there is nothing to render from
	}
	dir, ok := s.Layout.InRoot(s.Layout.Manifests)
	if !ok {
		return nil
	}
	m := &manifests{s: s, dir: dir, seen: map[string]bool{}}
	if s.Layout.Truth() == sanctum.TruthCatalog {
		m.catalogPort = true
		m.byCatalog()
	} else {
		m.byInstance()
	}
	slices.SortFunc(m.out, func(a, b DesiredManifest) int { return strings.Compare(a.Service, b.Service) })
	return m.out
}

// manifests builds the manifests Desired returns.
type manifests struct {
	s           *sources.Snapshot
	dir         string // the manifests directory, in the root
	catalogPort bool   // the catalog's port wins over instance.yaml's (truth: catalog)
	seen        map[string]bool
	out         []DesiredManifest
}

// add adds the manifest of svc, from its catalog entry e and its
// instance.yaml service is (either may be nil).
func (m *manifests) add(svc string, e *sanctum.CatalogEntry, is *sanctum.InstanceService) {
	s := m.s
	m.seen[svc] = true
	d := DesiredManifest{Service: svc, File: path.Join(m.dir, svc+".yaml")}
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
		if is.Port != 0 && (d.Port == 0 || !m.catalogPort) {
			d.Port = is.Port // under truth: catalog, the catalog owns only what it states
		}
		d.GeneratedFrom = append(d.GeneratedFrom, s.Layout.Instance)
	}
	m.out = append(m.out, d)
}

// byInstance adds the manifests of truth: instance.
func (m *manifests) byInstance() {
	s := m.s
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
	for i := range s.Instance.Services {
		is := &s.Instance.Services[i]
		svc := s.InstanceService(is.Key)
		if !is.Enabled || m.seen[svc] || !enabled(svc) {
			continue
		}
		m.add(svc, entries[svc], is)
	}
	for i := range s.Catalog.Entries {
		e := &s.Catalog.Entries[i]
		svc := s.ServiceName(e.Name)
		if e.Section != sanctum.SectionAuxiliary || m.seen[svc] || entries[svc] != e || !enabled(svc) {
			continue
		}
		m.add(svc, e, nil)
	}
}

// byCatalog adds the manifests of truth: catalog.
func (m *manifests) byCatalog() {
	s := m.s
	instance := map[string]*sanctum.InstanceService{}
	for i := range s.Instance.Services {
		is := &s.Instance.Services[i]
		if svc := s.InstanceService(is.Key); instance[svc] == nil {
			instance[svc] = is
		}
	}
	for i := range s.Catalog.Entries {
		e := &s.Catalog.Entries[i]
		svc := s.ServiceName(e.Name)
		is := instance[svc]
		if m.seen[svc] || is != nil && !is.Enabled || e.Enabled != nil && !*e.Enabled {
			continue
		}
		m.add(svc, e, is)
	}
}

// Uncatalogued returns, under truth: catalog, the services instance.yaml
// enables that the catalog does not list, sorted: render writes no
// manifest for them (and leaves an existing one alone). Under truth:
// instance it returns nothing.
func Uncatalogued(s *sources.Snapshot) []string {
	if s.Layout.Truth() != sanctum.TruthCatalog || s.Catalog == nil || s.Instance == nil {
		return nil
	}
	listed := map[string]bool{}
	for _, e := range s.Catalog.Entries {
		listed[s.ServiceName(e.Name)] = true
	}
	var out []string
	for _, is := range s.Instance.Services {
		if svc := s.InstanceService(is.Key); is.Enabled && !listed[svc] {
			out = append(out, svc)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
