package fix_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/driftmap/driftmap/queries"
	"github.com/driftmap/driftmap/queries/fix"
	"github.com/driftmap/driftmap/sources"
	"github.com/driftmap/driftmap/sources/render"
	"github.com/driftmap/driftmap/sources/rootfs"
)

// demo returns the paths of a bundled demo tree.
func demo(t *testing.T, name string) (root, workspace string) {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "testdata", "demo", name))
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "root"), filepath.Join(dir, "workspace")
}

// plan makes the plan of a tree, simulated on an overlay of it.
func plan(t *testing.T, root, workspace string, o fix.Options) (*fix.Plan, func(rootfs.FS) *sources.Snapshot) {
	t.Helper()
	load := func(fsys rootfs.FS) (*sources.Snapshot, error) {
		return sources.Load(sources.Options{Root: root, Home: "/Users/bert", Workspace: workspace, FS: fsys})
	}
	must := func(fsys rootfs.FS) *sources.Snapshot {
		s, err := load(fsys)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	o.Sim = rootfs.NewOverlay(rootfs.RootFS{Dir: root})
	o.Load, o.Rules, o.Home = load, queries.All(), "/Users/bert"
	if o.Date == "" {
		o.Date = "20261130"
	}
	p, err := fix.Make(must(nil), o)
	if err != nil {
		t.Fatal(err)
	}
	return p, must
}

// applied is the audit of root with the plan's operations applied (in
// memory), as check would report it after `fix --apply`.
func applied(t *testing.T, root string, p *fix.Plan, load func(rootfs.FS) *sources.Snapshot) []queries.Finding {
	t.Helper()
	o := rootfs.NewOverlay(rootfs.RootFS{Dir: root})
	for _, op := range p.Ops() {
		if err := fix.Simulate(o, op); err != nil {
			t.Fatalf("%s %s: %v", op.Kind, op.Path, err)
		}
	}
	return queries.Check(load(o), queries.All()).Findings
}

func rulesOf(fs []queries.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Rule)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestBrokenDemoFixedPoint: the plan of the broken demo resolves every
// finding it claims, the audit after it reports only what needs a
// person (and the opt-in not-executable), and no finding it claims.
func TestBrokenDemoFixedPoint(t *testing.T) {
	root, ws := demo(t, "broken")
	p, load := plan(t, root, ws, fix.Options{})
	var stepRules []string
	for _, s := range p.Steps {
		stepRules = append(stepRules, s.Rule)
	}
	want := []string{"missing-directory", "missing-log-dir", "artifact-missing", "artifact-drift", "artifact-drift", "manifest-missing"}
	if !slices.Equal(stepRules, want) {
		t.Errorf("steps %v, want %v", stepRules, want)
	}
	after := applied(t, root, p, load)
	if len(after) != p.After {
		t.Errorf("the plan says %d findings after it, the audit of the applied plan reports %d", p.After, len(after))
	}
	for _, r := range rulesOf(after) {
		switch r {
		case "missing-directory", "missing-log-dir", "manifest-missing", "manifest-drift", "artifact-missing", "artifact-drift":
			t.Errorf("after the plan, check still reports %s", r)
		}
	}
	manual := map[string]bool{}
	for _, m := range p.Manual {
		manual[m.Finding.Rule+" "+m.Finding.Subject] = true
	}
	for _, f := range after {
		if f.Rule == "not-executable" {
			continue // offered, not planned
		}
		if !manual[f.Rule+" "+f.Subject] {
			t.Errorf("after the plan, check reports %s %s, which the plan neither resolves nor lists as needing a person", f.Rule, f.Subject)
		}
	}
	if len(p.Offered) != 1 || p.Offered[0].Rule != "not-executable" || p.Offered[0].Option != "--only not-executable" {
		t.Errorf("offered %+v, want the not-executable step", p.Offered)
	}
}

// TestDuplicateWatchdogClaimed: the broken demo's legacy watchdog is
// enabled in instance.yaml, so fix does not retire it and says why.
func TestDuplicateWatchdogClaimed(t *testing.T) {
	root, ws := demo(t, "broken")
	p, _ := plan(t, root, ws, fix.Options{})
	for _, s := range p.Steps {
		for _, op := range s.Ops {
			if op.Kind == render.OpRename {
				t.Errorf("a step renames %s, but instance.yaml still enables its service", op.Path)
			}
		}
	}
	found := false
	for _, m := range p.Manual {
		if m.Finding.Rule == "duplicate-watchdog" {
			found = true
			if !strings.Contains(m.Why, "service living-force (/Users/bert/.sanctum/instance.yaml:41), which a canonical source still enables") {
				t.Errorf("why = %q", m.Why)
			}
		}
	}
	if !found {
		t.Error("duplicate-watchdog is not listed as needing a person")
	}
}

// TestRealDemo: the real-layout demo retires the live job instance.yaml
// disables and regenerates the drifted gateway plist.
func TestRealDemo(t *testing.T) {
	root, ws := demo(t, "real")
	p, load := plan(t, root, ws, fix.Options{})
	var got []string
	for _, op := range p.Ops() {
		got = append(got, string(op.Kind)+" "+op.Path+" "+op.To)
	}
	want := []string{
		"write /Users/bert/Library/LaunchAgents/haus.sanctum.openclaw-gateway.plist ",
		"rename /Users/bert/Library/LaunchAgents/com.sanctum.comfyui.plist /Users/bert/Library/LaunchAgents/com.sanctum.comfyui.plist.disabled-20261130",
	}
	if !slices.Equal(got, want) {
		t.Errorf("ops\n%q\nwant\n%q", got, want)
	}
	for _, r := range rulesOf(applied(t, root, p, load)) {
		if r == "live-but-disabled" || r == "artifact-drift" {
			t.Errorf("after the plan, check still reports %s", r)
		}
	}
}

// TestCleanDemoNothing: a clean tree gets an empty plan.
func TestCleanDemoNothing(t *testing.T) {
	root, ws := demo(t, "clean")
	p, _ := plan(t, root, ws, fix.Options{})
	if len(p.Steps)+len(p.Offered)+len(p.Manual) != 0 || p.Before != 0 || p.After != 0 {
		t.Errorf("clean demo plan %+v, want nothing", p)
	}
}

// TestOnly: --only limits the plan to the rules named; the rest need a
// person, and an opt-in remedy named is planned.
func TestOnly(t *testing.T) {
	root, ws := demo(t, "broken")
	p, _ := plan(t, root, ws, fix.Options{Only: []string{"not-executable", "missing-log-dir"}})
	var got []string
	for _, s := range p.Steps {
		got = append(got, s.Rule)
	}
	if !slices.Equal(got, []string{"missing-log-dir", "not-executable"}) {
		t.Errorf("steps %v", got)
	}
	if len(p.Offered) != 0 {
		t.Errorf("offered %v, want none", p.Offered)
	}
	for _, m := range p.Manual {
		if m.Finding.Rule == "missing-directory" && m.Why != "not asked for: --only names other rules" {
			t.Errorf("missing-directory: why = %q", m.Why)
		}
	}
}

// TestDeterministic: the same tree gives the same plan, byte for byte.
func TestDeterministic(t *testing.T) {
	root, ws := demo(t, "broken")
	var docs [][]byte
	for range 3 {
		p, _ := plan(t, root, ws, fix.Options{})
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, b)
	}
	if !bytes.Equal(docs[0], docs[1]) || !bytes.Equal(docs[0], docs[2]) {
		t.Error("three plans of one tree differ")
	}
}

