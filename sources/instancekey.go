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
	for _, e := range MissingInstanceKeys(ld.cat, ld.inst) {
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

// MissingInstanceKeys returns the catalog entries whose explicit
// instance_key instance.yaml does not define, in catalog order; none when
// either file is missing or instance.yaml's services could not be read.
func MissingInstanceKeys(cat *sanctum.Catalog, inst *sanctum.Instance) []sanctum.CatalogEntry {
	if cat == nil || inst == nil || inst.Unreadable {
		return nil
	}
	var out []sanctum.CatalogEntry
	for _, e := range cat.Entries {
		if e.InstanceKey != "" && !inst.Defines(e.InstanceKey) {
			out = append(out, e)
		}
	}
	return out
}
