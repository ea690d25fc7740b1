package render

import (
	"os"
	"path"
	"testing"
)

// TestPlanLeftOver checks how Plan classes a manifest no desired manifest
// takes: only a canonical source (instance.yaml disabling the service, or
// a renamed_from old name) makes it Extra, which --prune retires; a
// manifest of a service only manifests define is Hand, never touched;
// anything else is Kept.
func TestPlanLeftOver(t *testing.T) {
	const svc = "root/Users/bert/.sanctum/services/"
	dir := machine(t, map[string]string{
		"ws/sanctum/runtime_catalog.yaml":        "version: 1\nservices:\n  voice-agent: {launchagent: com.sanctum.voice-agent}\n  qwen3-tts: {renamed_from: [xtts]}\n  old_svc: {}\n  catalog_only: {}\n",
		"root/Users/bert/.sanctum/instance.yaml": "services:\n  voice_agent: {port: 8765}\n  qwen3_tts: {port: 7788}\n  old_svc: {enabled: false}\n",
		svc + "qwen3-tts.yaml":                   "name: qwen3-tts\nport: 7788\n",
		svc + "xtts.yaml":                        "name: xtts\n",
		svc + "old-svc.yaml":                     "name: old_svc\n",
		svc + "catalog-only.yaml":                "name: catalog-only\n",
		svc + "second-voice.yaml":                "name: voice-agent\n",
		svc + "scratch.yaml":                     "name: scratch\nport: 9100\n",
		svc + "lab.yaml":                         "name: lab\nlaunchagent: com.sanctum.lab\n",
	})
	pl := plan(t, dir, nil)
	got := map[string]Action{}
	for _, p := range pl {
		got[path.Base(p.File)] = p.Action
	}
	for file, want := range map[string]Action{
		"voice-agent.yaml":  Update,
		"qwen3-tts.yaml":    Unchanged,
		"xtts.yaml":         Extra, // an old name of qwen3-tts
		"old-svc.yaml":      Extra, // instance.yaml disables old_svc
		"catalog-only.yaml": Kept,  // catalog_only is not in instance.yaml: not enabled, not retired either
		"second-voice.yaml": Kept,  // a second manifest of an enabled service
		"scratch.yaml":      Hand,
		"lab.yaml":          Hand,
	} {
		if got[file] != want {
			t.Errorf("%s: %q, want %q", file, got[file], want)
		}
	}
	if len(got) != 8 {
		t.Errorf("plan has %d manifests, want 8: %v", len(got), got)
	}

	// --prune retires the two Extra manifests and nothing else.
	if _, err := apply(t, dir, pl, true); err != nil {
		t.Fatal(err)
	}
	for file, want := range got {
		_, err := os.Stat(host(dir, svcDir+"/"+file))
		if exists := err == nil; exists != (want != Extra) {
			t.Errorf("after --prune, %s (%s) exists: %v", file, want, exists)
		}
	}
}
