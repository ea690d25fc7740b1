package exporters

import (
	"io"
	"strings"
	"testing"

	"github.com/driftmap/driftmap/sources/render"
)

// The manifests directory of the render fixture.
const renderDir = "/Users/me/.sanctum/services"

// renderPlan is a plan with one manifest of every action, sorted by file
// as sources.Snapshot.Plan sorts it.
func renderPlan() []render.Planned {
	return []render.Planned{
		{
			Action: render.Create,
			File:   renderDir + "/api.yaml",
			New:    []byte("name: api\nport: 8080\n"),
			Diffs:  []render.FieldDiff{{Field: "name", Have: "(absent)", Want: "api"}},
		},
		{
			Action: render.Broken,
			File:   renderDir + "/broken.yaml",
			Old:    []byte("name: broken\nport: [\n"),
			Err:    "line 2: did not find expected node content",
		},
		{
			Action: render.Extra,
			File:   renderDir + "/old-svc.yaml",
			Old:    []byte("name: old-svc\nport: 1\n"),
		},
		{
			Action: render.Unchanged,
			File:   renderDir + "/tts.yaml",
			Old:    []byte("name: tts\n"),
			New:    []byte("name: tts\n"),
		},
		{
			Action: render.Update,
			File:   renderDir + "/voice-agent.yaml",
			Old:    []byte("# kept\nname: voice-agent\nport: 8765\nrequires: [vm]\n"),
			New:    []byte("# kept\nname: voice-agent\nport: 9000\nrequires: [tts]\n"),
			Diffs: []render.FieldDiff{
				{Field: "port", Have: "8765", Want: "9000", Line: 3},
				{Field: "requires", Have: "[vm]", Want: "[tts]", Line: 4},
			},
		},
		{
			// A second manifest of voice-agent: no source retires it.
			Action: render.Kept,
			File:   renderDir + "/voice-agent2.yaml",
			Old:    []byte("name: voice-agent\n"),
		},
		{
			// Hand-registered: never listed, never counted.
			Action: render.Hand,
			File:   renderDir + "/zz-lab.yaml",
			Old:    []byte("name: lab\nport: 9200\n"),
		},
	}
}

// withoutBroken is the plan without its broken manifest, as plain render
// needs it to write.
func withoutBroken(plan []render.Planned) []render.Planned {
	var out []render.Planned
	for _, p := range plan {
		if p.Action != render.Broken {
			out = append(out, p)
		}
	}
	return out
}

// renderReports returns the render reports of the golden files, by name.
func renderReports() []struct {
	name string
	r    *RenderReport
} {
	plan := renderPlan()
	applicable := withoutBroken(plan)
	unchanged := []render.Planned{plan[3]}
	return []struct {
		name string
		r    *RenderReport
	}{
		// render --check, with and without --diff and --prune.
		{"render-check", &RenderReport{Plan: plan, Dir: renderDir, Check: true}},
		{"render-check-diff", &RenderReport{Plan: plan, Dir: renderDir, Check: true, Diff: true}},
		{"render-check-prune", &RenderReport{Plan: applicable, Dir: renderDir, Check: true, Prune: true}},
		{"render-check-clean", &RenderReport{Plan: unchanged, Dir: renderDir, Check: true}},
		// Plain render refused before writing (an unparsable manifest):
		// the plan alone.
		{"render-refused", &RenderReport{Plan: plan, Dir: renderDir}},
		// Plain render that wrote what it had to, with --prune.
		{"render-applied", &RenderReport{Plan: applicable, Dir: renderDir, Prune: true, Applied: true, Written: []string{
			renderDir + "/api.yaml",
			renderDir + "/.retired/old-svc.yaml.retired-2025-01-02",
			renderDir + "/voice-agent.yaml",
		}}},
		{"render-applied-clean", &RenderReport{Plan: unchanged, Dir: renderDir, Applied: true}},
		// Plain render that failed after writing one file, and before
		// writing any.
		{"render-failed", &RenderReport{Plan: applicable, Dir: renderDir, Diff: true, Failed: true, Written: []string{renderDir + "/api.yaml"}}},
		{"render-failed-none", &RenderReport{Plan: applicable, Dir: renderDir, Failed: true}},
	}
}

