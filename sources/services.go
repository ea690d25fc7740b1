package sources

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources/record"
	"github.com/driftmap/driftmap/sources/rootfs"
	"github.com/driftmap/driftmap/sources/sanctum"
)

// services.go joins services: the identity rules (NormName, instance keys,
// renamed_from aliases) and the references between services and jobs
// (requires, launchagent, the Label naming convention).

// NormName is the identity rule for service names: names written with
// '_' and '-' (and surrounding space) denote the same service.
func NormName(s string) string { return strings.ReplaceAll(strings.TrimSpace(s), "_", "-") }

func norm(s string) string { return NormName(s) }

// service returns the service known by name (canonical or alias), or "".
func (ld *loader) service(name string) string {
	n := norm(name)
	if id, ok := ld.byName[n]; ok {
		return id
	}
	return ld.byAlias[n]
}

// defineService creates (or returns) the service with canonical name.
func (ld *loader) defineService(name, origin string, ev graph.Evidence) *graph.Node {
	id := ld.service(name)
	var n *graph.Node
	if id != "" {
		n, _ = ld.b.Lookup(id)
	} else {
		n = ld.b.Node(graph.Service, name)
		n.State = graph.Enabled
		ld.byName[norm(name)] = n.ID
	}
	n.Origins = append(n.Origins, origin)
	n.Defined = append(n.Defined, ev)
	return n
}

func (ld *loader) loadCatalog() {
	file := filepath.Join(ld.l.Workspace, filepath.FromSlash(ld.l.Catalog))
	data, ok := ld.readOptional(file, hostReader(rootfs.MaxFleet))
	if !ok {
		return
	}
	cat, probs := sanctum.ParseCatalog(data, file)
	ld.probs = append(ld.probs, probs...)
	ld.cat = &cat
	// Canonical names first, so an alias never shadows a real name.
	for _, e := range cat.Entries {
		origin := "catalog"
		if e.Section == sanctum.SectionAuxiliary {
			origin = "auxiliary"
		}
		n := ld.defineService(e.Name, origin, e.Evidence)
		if e.Enabled != nil && !*e.Enabled {
			n.State = graph.Disabled
			n.Detail = fmt.Sprintf("enabled: false in %s", e.Evidence.Location())
		}
		if e.Role != "" {
			n.Role = e.Role
		}
		n.ExitsNonzero = n.ExitsNonzero || e.ExitsNonzero
		ld.claim(n, []graph.Port{{Port: e.Port, Evidence: e.PortEv}}, e.LaunchAgent, e.Requires)
		if e.SystemdUnit != nil {
			ld.unitClaims = append(ld.unitClaims, pendingRef{n.ID, graph.RunsAs, *e.SystemdUnit})
		}
	}
	for _, e := range cat.Entries {
		id := ld.service(e.Name)
		n, _ := ld.b.Lookup(id)
		for _, a := range e.RenamedFrom {
			if _, taken := ld.byName[norm(a.Name)]; taken {
				continue
			}
			ld.byAlias[norm(a.Name)] = id
			n.Aliases = append(n.Aliases, a.Name)
		}
	}
}

func (ld *loader) loadInstance() {
	p, ok := ld.l.InRoot(ld.l.Instance)
	if !ok {
		return
	}
	data, ok := ld.readOptional(p, ld.rootReader(rootfs.MaxFleet))
	if !ok {
		return
	}
	inst, probs := sanctum.ParseInstance(data, p)
	ld.probs = append(ld.probs, probs...)
	inst = inst.ForNode(ld.l.Node)
	ld.inst = &inst
	keyed := map[string]string{} // explicit instance_key -> service ID
	if ld.cat != nil {
		for _, e := range ld.cat.Entries {
			if e.InstanceKey != "" {
				keyed[e.InstanceKey] = ld.service(e.Name)
			}
		}
	}
	for _, s := range inst.Services {
		var n *graph.Node
		if id, ok := keyed[s.Key]; ok {
			n, _ = ld.b.Lookup(id)
			n.Origins = append(n.Origins, "instance")
			n.Defined = append(n.Defined, s.Evidence)
		} else {
			n = ld.defineService(norm(s.Key), "instance", s.Evidence)
		}
		ld.instanceOf[s.Key] = n.ID
		if !s.Enabled {
			n.State = graph.Disabled
			n.Detail = fmt.Sprintf("enabled: false in %s", s.EnabledEv.Location())
		}
		if s.Port != 0 {
			n.Ports = append(n.Ports, graph.Port{Port: s.Port, Evidence: s.PortEv})
		}
	}
	ld.unkeyed()
}

