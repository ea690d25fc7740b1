package sanctum

import (
	"testing"

	"github.com/driftmap/driftmap/sources/record"
	"github.com/driftmap/driftmap/sources/sourcetest"
)

// checkYAMLProblems asserts the invariants every YAML loader keeps.
func checkYAMLProblems(t *testing.T, probs []record.Problem) {
	t.Helper()
	for _, p := range probs {
		if p.File != "f.yaml" || p.Message == "" || p.Line < 0 {
			t.Fatalf("malformed problem %+v", p)
		}
	}
}

func FuzzParseInstance(f *testing.F) {
	for _, s := range sourcetest.YAMLSeeds {
		f.Add([]byte(s))
	}
	f.Add([]byte(nodesSrc))
	f.Fuzz(func(t *testing.T, data []byte) {
		inst, probs := ParseInstance(data, "f.yaml")
		checkYAMLProblems(t, probs)
		for _, s := range inst.Services {
			if s.Evidence.File != "f.yaml" {
				t.Fatalf("service %q without evidence", s.Key)
			}
		}
		for _, n := range inst.Nodes {
			// Applying any node keeps every service's evidence.
			for _, s := range inst.ForNode(n.Name).Services {
				if s.Evidence.File != "f.yaml" || s.EnabledEv.File != "f.yaml" || (s.Port != 0 && s.PortEv.File != "f.yaml") {
					t.Fatalf("node %q: service %q without evidence", n.Name, s.Key)
				}
			}
		}
	})
}

func FuzzParseCatalog(f *testing.F) {
	for _, s := range sourcetest.YAMLSeeds {
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
	for _, s := range sourcetest.YAMLSeeds {
		f.Add([]byte(s))
	}
	f.Add([]byte("name: a\nprovides:\n  - {port: 8080, protocol: http}\n  - port: 70000\n  - web\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, probs := ParseManifest(data, "f.yaml")
		checkYAMLProblems(t, probs)
		if m.Name == "" {
			t.Fatal("manifest without a name")
		}
		for _, p := range m.Ports() {
			if p.Port < 1 || p.Port > 65535 || p.Evidence.File != "f.yaml" {
				t.Fatalf("port %+v", p)
			}
		}
	})
}

func FuzzApplyConfig(f *testing.F) {
	for _, s := range sourcetest.YAMLSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		l := DefaultLayout("/r", "/Users/bert", "/w")
		checkYAMLProblems(t, ApplyConfig(&l, data, "f.yaml"))
	})
}
