package render

import (
	"testing"

	"github.com/driftmap/driftmap/sources/sourcetest"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"gopkg.in/yaml.v3"
)

// renderSeeds are manifests in the shapes render meets, plus hostile ones.
var renderSeeds = []string{
	"name: voice-agent\nport: 8765\nrequires: [qwen3-tts, vm]\nlaunchagent: com.sanctum.voice-agent\n",
	"name: old\nport: 1\nrequires:\n  - {service: a}\n  - b\nlaunchagent: com.old\nhealth: {x: 1}\n",
	"# head\n\n# name\nname: x # n\n# foot\n\nport: &p 2\nother: *p\nrequires: &r [a]\nmore: [*r, *p]\n",
	"display_name: X\nmetadata: {tags: [a, b]}\n",
	"{name: x, port: 1}",
	"<<: {port: 1, extra: 2}\nname: x\n",
	"name: x\nrequires: a\nport: '8765'\nlaunchagent: [a]\n",
	"name: x\nport: 1\n---\nname: y\n",
	"a: &x {b: *x}\nport: 1\n",
	"- a\n",
	"name: x\nport: 1\nport: 2\n",
	"name: x\nnote: |\n  multi\n  line\nport: 9\n",
	"? [complex, key]\n: 1\nport: 3\n",
	"name: !custom x\nport: !!str 1\nv: .nan\n",
	"name: x\r\nport: 1\r\n\r\n# c\r\nhealth: {}\r\n",
	"\ufeff%YAML 1.1\n---\nport: 1\nname: x\n...\n",
	"  name: x\n  port: 1\n",
	"name: x\nrequires:\n  # deps\n  - a # first\n  - b\n  # foot\n\n# la\nlaunchagent: y\n",
	"name: x\n# the port\nport: 1\nrequires: [a,\n  b]\nz: |\n  text\n  # not a comment\n",
}

// FuzzRenderManifest renders arbitrary manifests (seeded with renderSeeds,
// yamlSeeds and the in.yaml of every render test case) with two fixed desired
// manifests (every owned field set; none but name) and checks: no panic;
// on success a second rendering changes nothing, and every field render
// does not own keeps its value.
func FuzzRenderManifest(f *testing.F) {
	for _, s := range append(renderSeeds, sourcetest.YAMLSeeds...) {
		f.Add([]byte(s))
	}
	for _, c := range loadRenderCases(f) {
		if c.in != nil && c.head.InputFrom == "" {
			f.Add(c.in)
		}
	}
	desired := []DesiredManifest{
		{Service: "voice-agent", File: "m.yaml", Port: 8765, Requires: []string{"qwen3-tts", "vm"}, LaunchAgent: "com.sanctum.voice-agent"},
		{Service: "x", File: "m.yaml"},
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, d := range desired {
			out, diffs, err := renderManifest(data, d)
			if err != nil {
				if out != nil || diffs != nil {
					t.Fatalf("output with an error: %v", err)
				}
				continue
			}
			if len(diffs) == 0 && string(out) != string(data) {
				t.Fatalf("no diffs but bytes changed:\n%s", UnifiedDiff("m.yaml", data, out))
			}
			out2, diffs2, err := renderManifest(out, d)
			if err != nil {
				t.Fatalf("re-render: %v\n%s", err, out)
			}
			if len(diffs2) != 0 || string(out2) != string(out) {
				t.Fatalf("not idempotent: diffs %+v\n%s", diffs2, UnifiedDiff("m.yaml", out, out2))
			}
			checkRenderUnowned(t, data, out)
		}
	})
}

// checkRenderUnowned asserts that every top-level key of before that render
// does not own is in after, with an equal decoded value.
func checkRenderUnowned(t *testing.T, before, after []byte) {
	t.Helper()
	var a, b any
	if yaml.Unmarshal(before, &a) != nil {
		return // not decodable as values (e.g. a recursive alias): Manifest checks node by node
	}
	if err := yaml.Unmarshal(after, &b); err != nil {
		t.Fatalf("output does not decode: %v\n%s", err, after)
	}
	strip := func(v any) any {
		switch m := v.(type) {
		case map[string]any:
			for _, k := range ownedFields() {
				delete(m, k)
			}
		case map[any]any:
			for _, k := range ownedFields() {
				delete(m, k)
			}
		}
		return v
	}
	if d := cmp.Diff(strip(a), strip(b), cmpopts.EquateNaNs()); d != "" {
		t.Fatalf("fields render does not own changed (-before +after):\n%s\nbefore:\n%s\nafter:\n%s", d, before, after)
	}
}
