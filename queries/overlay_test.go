package queries

import (
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/driftmap/driftmap/sources"
	"github.com/driftmap/driftmap/sources/artifact"
	"github.com/driftmap/driftmap/sources/rootfs"
	"github.com/driftmap/driftmap/sources/sourcetest"
	"github.com/google/go-cmp/cmp"
)

// demoCheck loads the broken demo through fsys (nil: the tree itself)
// and returns its findings as "rule file" lines.
func demoCheck(t *testing.T, fsys rootfs.FS) (*sources.Snapshot, []string) {
	t.Helper()
	snap, err := sources.Load(sources.Options{Root: "../testdata/demo/broken/root", Home: "/Users/bert",
		Workspace: "../testdata/demo/broken/workspace", Hostname: "demo", FS: fsys})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range Check(snap, All()).Findings {
		out = append(out, f.Rule+" "+f.File)
	}
	return snap, out
}

// TestCheckOnOverlay is what `driftmap fix` does before it writes: it
// applies a plan's operations to an Overlay over the broken demo and
// audits the overlay. The findings the operations fix are gone there,
// and only there: the tree itself still has them, unchanged.
func TestCheckOnOverlay(t *testing.T) {
	const home = "/Users/bert"
	before := sourcetest.TreeState(t, filepath.FromSlash("../testdata/demo/broken"))
	base := rootfs.RootFS{Dir: "../testdata/demo/broken/root"}
	snap, real := demoCheck(t, base)
	fixed := []string{
		"missing-directory " + home + "/.sanctum/services",
		"missing-log-dir " + home + "/Library/LaunchAgents/com.sanctum.health-tunnel.plist",
		"not-executable " + home + "/Library/LaunchAgents/com.sanctum.triage.plist",
		"duplicate-watchdog " + home + "/Library/LaunchAgents/com.sanctum.living-force.plist",
		"missing-target " + home + "/Library/LaunchAgents/com.sanctum.living-force.plist",
		"artifact-drift " + home + "/.sanctum/.instance.json",
		"artifact-drift " + home + "/Library/LaunchAgents/com.sanctum.whisper-stt.plist",
		"artifact-missing " + home + "/.sanctum/config/agent-capabilities.yaml",
	}
	for _, f := range fixed {
		if !slices.Contains(real, f) {
			t.Fatalf("the demo does not report %q; it reports:\n%v", f, real)
		}
	}

	o := rootfs.NewOverlay(base)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(o.Mkdir(home+"/.sanctum/services", 0o755))
	must(o.Mkdir(home+"/Library/Logs/sanctum/tunnels", 0o755))
	must(o.Chmod(home+"/.sanctum/bin/triage", 0o755))
	must(o.Rename(home+"/Library/LaunchAgents/com.sanctum.living-force.plist", home+"/Library/LaunchAgents/com.sanctum.living-force.plist.disabled-20261130"))
	env := artifact.Env{Home: snap.Layout.Home, Workspace: snap.Layout.Workspace, Instance: snap.Layout.Instance, Placeholders: snap.Layout.Placeholders}
	var regenerated []string
	for _, r := range snap.Artifacts {
		if r.State != artifact.Drift && r.State != artifact.Missing {
			continue
		}
		data, mode, err := artifact.Regenerate(base, env, r)
		if err != nil {
			t.Fatalf("Regenerate(%s): %v", r.Output, err)
		}
		if _, err := o.Lstat(path.Dir(r.Output)); rootfs.IsNotExist(err) {
			must(o.Mkdir(path.Dir(r.Output), 0o755))
		}
		must(o.WriteFile(r.Output, data, mode))
		regenerated = append(regenerated, r.Output)
	}
	want := []string{home + "/.sanctum/.instance.json", home + "/.sanctum/config/agent-capabilities.yaml", home + "/Library/LaunchAgents/com.sanctum.whisper-stt.plist"}
	if diff := cmp.Diff(want, regenerated); diff != "" {
		t.Errorf("regenerated (-want +got):\n%s", diff)
	}

	_, simulated := demoCheck(t, o)
	for _, f := range fixed {
		if slices.Contains(simulated, f) {
			t.Errorf("the overlay still reports %q", f)
		}
	}
	// Everything else is as it was, but for the manifests render would
	// write into the new manifests directory, which a plan makes next.
	var rest, after []string
	for _, f := range real {
		if !slices.Contains(fixed, f) {
			rest = append(rest, f)
		}
	}
	for _, f := range simulated {
		if !strings.HasPrefix(f, "manifest-missing "+home+"/.sanctum/services/") {
			after = append(after, f)
		}
	}
	if diff := cmp.Diff(rest, after); diff != "" {
		t.Errorf("other findings on the overlay (-before +after):\n%s", diff)
	}

	if _, again := demoCheck(t, nil); !slices.Equal(again, real) {
		t.Errorf("the tree's own findings changed:\n%v\nwant\n%v", again, real)
	}
	if diff := sourcetest.DiffTrees(before, sourcetest.TreeState(t, filepath.FromSlash("../testdata/demo/broken"))); diff != "" {
		t.Errorf("the overlay wrote to the tree:\n%s", diff)
	}
}
