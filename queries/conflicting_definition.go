package queries

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/driftmap/driftmap/graph"
)

// ConflictingDefinition reports canonical inputs that disagree about one
// service.
var ConflictingDefinition = &Rule{
	Name:     "conflicting-definition",
	Severity: Error,
	Title:    "canonical inputs disagree about a service",
	Doc: `A service's port, launchagent or requires is written in more than one
canonical input (instance.yaml, the catalog's services or auxiliary entry,
driftmap.yaml's services) with different values. Two sources of truth
will drift: whichever a tool reads decides what runs. driftmap names
every source with its value. Keep the value in one place and delete the
others, or make them agree. The message says which source owns the fact
under the truth policy (truth: in driftmap.yaml, or --truth): under
truth: instance, instance.yaml owns the port and the catalog the rest;
under truth: catalog, the catalog owns all it states. (A manifest that
differs is manifest-drift, not a conflict: manifests are rendered, not
canonical.)`,
	Example: `/Users/bert/.sanctum/instance.yaml:19: error: service voice-agent has conflicting ports: 8765 in instance.yaml (/Users/bert/.sanctum/instance.yaml:19), 8766 in catalog services (sanctum/runtime_catalog.yaml:9); under truth: instance, instance.yaml owns it (8765) [conflicting-definition]`,
	Run: func(p *Pass) {
		for _, sd := range p.Definitions() {
			type value struct {
				v  string
				ev graph.Evidence
				by string
			}
			check := func(field, fact string, vals []value) {
				distinct := map[string]bool{}
				for _, v := range vals {
					distinct[v.v] = true
				}
				if len(distinct) < 2 {
					return
				}
				var parts []string
				var ev []graph.Evidence
				for _, v := range vals {
					parts = append(parts, fmt.Sprintf("%s in %s (%s)", v.v, v.by, v.ev.Location()))
					ev = append(ev, v.ev)
				}
				msg := fmt.Sprintf("service %s has conflicting %s: %s", sd.Service, field, strings.Join(parts, ", "))
				policy := p.Layout.Truth()
				for _, src := range ownerOrder(fact, policy) {
					if i := slices.IndexFunc(vals, func(v value) bool { return definitionSource(v.by) == src }); i >= 0 {
						msg += fmt.Sprintf("; under truth: %s, %s owns it (%s)", policy, vals[i].by, vals[i].v)
						break
					}
				}
				p.ReportAt(vals[0].ev, graph.ID(graph.Service, sd.Service), msg, ev...)
			}
			var ports, labels, requires []value
			for _, d := range sd.Defs {
				if d.Port != 0 {
					ports = append(ports, value{strconv.Itoa(d.Port), d.PortEv, d.Source})
				}
				if d.LaunchAgent != "" {
					labels = append(labels, value{d.LaunchAgent, d.LaunchEv, d.Source})
				}
				if d.Requires != nil {
					requires = append(requires, value{"[" + strings.Join(d.Requires, ", ") + "]", d.RequiresEv, d.Source})
				}
			}
			check("ports", FactPort, ports)
			check("launchagents", FactLaunchAgent, labels)
			check("requires", FactRequires, requires)
		}
	},
}

// definitionSource maps a sources.Definition's Source to a statement's.
func definitionSource(by string) string {
	switch {
	case by == "instance.yaml":
		return "instance"
	case strings.HasPrefix(by, "catalog"):
		return "catalog"
	}
	return by
}