// TestRenamedReferenceDiff: a renamed reference in the checked-in catalog
// is shown as a diff, never planned.
func TestRenamedReferenceDiff(t *testing.T) {
	root, ws := demo(t, "broken")
	p, _ := plan(t, root, ws, fix.Options{})
	for _, m := range p.Manual {
		if m.Finding.Rule != "renamed-reference" {
			continue
		}
		want := "-    requires: [xtts, llm-proxy, whisper-stt]\n+    requires: [qwen3-tts, llm-proxy, whisper-stt]\n"
		if !strings.Contains(m.Diff, want) || !strings.HasPrefix(m.Diff, "--- a/sanctum/runtime_catalog.yaml\n+++ b/sanctum/runtime_catalog.yaml\n") {
			t.Errorf("diff:\n%s", m.Diff)
		}
		return
	}
	t.Error("no renamed-reference entry")
}

// TestUnitWording: the findings about systemd units that have no unit
// subject get the words for units: an invalid unit (no subject) and a
// catalog service whose systemd_unit is missing (the service's subject),
// not the launchd wording of missing-job.
func TestUnitWording(t *testing.T) {
	dir := t.TempDir()
	root, ws := filepath.Join(dir, "root"), filepath.Join(dir, "workspace")
	for path, data := range map[string]string{
		filepath.Join(root, "etc/systemd/system/api.service"): "[Service]\nExecStart=/bin/true\nExecStart=/bin/false\n",
		filepath.Join(ws, "sanctum/runtime_catalog.yaml"):     "version: 1\nservices:\n  ghost: {systemd_unit: ghost.service}\n",
	} {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p, _ := plan(t, root, ws, fix.Options{})
	want := map[string]string{
		"invalid-unit": "systemd refuses the unit: reset the list with an empty ExecStart= before the new one, or fix the command",
		"missing-job":  "the unit of an enabled service is not there or is masked: install or unmask it, or disable the service",
	}
	for _, m := range p.Manual {
		w, ok := want[m.Finding.Rule]
		if !ok {
			continue
		}
		delete(want, m.Finding.Rule)
		if m.Why != w {
			t.Errorf("%s: why = %q, want %q", m.Finding.Rule, m.Why, w)
		}
	}
	for rule := range want {
		t.Errorf("no %s entry needs a person", rule)
	}
}

func TestReadPlan(t *testing.T) {
	good := `{"format": "driftmap/fix-plan/v1", "date": "20261130", "steps": [{"rule": "missing-log-dir", "summary": "x", "resolves": [], "ops": [{"op": "mkdir", "path": "/a/b", "mode": 493, "before": {"exists": false}}]}], "needs_a_person": []}`
	p, err := fix.ReadPlan([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if ops := p.Ops(); len(ops) != 1 || ops[0].Path != "/a/b" || ops[0].Mode != 0o755 {
		t.Errorf("ops %+v", ops)
	}
	for _, bad := range []string{
		``,
		`[]`,
		`{"format": "driftmap/fix-plan/v2", "date": "20261130"}`,
		`{"format": "driftmap/fix-plan/v1", "date": "2026-11-30"}`,
		strings.Replace(good, `"/a/b"`, `"/a/../../b"`, 1),
		strings.Replace(good, `"/a/b"`, `"a/b"`, 1),
		strings.Replace(good, `"/a/b"`, `"/"`, 1),
		strings.Replace(good, `"mkdir"`, `"remove"`, 1),
		strings.Replace(good, `"op": "mkdir", "path": "/a/b"`, `"op": "rename", "path": "/a/b", "to": "/c/b"`, 1),
	} {
		if _, err := fix.ReadPlan([]byte(bad)); err == nil {
			t.Errorf("ReadPlan(%q) accepted it", bad)
		}
	}
}

func TestDiff(t *testing.T) {
	op := func(path string, size int64) render.Op {
		return render.Op{Kind: render.OpWrite, Path: path, SHA256: "ab", Before: render.FileState{Exists: true, Type: "file", Size: size}}
	}
	a := &fix.Plan{Steps: []fix.Step{{Ops: []render.Op{op("/x", 1), op("/y", 2)}}}}
	if d := fix.Diff(a, a); len(d) != 0 {
		t.Errorf("a plan differs from itself: %v", d)
	}
	b := &fix.Plan{Steps: []fix.Step{{Ops: []render.Op{op("/x", 3)}}}}
	d := fix.Diff(a, b)
	if len(d) != 2 || !strings.HasPrefix(d[0], "was: write /x") || !strings.HasPrefix(d[1], "no longer: write /y") {
		t.Errorf("Diff = %q", d)
	}
}

func FuzzReadPlan(f *testing.F) {
	f.Add([]byte(`{"format": "driftmap/fix-plan/v1", "date": "20261130", "steps": [{"ops": [{"op": "rename", "path": "/a/b", "to": "/a/c"}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := fix.ReadPlan(data)
		if err != nil {
			return
		}
		for _, op := range p.Ops() {
			if op.Path != rootfs.Clean(op.Path) {
				t.Errorf("accepted an unclean path %q", op.Path)
			}
		}
	})
}
