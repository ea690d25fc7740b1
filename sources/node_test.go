package sources

import (
	"path/filepath"
	"testing"

	"github.com/driftmap/driftmap/graph"
)

// TestNodeOverrides: the node is Options.Node, else driftmap.yaml's node:,
// else Options.Hostname; its overrides reach the graph (state, ports and
// their evidence) and the Snapshot's Instance, which render plans from.
func TestNodeOverrides(t *testing.T) {
	const inst = `services:
  voice: {port: 8000}
  tts: {port: 8001}
nodes:
  studio:
    services:
      tts: {port: 8000}
      extra: {port: 9000}
  laptop:
    services:
      voice: {enabled: false}
`
	for _, tc := range []struct {
		name, node, hostname, config string
		applied                      string
		voice                        graph.State
		ttsPort, ttsLine             int
		extra                        bool
	}{
		{name: "no node", voice: graph.Enabled, ttsPort: 8001, ttsLine: 3},
		{name: "hostname without entry", hostname: "elsewhere", voice: graph.Enabled, ttsPort: 8001, ttsLine: 3},
		{name: "hostname", hostname: "studio", applied: "studio", voice: graph.Enabled, ttsPort: 8000, ttsLine: 7, extra: true},
		{name: "config beats hostname", hostname: "studio", config: "laptop", applied: "laptop", voice: graph.Disabled, ttsPort: 8001, ttsLine: 3},
		{name: "flag beats config", node: "studio", hostname: "laptop", config: "laptop", applied: "studio", voice: graph.Enabled, ttsPort: 8000, ttsLine: 7, extra: true},
		{name: "flag without entry", node: "elsewhere", config: "laptop", voice: graph.Enabled, ttsPort: 8001, ttsLine: 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{"root/Users/bert/.sanctum/instance.yaml": inst}
			if tc.config != "" {
				files["ws/driftmap.yaml"] = "node: " + tc.config + "\n"
			}
			dir := tree(t, files)
			snap, err := Load(Options{Root: filepath.Join(dir, "root"), Home: "/Users/bert", Workspace: filepath.Join(dir, "ws"), Node: tc.node, Hostname: tc.hostname})
			if err != nil {
				t.Fatal(err)
			}
			if len(snap.Problems) != 0 {
				t.Fatalf("problems: %v", snap.Problems)
			}
			if snap.Instance.Node != tc.applied {
				t.Errorf("applied node %q, want %q", snap.Instance.Node, tc.applied)
			}
			voice, _ := snap.Graph.Node(graph.ID(graph.Service, "voice"))
			if voice.State != tc.voice {
				t.Errorf("voice state %v, want %v", voice.State, tc.voice)
			}
			if tc.voice == graph.Disabled && voice.Detail != "enabled: false in /Users/bert/.sanctum/instance.yaml:11" {
				t.Errorf("voice detail %q", voice.Detail)
			}
			tts, _ := snap.Graph.Node(graph.ID(graph.Service, "tts"))
			if len(tts.Ports) != 1 || tts.Ports[0].Port != tc.ttsPort || tts.Ports[0].Evidence.Line != tc.ttsLine {
				t.Errorf("tts ports %+v, want %d at line %d", tts.Ports, tc.ttsPort, tc.ttsLine)
			}
			if _, ok := snap.Graph.Node(graph.ID(graph.Service, "extra")); ok != tc.extra {
				t.Errorf("service extra defined = %v, want %v", ok, tc.extra)
			}
		})
	}
}
