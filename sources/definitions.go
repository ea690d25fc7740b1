package sources

import (
	"slices"
	"strings"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources/record"
	"github.com/driftmap/driftmap/sources/sanctum"
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
	entry := func(e sanctum.CatalogEntry, source string) {
		d := Definition{Source: source, Evidence: e.Evidence, Port: e.Port, PortEv: e.PortEv}
		if e.LaunchAgent != nil {
			d.LaunchAgent, d.LaunchEv = e.LaunchAgent.Name, e.LaunchAgent.Evidence
		}
		if e.Requires != nil {
			d.Requires = s.CanonicalNames(e.Requires)
			d.RequiresEv = e.Requires[0].Evidence
		}
		add(s.ServiceName(e.Name), d)
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
			add(s.InstanceService(is.Key), Definition{Source: "instance.yaml", Evidence: is.Evidence, Port: is.Port, PortEv: is.PortEv})
		}
	}
	slices.Sort(order)
	out := make([]ServiceDefinitions, 0, len(order))
	for _, svc := range order {
		out = append(out, *by[svc])
	}
	return out
}

// ServiceName returns the canonical name of the service a name (or old
// name) denotes in the graph, or the name normalised when it denotes none.
func (s *Snapshot) ServiceName(name string) string {
	n := norm(name)
	if id, ok := s.byName[n]; ok {
		return strings.TrimPrefix(id, "service:")
	}
	if id, ok := s.byAlias[n]; ok {
		return strings.TrimPrefix(id, "service:")
	}
	return n
}

// InstanceService returns the service an instance key joined, as the
// loader joined it (explicit instance_key first, else by name).
func (s *Snapshot) InstanceService(key string) string {
	if id, ok := s.instanceOf[key]; ok {
		return strings.TrimPrefix(id, "service:")
	}
	return s.ServiceName(key)
}

// CanonicalNames resolves references to canonical names, sorted, without
// duplicates.
func (s *Snapshot) CanonicalNames(refs []record.Ref) []string {
	out := make([]string, 0, len(refs))
	for _, r := range refs {
		out = append(out, s.ServiceName(r.Name))
	}
	slices.Sort(out)
	return slices.Compact(out)
}
