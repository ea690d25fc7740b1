package sources

import (
	"strings"
	"testing"
)

// yamlSeeds are small documents in the shapes driftmap reads, plus a few
// hostile ones (anchors, deep nesting, duplicate keys, wrong types).
var yamlSeeds = []string{
	"services:\n  voice_agent: {enabled: true, port: 8765}\n  qwen3_tts: {enabled: false}\n",
	"version: 1\nservices:\n  a: {launchagent: com.sanctum.a, requires: [b, {service: c}], renamed_from: [x]}\nauxiliary:\n  t: {port: 1}\n",
	"name: a\nport: 1\nrequires:\n  - b\n  - service: c\nlaunchagent: com.sanctum.a\n",
	"manifests: ~/svc\nlabel_prefixes: [a., b.]\nwatchdog_patterns: [w]\n",
	"a: &x {b: *x}\n",
	"services: &s\n  a: *s\n",
	"services:\n  a: 1\n  a: 2\n",
	strings.Repeat("[", 200) + strings.Repeat("]", 200),
	"services: !!binary aGVsbG8=\n",
	"---\nservices: {}\n---\nservices: {a: {}}\n",
}

// checkYAMLProblems asserts the invariants every YAML loader keeps.
func checkYAMLProblems(t *testing.T, probs []Problem) {
	t.Helper()
	for _, p := range probs {
		if p.File != "f.yaml" || p.Message == "" || p.Line < 0 {
			t.Fatalf("malformed problem %+v", p)
		}
	}
}

func FuzzParseInstance(f *testing.F) {
	for _, s := range yamlSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		inst, probs := ParseInstance(data, "f.yaml")
		checkYAMLProblems(t, probs)
		for _, s := range inst.Services {
			if s.Evidence.File != "f.yaml" {
				t.Fatalf("service %q without evidence", s.Key)
			}
		}
	})
}

func FuzzParseCatalog(f *testing.F) {
	for _, s := range yamlSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cat, probs := ParseCatalog(data, "f.yaml")
		checkYAMLProblems(t, probs)
		for _, e := range cat.Entries {
			if e.Section != SectionServices && e.Section != SectionAuxiliary {
				t.Fatalf("entry %q in section %q", e.Name, e.Section)
			}
		}
	})
}

func FuzzParseManifest(f *testing.F) {
	for _, s := range yamlSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, probs := ParseManifest(data, "f.yaml")
		checkYAMLProblems(t, probs)
		if m.Name == "" {
			t.Fatal("manifest without a name")
		}
	})
}

func FuzzApplyConfig(f *testing.F) {
	for _, s := range yamlSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		l := DefaultLayout("/r", "/Users/bert", "/w")
		checkYAMLProblems(t, ApplyConfig(&l, data, "f.yaml"))
	})
}
