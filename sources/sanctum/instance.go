package sanctum

import (
	"slices"

	"gopkg.in/yaml.v3"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources/record"
)

// Instance is the part of instance.yaml driftmap interprets: the
// services section. Other top-level sections (instance, users, network,
// paths, ...) are kept by the file's owner and ignored here.
type Instance struct {
	File     string
	Services []InstanceService // in file order
	// Keys lists every key of the services section, malformed entries
	// included, in file order.
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

// InstanceService is one entry of instance.yaml's services section.
type InstanceService struct {
	Key      string         // instance key, snake_case
	Enabled  bool           // enabled: defaults to true
	Port     int            // 0 when unset
	Evidence graph.Evidence // the entry's key
	PortEv   graph.Evidence
}

// ParseInstance parses instance.yaml. file is the path reported in
// evidence.
//
//	services:
//	  voice_agent: {enabled: true, port: 8765}
func ParseInstance(data []byte, file string) (Instance, []record.Problem) {
	inst := Instance{File: file}
	root, probs := yamlDoc(data, file)
	if root == nil {
		inst.Unreadable = true
		return inst, probs
	}
	top := topMap(root, file, &probs)
	svcs, ok := top.sub("services")
	if !ok {
		if _, v := top.get("services"); v != nil && v.Tag != "!!null" || top.exhausted() {
			inst.Unreadable = true
		}
		return inst, probs
	}
	keys, vals := svcs.entries()
	for i, k := range keys {
		inst.Keys = append(inst.Keys, k.Value)
		s := InstanceService{Key: k.Value, Enabled: true, Evidence: svcs.ev(k, k.Value, k.Value)}
		v := vals[i]
		switch {
		case v.Tag == "!!null":
		case v.Kind == yaml.MappingNode:
			m := svcs.child(k.Value, v)
			if en, set := m.boolean("enabled"); set {
				s.Enabled = en
			}
			if p, ev, ok := m.port("port"); ok {
				s.Port, s.PortEv = p, ev
			}
		default:
			svcs.problem(k.Line, joinKey("services", k.Value), "services.%s must be a mapping, found %s", k.Value, Describe(v))
			continue
		}
		inst.Services = append(inst.Services, s)
	}
	if top.exhausted() {
		return Instance{File: file, Unreadable: true}, probs
	}
	return inst, probs
}
