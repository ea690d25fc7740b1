package sanctum

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources/record"
)

const nodesSrc = `services:
  voice_agent: {port: 8765}
  tts:
    enabled: false
    port: 7788
nodes:
  studio:
    hardware: m2-ultra
    services:
      voice_agent: {port: 8766}
      tts: {enabled: true}
      gpu_only: {port: 9000}
  laptop:
    services:
      voice_agent: {enabled: false}
  empty:
  listed: [1]
  noservices: {services: [a]}
  badsvc:
    services:
      voice_agent: 5
      tts: {enabled: "no", port: "x"}
`

func TestParseInstanceNodes(t *testing.T) {
	inst, probs := ParseInstance([]byte(nodesSrc), "/i.yaml")
	ev := func(line int, key, token string) graph.Evidence {
		return graph.Evidence{File: "/i.yaml", Line: line, Key: key, Token: token}
	}
	svc := func(key string, line int, path string) InstanceService {
		e := ev(line, path+"."+key, key)
		return InstanceService{Key: key, Enabled: true, Evidence: e, EnabledEv: e}
	}
	va := svc("voice_agent", 10, "nodes.studio.services")
	va.Port, va.PortEv = 8766, ev(10, "nodes.studio.services.voice_agent.port", "8766")
	tts := svc("tts", 11, "nodes.studio.services")
	tts.EnabledSet = true
	gpu := svc("gpu_only", 12, "nodes.studio.services")
	gpu.Port, gpu.PortEv = 9000, ev(12, "nodes.studio.services.gpu_only.port", "9000")
	lva := svc("voice_agent", 15, "nodes.laptop.services")
	lva.Enabled, lva.EnabledSet = false, true
	btts := svc("tts", 22, "nodes.badsvc.services")
	want := []InstanceNode{
		{Name: "studio", Evidence: ev(7, "nodes.studio", "studio"), Services: []InstanceService{va, tts, gpu}},
		{Name: "laptop", Evidence: ev(13, "nodes.laptop", "laptop"), Services: []InstanceService{lva}},
		{Name: "noservices", Evidence: ev(18, "nodes.noservices", "noservices")},
		{Name: "badsvc", Evidence: ev(19, "nodes.badsvc", "badsvc"), Services: []InstanceService{btts}},
	}
	if d := cmp.Diff(want, inst.Nodes); d != "" {
		t.Errorf("nodes (-want +got):\n%s", d)
	}
	if len(inst.Services) != 2 || inst.Node != "" {
		t.Errorf("services = %+v, node %q", inst.Services, inst.Node)
	}
	wantProbs := []record.Problem{
		{File: "/i.yaml", Line: 17, Key: "nodes.listed", Message: "nodes.listed must be a mapping, found a list"},
		{File: "/i.yaml", Line: 18, Key: "nodes.noservices.services", Message: "nodes.noservices.services must be a mapping, found a list"},
		{File: "/i.yaml", Line: 21, Key: "nodes.badsvc.services.voice_agent", Message: "nodes.badsvc.services.voice_agent must be a mapping, found an integer"},
		{File: "/i.yaml", Line: 22, Key: "nodes.badsvc.services.tts.enabled", Message: "nodes.badsvc.services.tts.enabled must be true or false, found a string"},
		{File: "/i.yaml", Line: 22, Key: "nodes.badsvc.services.tts.port", Message: "nodes.badsvc.services.tts.port must be an integer, found a string"},
	}
	if d := cmp.Diff(wantProbs, probs); d != "" {
		t.Errorf("problems (-want +got):\n%s", d)
	}

	// nodes: that is not a mapping is a problem; services still read.
	inst, probs = ParseInstance([]byte("services: {a: {port: 1}}\nnodes: [studio]\n"), "/i.yaml")
	if len(inst.Services) != 1 || inst.Nodes != nil || len(probs) != 1 || probs[0].Message != "nodes must be a mapping, found a list" {
		t.Errorf("nodes list: %+v %v", inst, probs)
	}
}

func TestInstanceForNode(t *testing.T) {
	inst, probs := ParseInstance([]byte(nodesSrc), "/i.yaml")
	if len(probs) == 0 {
		t.Fatal("fixture lost its problems")
	}
	type got struct {
		Key     string
		Enabled bool
		Port    int
		EnLine  int // EnabledEv.Line
		PortKey string
	}
	summary := func(in Instance) []got {
		var out []got
		for _, s := range in.Services {
			out = append(out, got{s.Key, s.Enabled, s.Port, s.EnabledEv.Line, s.PortEv.Key})
		}
		return out
	}
	base := []got{
		{"voice_agent", true, 8765, 2, "services.voice_agent.port"},
		{"tts", false, 7788, 3, "services.tts.port"},
	}
	for _, tc := range []struct {
		node     string
		applied  string
		services []got
	}{
		{node: "", services: base},
		{node: "nowhere", services: base},    // no entry: no overrides, silently
		{node: "empty", services: base},      // empty entry
		{node: "noservices", services: base}, // nothing to override
		{node: "Studio", services: base},     // names match exactly
		{node: "studio", applied: "studio", services: []got{
			{"voice_agent", true, 8766, 2, "nodes.studio.services.voice_agent.port"}, // port only: enabled untouched
			{"tts", true, 7788, 11, "services.tts.port"},                             // enabled only: port untouched
			{"gpu_only", true, 9000, 12, "nodes.studio.services.gpu_only.port"},      // only on this node: defined here
		}},
		{node: "laptop", applied: "laptop", services: []got{
			{"voice_agent", false, 8765, 15, "services.voice_agent.port"},
			{"tts", false, 7788, 3, "services.tts.port"},
		}},
	} {
		t.Run(tc.node, func(t *testing.T) {
			out := inst.ForNode(tc.node)
			if out.Node != tc.applied {
				t.Errorf("Node = %q, want %q", out.Node, tc.applied)
			}
			if d := cmp.Diff(tc.services, summary(out)); d != "" {
				t.Errorf("services (-want +got):\n%s", d)
			}
			if d := cmp.Diff(base, summary(inst)); d != "" {
				t.Errorf("ForNode modified its receiver (-want +got):\n%s", d)
			}
		})
	}
}

func TestApplyConfigNode(t *testing.T) {
	l := DefaultLayout("/r", "/Users/bert", "/w")
	if probs := ApplyConfig(&l, []byte("manifests: ~/s\nnode: studio\n"), "/w/driftmap.yaml"); len(probs) != 0 {
		t.Fatalf("problems: %v", probs)
	}
	if l.Node != "studio" || l.Set["node"].Line != 2 {
		t.Errorf("node = %q, set %v", l.Node, l.Set)
	}
	l = DefaultLayout("/r", "/Users/bert", "/w")
	probs := ApplyConfig(&l, []byte("node: [studio]\n"), "/w/driftmap.yaml")
	if l.Node != "" || len(probs) != 1 || probs[0].Message != "node must be a string, found a list" {
		t.Errorf("node = %q, problems %v", l.Node, probs)
	}
}
