package sources

import (
	"fmt"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources/sanctum"
)

// unkeyed disables each catalog service whose explicit instance_key
// instance.yaml does not define (missing-instance-key reports it), unless
// another instance key joined it: instance.yaml does not enable it, so
// nothing may take it for enabled.
func (ld *loader) unkeyed() {
	joined := map[string]bool{} // services some instance key joined
	for _, id := range ld.instanceOf {
		joined[id] = true
	}
	for _, e := range sanctum.MissingInstanceKeys(ld.cat, ld.inst) {
		id := ld.service(e.Name)
		if joined[id] {
			continue
		}
		if n, ok := ld.b.Lookup(id); ok && n.State == graph.Enabled {
			n.State = graph.Disabled
			n.Detail = fmt.Sprintf("its instance_key %s at %s is not in instance.yaml", e.InstanceKey, e.InstanceKeyEv.Location())
		}
	}
}
