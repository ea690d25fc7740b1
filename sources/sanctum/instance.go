package sanctum

import (
	"slices"

	"gopkg.in/yaml.v3"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources/record"
)

// Instance is the part of instance.yaml driftmap interprets: the
// services section and the per-node overrides under nodes. Other
// top-level sections (instance, users, network, paths, ...) are kept by
// the file's owner and ignored here.
type Instance struct {
	File     string
	Services []InstanceService // in file order
	// Nodes are the per-node overrides (nodes: NAME: services: ...), in
	// file order. ForNode applies one of them.
	Nodes []InstanceNode
	// Node is the node whose overrides ForNode applied; "" when none.
	Node string
	// Keys lists every key of the services section, malformed entries
	// included, in file order (and, after ForNode, the keys only the
	// node lists).
	Keys []string
	// Unreadable is set when the services section could not be read
	// (the file is not YAML, is too big, or services is not a mapping):
	// which keys it defines is then unknown.
	Unreadable bool
}

// Defines reports whether instance.yaml is known to define key: false
// when its services section could not be read.
func (in *Instance) Defines(key string) bool {
	return slices.Contains(in.Keys, key)
}

// InstanceService is one entry of instance.yaml's services section, or
// of a node's services section.
type InstanceService struct {
	Key       string         // instance key, snake_case
	Enabled   bool           // enabled: defaults to true
	Port      int            // 0 when unset
	Evidence  graph.Evidence // the entry's key
	EnabledEv graph.Evidence // the entry that set Enabled: Evidence, or a node's entry that overrides it
	PortEv    graph.Evidence
	// EnabledSet says enabled: was written; a node's override applies
	// only what it writes.
	EnabledSet bool
}

// InstanceNode is one entry of instance.yaml's nodes section: the
// service settings that differ on the machine called Name.
type InstanceNode struct {
	Name     string
	Evidence graph.Evidence // the node's key
	Services []InstanceService
}

// ParseInstance parses instance.yaml. file is the path reported in
// evidence.
//
//	services:
//	  voice_agent: {enabled: true, port: 8765}
//	nodes:
//	  studio:
//	    services:
//	      voice_agent: {port: 8766}
//
// Keys of a node other than services are ignored, as are the file's
// other top-level sections.
func ParseInstance(data []byte, file string) (Instance, []record.Problem) {
	inst := Instance{File: file}
	root, probs := yamlDoc(data, file)
	if root == nil {
		inst.Unreadable = true
		return inst, probs
	}
	top := topMap(root, file, &probs)
	if svcs, ok := top.sub("services"); ok {
		inst.Services, inst.Keys = parseInstanceServices(svcs)
	} else if _, v := top.get("services"); v != nil && v.Tag != "!!null" {
		inst.Unreadable = true // services is not a mapping
	}
	if nodes, ok := top.sub("nodes"); ok {
		keys, vals := nodes.entries()
		for i, k := range keys {
			v := vals[i]
			if v.Tag == "!!null" {
				continue
			}
			if v.Kind != yaml.MappingNode {
				nodes.problem(k.Line, joinKey("nodes", k.Value), "nodes.%s must be a mapping, found %s", k.Value, Describe(v))
				continue
			}
			node := InstanceNode{Name: k.Value, Evidence: nodes.ev(k, k.Value, k.Value)}
			if svcs, ok := nodes.child(k.Value, v).sub("services"); ok {
				node.Services, _ = parseInstanceServices(svcs)
			}
			inst.Nodes = append(inst.Nodes, node)
		}
	}
	if top.exhausted() {
		return Instance{File: file, Unreadable: true}, probs
	}
	return inst, probs
}

// parseInstanceServices reads a services mapping: KEY: {enabled, port}.
// It returns the services and every key, malformed entries included.
func parseInstanceServices(svcs ymap) (out []InstanceService, all []string) {
	keys, vals := svcs.entries()
	for i, k := range keys {
		all = append(all, k.Value)
		ev := svcs.ev(k, k.Value, k.Value)
		s := InstanceService{Key: k.Value, Enabled: true, Evidence: ev, EnabledEv: ev}
		v := vals[i]
		switch {
		case v.Tag == "!!null":
		case v.Kind == yaml.MappingNode:
			m := svcs.child(k.Value, v)
			if en, set := m.boolean("enabled"); set {
				s.Enabled, s.EnabledSet = en, true
			}
			if p, ev, ok := m.port("port"); ok {
				s.Port, s.PortEv = p, ev
			}
		default:
			svcs.problem(k.Line, joinKey(svcs.path, k.Value), "%s must be a mapping, found %s", joinKey(svcs.path, k.Value), Describe(v))
			continue
		}
		out = append(out, s)
	}
	return out, all
}

// ForNode returns the instance as the machine called name sees it: its
// node entry's enabled and port replace the services' own, with the
// node's lines as their evidence, and a service key only the node lists
// is a service of that node (enabled unless it says otherwise). With no
// entry for name, an entry without services, or name "", it returns inst unchanged. inst is not
// modified.
func (inst Instance) ForNode(name string) Instance {
	if name == "" {
		return inst
	}
	var node *InstanceNode
	for i := range inst.Nodes {
		if inst.Nodes[i].Name == name {
			node = &inst.Nodes[i] // the last entry wins, as for any repeated key
		}
	}
	if node == nil || len(node.Services) == 0 {
		return inst
	}
	out := inst
	out.Node = name
	out.Services = append([]InstanceService(nil), inst.Services...)
	for _, o := range node.Services {
		i := -1
		for j := range out.Services {
			if out.Services[j].Key == o.Key {
				i = j
			}
		}
		if i < 0 {
			out.Services = append(out.Services, o)
			if !slices.Contains(out.Keys, o.Key) {
				out.Keys = append(slices.Clip(out.Keys), o.Key)
			}
			continue
		}
		s := &out.Services[i]
		if o.EnabledSet {
			s.Enabled, s.EnabledEv, s.EnabledSet = o.Enabled, o.EnabledEv, true
		}
		if o.Port != 0 {
			s.Port, s.PortEv = o.Port, o.PortEv
		}
	}
	return out
}
