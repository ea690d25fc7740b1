package queries

import (
	"fmt"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources/sanctum"
)

// MissingInstanceKey reports catalog services whose explicit instance_key
// instance.yaml does not define.
var MissingInstanceKey = &Rule{
	Name:     "missing-instance-key",
	Severity: Error,
	Title:    "a catalog service points at an instance key instance.yaml does not define",
	Doc: `A catalog entry's instance_key names the instance.yaml services key that
enables it and sets its port. When instance.yaml has no such key (it was
renamed, or misspelt in one of the two files), nothing enables the
service: driftmap does not take it for enabled (it is treated as
disabled, so rules about enabled services skip it and its dependents
see a disabled dependency) and render writes no manifest for it. Rename
the key in one of the two files so that they agree, or add the service
to instance.yaml. Nothing is reported when instance.yaml is absent or
its services section cannot be read (parse-error says why).`,
	Example: `sanctum/runtime_catalog.yaml:5: error: catalog service voice-agent points at instance key voice_agent, which instance.yaml does not define [missing-instance-key]`,
	Run: func(p *Pass) {
		for _, e := range sanctum.MissingInstanceKeys(p.Catalog, p.Instance) {
			svc := p.ServiceName(e.Name)
			p.Report(graph.ID(graph.Service, svc),
				fmt.Sprintf("catalog service %s points at instance key %s, which instance.yaml does not define", e.Name, e.InstanceKey),
				e.InstanceKeyEv)
		}
	},
}
