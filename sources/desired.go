package sources

import (
	"path"
	"slices"
	"strings"

	"github.com/driftmap/driftmap/graph"
)

// Definition is what one canonical source says about one service: the
// fields render owns, as written there. Zero values mean "not said".
type Definition struct {
	Source      string // "instance.yaml", "catalog services", "catalog auxiliary", "driftmap.yaml"
	Evidence    graph.Evidence
	Port        int
	PortEv      graph.Evidence
	LaunchAgent string
	LaunchEv    graph.Evidence
	Requires    []string // canonical names, sorted; nil when the source has no requires
	RequiresEv  graph.Evidence
}

// ServiceDefinitions gathers every canonical definition of one service.
type ServiceDefinitions struct {
	Service string // canonical name
	Defs    []Definition
}

// Definitions returns, per service, what instance.yaml, the catalog's
// services and auxiliary entries and driftmap.yaml say about it, joined
// by the same identity rules as the graph. Sorted by service.
func (s *Snapshot) Definitions() []ServiceDefinitions {
	by := map[string]*ServiceDefinitions{}
	var order []string
	add := func(svc string, d Definition) {
		sd, ok := by[svc]
		if !ok {
			sd = &ServiceDefinitions{Service: svc}
			by[svc] = sd
			order = append(order, svc)
		}
		sd.Defs = append(sd.Defs, d)
	}
	entry := func(e CatalogEntry, source string) {
		d := Definition{Source: source, Evidence: e.Evidence, Port: e.Port, PortEv: e.PortEv}
		if e.LaunchAgent != nil {
			d.LaunchAgent, d.LaunchEv = e.LaunchAgent.Name, e.LaunchAgent.Evidence
		}
		if e.Requires != nil {
			d.Requires = s.canonicalNames(e.Requires)
			d.RequiresEv = e.Requires[0].Evidence
		}
		add(s.serviceName(e.Name), d)
	}
	if s.Catalog != nil {
		for _, e := range s.Catalog.Entries {
			entry(e, "catalog "+e.Section)
		}
	}
	for _, e := range s.Layout.Services {
		entry(e, "driftmap.yaml")
	}
	if s.Instance != nil {
		for _, is := range s.Instance.Services {
			add(s.instanceService(is.Key), Definition{Source: "instance.yaml", Evidence: is.Evidence, Port: is.Port, PortEv: is.PortEv})
		}
	}
	slices.Sort(order)
	out := make([]ServiceDefinitions, 0, len(order))
	for _, svc := range order {
		out = append(out, *by[svc])
	}
	return out
}

// serviceName returns the canonical name of the service a name (or old
// name) denotes in the graph, or the name normalised when it denotes none.
func (s *Snapshot) serviceName(name string) string {
	n := norm(name)
	if id, ok := s.byName[n]; ok {
		return strings.TrimPrefix(id, "service:")
	}
	if id, ok := s.byAlias[n]; ok {
		return strings.TrimPrefix(id, "service:")
	}
	return n
}

// instanceService returns the service an instance key joined, as the
// loader joined it (explicit instance_key first, else by name).
func (s *Snapshot) instanceService(key string) string {
	if id, ok := s.instanceOf[key]; ok {
		return strings.TrimPrefix(id, "service:")
	}
	return s.serviceName(key)
}

// canonicalNames resolves references to canonical names, sorted, without
// duplicates.
func (s *Snapshot) canonicalNames(refs []Ref) []string {
	out := make([]string, 0, len(refs))
	for _, r := range refs {
		out = append(out, s.serviceName(r.Name))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// conventionLabel returns the Label of the live job that runs svc by the
// naming convention (Label = prefix + name), or "".
func (s *Snapshot) conventionLabel(svc string) string {
	for _, e := range s.Graph.From(graph.ID(graph.Service, svc), graph.RunsAs) {
		if j, ok := s.Graph.Node(e.To); ok && j.State == graph.Live {
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
func (s *Snapshot) Desired() []DesiredManifest {
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
			svc := s.instanceService(is.Key)
			instanceBacked[svc] = true
			if is.Port != 0 {
				instancePorts[svc] = is.Port
			}
		}
	}
	var out []DesiredManifest
	seen := map[string]bool{}
	for _, e := range s.Catalog.Entries {
		svc := s.serviceName(e.Name)
		if seen[svc] {
			continue // a second definition is a conflicting-definition, not a second manifest
		}
		if e.Section == SectionServices && !instanceBacked[svc] {
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
			Requires:      s.canonicalNames(e.Requires),
			GeneratedFrom: []string{s.Layout.Catalog},
		}
		if p, ok := instancePorts[svc]; ok {
			d.Port = p
		}
		if e.LaunchAgent != nil {
			d.LaunchAgent = e.LaunchAgent.Name
		} else {
			d.LaunchAgent = s.conventionLabel(svc)
		}
		if e.Section == SectionServices {
			d.GeneratedFrom = append(d.GeneratedFrom, s.Layout.Instance)
		}
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b DesiredManifest) int { return strings.Compare(a.Service, b.Service) })
	return out
}
