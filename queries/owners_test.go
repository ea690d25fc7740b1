package queries

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/driftmap/driftmap/sources"
	"github.com/driftmap/driftmap/sources/sanctum"
	"github.com/driftmap/driftmap/sources/sourcetest"
)

// ownersMachine: voice-agent's port is in instance.yaml and the
// catalog, with two values; a rendered manifest copies it; sidecar is
// registered by hand in its manifest; legacy is enabled in instance.yaml
// and listed nowhere in the catalog.
var ownersMachine = map[string]string{
	"root/Users/bert/.sanctum/instance.yaml": `services:
  voice_agent: {enabled: true, port: 8765}
  legacy: {enabled: true, port: 9000}
`,
	"root/Users/bert/.sanctum/services/voice-agent.yaml": "name: voice-agent\nport: 8765\nlaunchagent: com.sanctum.voice-agent\n",
	"root/Users/bert/.sanctum/services/sidecar.yaml":     "name: sidecar\nport: 3344\n",
	"workspace/sanctum/runtime_catalog.yaml": `version: 1
services:
  voice-agent: {port: 8766, launchagent: com.sanctum.voice-agent, requires: [sidecar]}
`,
}

func loadOwners(t *testing.T, truth string) *Owners {
	t.Helper()
	dir := t.TempDir()
	sourcetest.WriteFiles(t, dir, ownersMachine)
	snap, err := sources.Load(sources.Options{Root: filepath.Join(dir, "root"), Home: "/Users/bert", Workspace: filepath.Join(dir, "workspace"), Truth: truth})
	if err != nil {
		t.Fatal(err)
	}
	o, err := OwnersOf(snap, nil)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func factOf(t *testing.T, o *Owners, svc, fact string) (ServiceFacts, Fact) {
	t.Helper()
	for _, s := range o.Services {
		if s.Name != svc {
			continue
		}
		for _, f := range s.Facts {
			if f.Fact == fact {
				return s, f
			}
		}
		t.Fatalf("service %s has no fact %s: %+v", svc, fact, s.Facts)
	}
	t.Fatalf("no service %s", svc)
	return ServiceFacts{}, Fact{}
}

func TestOwnersPolicy(t *testing.T) {
	for _, tc := range []struct {
		truth, value, ownerFile string
		copyValue               string
	}{
		{sanctum.TruthInstance, "8765", "instance.yaml", "8766"},
		{sanctum.TruthCatalog, "8766", "runtime_catalog.yaml", "8765"},
	} {
		t.Run(tc.truth, func(t *testing.T) {
			o := loadOwners(t, tc.truth)
			if o.Schema != OwnersSchema || o.Policy != tc.truth {
				t.Errorf("schema %q policy %q", o.Schema, o.Policy)
			}
			_, port := factOf(t, o, "voice-agent", FactPort)
			if port.Value != tc.value || filepath.Base(port.Owner.File) != tc.ownerFile {
				t.Errorf("port %q owned by %s, want %q by %s", port.Value, port.Owner.File, tc.value, tc.ownerFile)
			}
			var hand, derived int
			for _, c := range port.Copies {
				switch {
				case c.Derived:
					derived++
					if filepath.Base(c.File) != "voice-agent.yaml" || c.Agrees != (c.Value == tc.value) {
						t.Errorf("derived copy %+v", c)
					}
				default:
					hand++
					if c.Value != tc.copyValue || c.Agrees {
						t.Errorf("hand copy %+v, want %s, disagreeing", c, tc.copyValue)
					}
				}
			}
			if hand != 1 || derived != 1 {
				t.Errorf("copies %+v: want one by hand and one derived", port.Copies)
			}
			legacy, _ := factOf(t, o, "legacy", FactEnabled)
			if legacy.Uncatalogued != (tc.truth == sanctum.TruthCatalog) {
				t.Errorf("legacy uncatalogued = %v under %s", legacy.Uncatalogued, tc.truth)
			}
			// A hand-registered manifest owns its service's facts under
			// either policy.
			_, sp := factOf(t, o, "sidecar", FactPort)
			if filepath.Base(sp.Owner.File) != "sidecar.yaml" || sp.Value != "3344" {
				t.Errorf("sidecar's port: %+v", sp)
			}
		})
	}
}

func TestOwnersNames(t *testing.T) {
	dir := t.TempDir()
	sourcetest.WriteFiles(t, dir, ownersMachine)
	snap, err := sources.Load(sources.Options{Root: filepath.Join(dir, "root"), Home: "/Users/bert", Workspace: filepath.Join(dir, "workspace")})
	if err != nil {
		t.Fatal(err)
	}
	o, err := OwnersOf(snap, []string{"voice_agent", "voice-agent"})
	if err != nil || len(o.Services) != 1 || o.Services[0].Name != "voice-agent" {
		t.Errorf("by name twice: %+v, %v", o, err)
	}
	_, err = OwnersOf(snap, []string{"voice-agnet"})
	var nf *NotFoundError
	if !errors.As(err, &nf) || nf.Suggest != "service:voice-agent" {
		t.Errorf("unknown name: %v", err)
	}
}