// claim records what a source says about service n: the ports it claims
// (port 0 claims none), the job that runs it and the services it
// requires (resolved once every service is known).
func (ld *loader) claim(n *graph.Node, ports []graph.Port, launch *record.Ref, requires []record.Ref) {
	for _, p := range ports {
		if p.Port != 0 {
			n.Ports = append(n.Ports, p)
		}
	}
	if launch != nil {
		ld.refs = append(ld.refs, pendingRef{n.ID, graph.RunsAs, *launch})
		ld.explicit[n.ID] = true
	}
	for _, r := range requires {
		ld.refs = append(ld.refs, pendingRef{n.ID, graph.Requires, r})
	}
}

// resolveRefs turns requires and launchagent references into edges. A
// name defined nowhere becomes an Undefined service; a label no plist has
// becomes an Undefined job.
func (ld *loader) resolveRefs() {
	for _, r := range append(ld.otherJobs, ld.refs...) {
		switch r.kind {
		case graph.Requires:
			id := ld.service(r.ref.Name)
			if id == "" {
				n := ld.b.Node(graph.Service, norm(r.ref.Name))
				if n.State == "" {
					n.State = graph.Undefined
				}
				id = n.ID
			}
			ld.b.AddEdge(r.from, id, graph.Requires, r.ref.Evidence)
		case graph.OtherJob:
			ld.b.AddEdge(r.from, ld.jobRef(r.ref.Name), graph.OtherJob, r.ref.Evidence)
		case graph.RunsAs:
			jid := ld.jobRef(r.ref.Name)
			ld.runners[jid] = append(ld.runners[jid], r.from)
			ld.b.AddEdge(r.from, jid, graph.RunsAs, r.ref.Evidence)
		}
	}
}

// jobRef returns the job a label names: a live or disabled plist's job, else
// a retired one, else a new Undefined job.
func (ld *loader) jobRef(label string) string {
	if ids := ld.jobs[label]; len(ids) > 0 {
		return ids[0]
	}
	n := ld.b.Node(graph.Job, label)
	n.Label = label
	if n.State == "" {
		n.State = graph.Undefined
	}
	return n.ID
}

// claimByConvention gives each unclaimed live or disabled job to the
// service whose name is its Label without the prefix
// (com.sanctum.triage -> triage), unless that service names its job
// explicitly.
func (ld *loader) claimByConvention() {
	labels := make([]string, 0, len(ld.jobs))
	for l := range ld.jobs {
		labels = append(labels, l)
	}
	slices.Sort(labels)
	for _, label := range labels {
		jid := ld.jobs[label][0]
		jn, _ := ld.b.Lookup(jid)
		if jn.State == graph.Retired || len(ld.runners[jid]) > 0 {
			continue
		}
		for _, p := range ld.l.LabelPrefixes {
			if p == "" || !strings.HasPrefix(label, p) {
				continue
			}
			sid := ld.service(strings.TrimPrefix(label, p))
			if sid == "" || ld.explicit[sid] {
				continue
			}
			ev := jn.Defined[0]
			ev.Key = "Label (naming convention)"
			ld.b.AddEdge(sid, jid, graph.RunsAs, ev)
			ld.runners[jid] = append(ld.runners[jid], sid)
			break
		}
	}
}

// labelServices returns the services that run as the job labelled label:
// those whose launchagent names it, else the one the Label naming
// convention gives, whether or not a plist has the label. Call it after
// resolveRefs and claimByConvention.
func (ld *loader) labelServices(label string) []string {
	jid := graph.ID(graph.Job, label)
	if ids := ld.jobs[label]; len(ids) > 0 {
		jid = ids[0]
	}
	if s := ld.runners[jid]; len(s) > 0 {
		return s
	}
	var out []string
	for _, p := range ld.l.LabelPrefixes {
		if p == "" || !strings.HasPrefix(label, p) {
			continue
		}
		if sid := ld.service(strings.TrimPrefix(label, p)); sid != "" && !slices.Contains(out, sid) {
			out = append(out, sid)
		}
	}
	return out
}