func TestRenderGolden(t *testing.T) {
	f := must(Render("text"))
	for _, tt := range renderReports() {
		t.Run(tt.name, func(t *testing.T) {
			golden(t, tt.name+".text", formatted(t, func(w io.Writer) error { return f.FormatRender(w, tt.r) }))
		})
	}
}

// TestRenderText checks the lines the CLI scripts grep for, so that the
// goldens cannot drift from them unnoticed.
func TestRenderText(t *testing.T) {
	f := must(Render("text"))
	out := func(r *RenderReport) string {
		return string(formatted(t, func(w io.Writer) error { return f.FormatRender(w, r) }))
	}
	plan := renderPlan()
	check := out(&RenderReport{Plan: plan, Dir: renderDir, Check: true})
	for _, want := range []string{
		renderDir + "/api.yaml: missing; render creates it\n",
		renderDir + "/broken.yaml: cannot be rendered: line 2: did not find expected node content\n",
		renderDir + "/old-svc.yaml: no service renders it; --prune retires it\n",
		renderDir + "/voice-agent.yaml: port is 8765, render writes 9000; requires is [vm], render writes [tts]\n",
		renderDir + "/voice-agent2.yaml: no service renders it, but no canonical source retires it; render keeps it\n",
		"render --check: 1 to create, 1 to update, 1 unchanged, 1 extra, 1 kept, 1 unparsable in " + renderDir + "\n",
	} {
		if !strings.Contains(check, want) {
			t.Errorf("render --check output lacks %q:\n%s", want, check)
		}
	}
	if strings.Contains(check, "tts.yaml") || strings.Contains(check, "--- ") {
		t.Errorf("render --check output names an unchanged manifest or has a diff:\n%s", check)
	}
	if strings.Contains(check, "lab") {
		t.Errorf("render --check output names a hand-registered manifest:\n%s", check)
	}

	diff := out(&RenderReport{Plan: plan, Dir: renderDir, Check: true, Diff: true})
	for _, want := range []string{
		"--- /dev/null\n+++ b/Users/me/.sanctum/services/api.yaml\n",
		"--- a/Users/me/.sanctum/services/old-svc.yaml\n+++ /dev/null\n",
		"-port: 8765\n-requires: [vm]\n+port: 9000\n+requires: [tts]\n",
	} {
		if !strings.Contains(diff, want) {
			t.Errorf("render --check --diff output lacks %q:\n%s", want, diff)
		}
	}
	if strings.Contains(diff, "broken.yaml\n") || strings.Contains(diff, "lab") || strings.Contains(diff, "voice-agent2.yaml\n+++") {
		t.Errorf("render --diff shows a diff of an unparsable, hand-registered or kept manifest:\n%s", diff)
	}

	applied := out(&RenderReport{Plan: withoutBroken(plan), Dir: renderDir, Applied: true, Written: []string{"a", "b"}})
	if !strings.HasSuffix(applied, "wrote a\nwrote b\nrender: 1 created, 1 updated, 1 unchanged, 1 extra, 1 kept in "+renderDir+"\n") {
		t.Errorf("applied render output:\n%s", applied)
	}
	failed := out(&RenderReport{Plan: withoutBroken(plan), Dir: renderDir, Failed: true, Written: []string{"a", "b"}})
	if !strings.HasSuffix(failed, "\nrender: wrote a, b before failing\n") || strings.Contains(failed, "render: 1 created") {
		t.Errorf("failed render output:\n%s", failed)
	}
	if got := out(&RenderReport{Dir: renderDir, Applied: true}); got != "render: 0 created, 0 updated, 0 unchanged, 0 extra in "+renderDir+"\n" {
		t.Errorf("empty render = %q", got)
	}
}

func TestRenderWriteErrors(t *testing.T) {
	f := must(Render("text"))
	for _, tt := range renderReports() {
		if err := f.FormatRender(failWriter{}, tt.r); err != errWrite {
			t.Errorf("%s: error = %v, want the writer's", tt.name, err)
		}
	}
}
