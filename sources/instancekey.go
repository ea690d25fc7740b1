package sources

import (
	"fmt"
	"maps"
	"slices"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources/sanctum"
)

// unkeyed disables each catalog service whose explicit instance_key
// instance.yaml does not define (missing-instance-key reports it), unless
// another instance key joined it: instance.yaml does not enable it, so
// nothing may take it for enabled.
func (ld *loader) unkeyed() {
	for _, e := range sanctum.MissingInstanceKeys(ld.cat, ld.inst) {
		id := ld.service(e.Name)
		if slices.Contains(slices.Collect(maps.Values(ld.instanceOf)), id) {
			continue
		}
		if n, ok := ld.b.Lookup(id); ok && n.State == graph.Enabled {
			n.State = graph.Disabled
			n.Detail = fmt.Sprintf("its instance_key %s at %s is not in instance.yaml", e.InstanceKey, e.InstanceKeyEv.Location())
		}
	}
}
