package exporters

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/queries"
)

var update = flag.Bool("update", false, "rewrite golden files")

// golden compares got with testdata/golden/<name>.golden, or rewrites the
// file when -update is set.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./exporters/ -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

// formatted runs an exporter into a buffer, failing the test on error.
func formatted(t *testing.T, f func(io.Writer) error) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := f(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func check(format string, opts Options, r *Report) func(io.Writer) error {
	return func(w io.Writer) error {
		f, err := Check(format, opts)
		if err != nil {
			return err
		}
		return f.FormatCheck(w, r)
	}
}

// must returns the formatter a lookup found, and panics when it found
// none.
func must[F any](f F, err error) F {
	if err != nil {
		panic(err)
	}
	return f
}

// The formatters of every kind of document but check, by format.
var (
	dotGraph   = must(Graph("dot"))
	jsonGraph  = must(Graph("json"))
	textImpact = must(Impact("text"))
	jsonImpact = must(Impact("json"))
	textWhy    = must(Why("text"))
	jsonWhy    = must(Why("json"))
)

// outputs returns every exporter applied to the fixture built from g, by
// golden file name.
func outputs(t *testing.T, g *graph.Graph) []struct {
	name string
	run  func(io.Writer) error
} {
	fs := fixtureFindings()
	report := &Report{Findings: fs, Graph: g, Workspace: "."}
	clean := &Report{Graph: g, Workspace: "."}
	worst := queries.Worst(fs)
	im := fixtureImpact(t, g)
	return []struct {
		name string
		run  func(io.Writer) error
	}{
		{"check.text", check("text", Options{}, report)},
		{"check-color.text", check("text", Options{Color: true}, report)},
		{"check-clean.text", check("text", Options{}, clean)},
		{"check.json", check("json", Options{}, report)},
		{"check-clean.json", check("json", Options{}, clean)},
		{"check.dot", check("dot", Options{}, report)},
		{"check.sarif", check("sarif", Options{}, report)},
		{"check-clean.sarif", check("sarif", Options{}, clean)},
		{"check.github", check("github", Options{}, report)},
		{"check-clean.github", check("github", Options{}, clean)},
		{"check.prometheus", check("prometheus", Options{}, withRun(report))},
		{"check-clean.prometheus", check("prometheus", Options{}, withRun(clean))},
		{"baseline.json", func(w io.Writer) error { return FormatBaseline(w, report) }},
		{"baseline-clean.json", func(w io.Writer) error { return FormatBaseline(w, clean) }},
		{"graph.dot", func(w io.Writer) error { return dotGraph.FormatGraph(w, g, worst) }},
		{"graph-plain.dot", func(w io.Writer) error { return dotGraph.FormatGraph(w, g, nil) }},
		{"graph.json", func(w io.Writer) error { return jsonGraph.FormatGraph(w, g, worst) }},
		{"impact.text", func(w io.Writer) error { return textImpact.FormatImpact(w, im) }},
		{"impact.json", func(w io.Writer) error { return jsonImpact.FormatImpact(w, im) }},
		{"impact-none.text", func(w io.Writer) error { return textImpact.FormatImpact(w, &queries.Impact{Target: idManifest}) }},
		{"impact-none.json", func(w io.Writer) error { return jsonImpact.FormatImpact(w, &queries.Impact{Target: idManifest}) }},
		{"why.text", func(w io.Writer) error { return textWhy.FormatWhy(w, whyVoiceRunSh(t, g)) }},
		{"why.json", func(w io.Writer) error { return jsonWhy.FormatWhy(w, whyVoiceRunSh(t, g)) }},
		{"why-unreachable.text", func(w io.Writer) error { return textWhy.FormatWhy(w, &queries.Why{From: idJobAPI, To: idRunSh}) }},
		{"why-unreachable.json", func(w io.Writer) error { return jsonWhy.FormatWhy(w, &queries.Why{From: idJobAPI, To: idRunSh}) }},
	}
}

func whyVoiceRunSh(t *testing.T, g *graph.Graph) *queries.Why {
	return &queries.Why{From: idVoice, To: idRunSh, Path: pathOf(t, g, idVoice, idTTS, idJobTTS, idWrapper, idRunSh)}
}

func TestGolden(t *testing.T) {
	g := buildFixture(false)
	for _, o := range outputs(t, g) {
		t.Run(o.name, func(t *testing.T) {
			golden(t, o.name, formatted(t, o.run))
		})
	}
}

// TestDeterministic builds the fixture with two different insertion
// orders and requires byte-identical output from every exporter, and the
// same bytes again on a second run.
func TestDeterministic(t *testing.T) {
	fwd, rev := outputs(t, buildFixture(false)), outputs(t, buildFixture(true))
	for i := range fwd {
		t.Run(fwd[i].name, func(t *testing.T) {
			a, b := formatted(t, fwd[i].run), formatted(t, rev[i].run)
			if !bytes.Equal(a, b) {
				t.Errorf("insertion order changes the output:\n%s", cmp.Diff(string(a), string(b)))
			}
			if again := formatted(t, fwd[i].run); !bytes.Equal(a, again) {
				t.Errorf("second run differs:\n%s", cmp.Diff(string(a), string(again)))
			}
		})
	}
}

// TestLookup checks that every registry is sorted, that each of its
// names finds a formatter, and that an unknown name is an
// *UnknownFormatError listing the valid names.
func TestLookup(t *testing.T) {
	for _, tt := range []struct {
		doc    string
		names  []string
		want   []string
		lookup func(string) (any, error)
	}{
		{"check", CheckFormats(), []string{"dot", "github", "html", "json", "prometheus", "sarif", "text"}, func(n string) (any, error) { return Check(n, Options{}) }},
		{"graph", GraphFormats(), []string{"dot", "json"}, func(n string) (any, error) { return Graph(n) }},
		{"impact", ImpactFormats(), []string{"json", "text"}, func(n string) (any, error) { return Impact(n) }},
		{"why", WhyFormats(), []string{"json", "text"}, func(n string) (any, error) { return Why(n) }},
		{"render", RenderFormats(), []string{"text"}, func(n string) (any, error) { return Render(n) }},
		{"owners", OwnersFormats(), []string{"json", "text"}, func(n string) (any, error) { return Owners(n) }},
		{"fleet", FleetFormats(), []string{"html", "json", "text"}, func(n string) (any, error) { return Fleet(n) }},
	} {
		if !slices.Equal(tt.names, tt.want) {
			t.Errorf("%s formats = %v, want %v", tt.doc, tt.names, tt.want)
		}
		for _, name := range tt.names {
			if f, err := tt.lookup(name); err != nil || f == nil {
				t.Errorf("%s format %q = %v, %v", tt.doc, name, f, err)
			}
		}
		_, err := tt.lookup("xml")
		var ue *UnknownFormatError
		if !errors.As(err, &ue) || ue.Name != "xml" || !slices.Equal(ue.Valid, tt.want) {
			t.Errorf("%s format xml: error = %#v, want an *UnknownFormatError naming xml and listing %v", tt.doc, err, tt.want)
		}
	}
	_, err := Check("xml", Options{})
	if want := `unknown format "xml" (want dot, github, html, json, prometheus, sarif, text)`; err == nil || err.Error() != want {
		t.Errorf("Check(xml) error = %v, want %s", err, want)
	}
}

func TestCheckDOTIsGraphDOT(t *testing.T) {
	g := buildFixture(false)
	fs := fixtureFindings()
	got := formatted(t, check("dot", Options{}, &Report{Findings: fs, Graph: g}))
	want := formatted(t, func(w io.Writer) error { return dotGraph.FormatGraph(w, g, queries.Worst(fs)) })
	if !bytes.Equal(got, want) {
		t.Errorf("check dot differs from graph dot:\n%s", cmp.Diff(string(want), string(got)))
	}
}

func TestCheckText(t *testing.T) {
	g := buildFixture(false)
	fs := fixtureFindings()
	out := string(formatted(t, check("text", Options{}, &Report{Findings: fs, Graph: g})))
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	// One line per finding, a blank line, the summary: nothing else.
	if len(lines) != len(fs)+2 {
		t.Errorf("got %d lines, want %d findings + blank + summary:\n%s", len(lines), len(fs), out)
	}

	// Order given, errors first.
	if !strings.HasPrefix(lines[0], "instance.yaml:5: error: port 8080") {
		t.Errorf("first line = %q, want the port-conflict error", lines[0])
	}
	for _, want := range []string{
		"wrappers/tts-start:3: error: wrapper tts-start execs /opt/tts/bin/run.sh, which does not exist [missing-target]\n",
		"instance.yaml:5: error: port 8080 is claimed by service:api and service:tts [port-conflict]\n",
		// Line 0: no ":0".
		"LaunchAgents/retired/com.acme.old.plist: warning: job com.acme.old is retired but its plist is still installed [retired-job]\n",
		// No file: the subject.
		"file:/opt/tts/env.sh: info: sourced by wrapper:tts-start only [orphan-file]\n",
		"manifests/voice-agent.yaml:1: info: service voice-agent is defined twice [duplicate-definition]\n",
		"\n\n2 errors, 2 warnings, 2 info in 15 nodes, 14 edges\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b[") {
		t.Error("uncoloured output contains escape codes")
	}

	colored := string(formatted(t, check("text", Options{Color: true}, &Report{Findings: fs, Graph: g})))
	if n := strings.Count(colored, "\x1b["); n != 2*len(fs) {
		t.Errorf("coloured output has %d escape codes, want one pair per finding (%d)", n, 2*len(fs))
	}
	for _, want := range []string{
		": \x1b[31merror\x1b[0m: ", ": \x1b[33mwarning\x1b[0m: ", ": \x1b[36minfo\x1b[0m: ",
	} {
		if !strings.Contains(colored, want) {
			t.Errorf("coloured output lacks %q", want)
		}
	}
	if plain := strings.NewReplacer(ansiRed, "", ansiYellow, "", ansiCyan, "", ansiReset, "").Replace(colored); plain != out {
		t.Errorf("coloured output differs from plain beyond colour:\n%s", cmp.Diff(out, plain))
	}
}

func TestSummaryLine(t *testing.T) {
	one := graph.NewBuilder()
	a := one.Node(graph.Service, "a")
	one.AddEdge(a.ID, a.ID, graph.Requires)
	tests := []struct {
		s                  queries.Summary
		ignored, baselined int
		g                  *graph.Graph
		want               string
	}{
		{queries.Summary{}, 0, 0, nil, "0 errors, 0 warnings, 0 info in 0 nodes, 0 edges"},
		{queries.Summary{Errors: 1, Warnings: 1, Infos: 1}, 0, 0, one.Build(), "1 error, 1 warning, 1 info in 1 node, 1 edge"},
		{queries.Summary{Errors: 3, Warnings: 2, Infos: 5}, 0, 0, buildFixture(false), "3 errors, 2 warnings, 5 info in 15 nodes, 14 edges"},
		{queries.Summary{Infos: 1}, 2, 0, nil, "0 errors, 0 warnings, 1 info, 2 ignored in 0 nodes, 0 edges"},
		{queries.Summary{}, 0, 7, nil, "0 errors, 0 warnings, 0 info, 7 baselined in 0 nodes, 0 edges"},
		{queries.Summary{Warnings: 1}, 1, 1, nil, "0 errors, 1 warning, 0 info, 1 ignored, 1 baselined in 0 nodes, 0 edges"},
	}
	for _, tt := range tests {
		if got := summaryLine(tt.s, tt.ignored, tt.baselined, tt.g); got != tt.want {
			t.Errorf("summaryLine(%+v) = %q, want %q", tt.s, got, tt.want)
		}
	}
	// A clean report is the summary alone, and a nil graph counts as empty.
	if got := string(formatted(t, check("text", Options{}, &Report{}))); got != "0 errors, 0 warnings, 0 info in 0 nodes, 0 edges\n" {
		t.Errorf("clean report = %q", got)
	}
}

// decode unmarshals a JSON document, failing on trailing data.
func decode(t *testing.T, data []byte, v any) {
	t.Helper()
	if !bytes.HasSuffix(data, []byte("}\n")) {
		t.Errorf("JSON does not end with a newline: %q", data[max(0, len(data)-10):])
	}
	if !bytes.HasPrefix(data, []byte("{\n  \"schema\"")) {
		t.Errorf("JSON is not indented by two spaces with schema first: %q", data[:min(20, len(data))])
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatal(err)
	}
}

func TestCheckJSON(t *testing.T) {
	g := buildFixture(false)
	fs := fixtureFindings()
	var doc struct {
		Schema  string
		Summary struct{ Errors, Warnings, Infos, Ignored, Baselined, Nodes, Edges int }
		// Pointers and RawMessage tell a missing member from a zero one.
		Findings []struct {
			Rule, Severity, Message string
			Subject, File           *string
			Line                    *int
			Evidence                []struct {
				File, Key, Token *string
				Line             *int
			}
		}
	}
	decode(t, formatted(t, check("json", Options{}, &Report{Findings: fs, Graph: g, Ignored: 3, Baselined: 4})), &doc)
	if doc.Schema != CheckSchema {
		t.Errorf("schema = %q", doc.Schema)
	}
	if s := doc.Summary; s.Errors != 2 || s.Warnings != 2 || s.Infos != 2 || s.Ignored != 3 || s.Baselined != 4 || s.Nodes != 15 || s.Edges != 14 {
		t.Errorf("summary = %+v", s)
	}
	if len(doc.Findings) != len(fs) {
		t.Fatalf("%d findings, want %d", len(doc.Findings), len(fs))
	}
	for i, f := range doc.Findings {
		if f.Rule != fs[i].Rule || f.Severity != fs[i].Severity.String() || f.Message != fs[i].Message {
			t.Errorf("finding %d = %s/%s/%s, want %s/%s/%s", i, f.Rule, f.Severity, f.Message, fs[i].Rule, fs[i].Severity, fs[i].Message)
		}
		if f.Subject == nil || f.File == nil || f.Line == nil || f.Evidence == nil {
			t.Errorf("finding %d lacks a member: %+v", i, f)
		}
		if len(f.Evidence) != len(fs[i].Evidence) {
			t.Errorf("finding %d has %d evidence, want %d", i, len(f.Evidence), len(fs[i].Evidence))
		}
		for _, e := range f.Evidence {
			if e.File == nil || e.Line == nil || e.Key == nil || e.Token == nil {
				t.Errorf("finding %d: evidence lacks a member", i)
			}
		}
	}

	clean := formatted(t, check("json", Options{}, &Report{}))
	if !bytes.Contains(clean, []byte(`"findings": []`)) {
		t.Errorf("clean report findings is not an empty array:\n%s", clean)
	}
}

func TestGraphJSON(t *testing.T) {
	g := buildFixture(false)
	var doc struct {
		Schema string
		Nodes  []map[string]any
		Edges  []struct {
			From, To, Kind string
			Evidence       []map[string]any
		}
	}
	out := formatted(t, func(w io.Writer) error { return jsonGraph.FormatGraph(w, g, queries.Worst(fixtureFindings())) })
	decode(t, out, &doc)
	if doc.Schema != GraphSchema || len(doc.Nodes) != len(g.Nodes()) || len(doc.Edges) != len(g.Edges()) {
		t.Fatalf("schema %q, %d nodes, %d edges; want %q, %d, %d",
			doc.Schema, len(doc.Nodes), len(doc.Edges), GraphSchema, len(g.Nodes()), len(g.Edges()))
	}
	worst := map[string]any{}
	for i, n := range doc.Nodes {
		if n["id"] != g.Nodes()[i].ID || n["kind"] != string(g.Nodes()[i].Kind) || n["name"] != g.Nodes()[i].Name {
			t.Errorf("node %d = %v, want %s", i, n, g.Nodes()[i].ID)
		}
		if w, ok := n["worst"]; ok {
			worst[n["id"].(string)] = w
		}
	}
	want := map[string]any{idRunSh: "error", idAPI: "error", idLegacy: "warning", idJobOld: "warning", idEnvSh: "info", idVoice: "info"}
	if diff := cmp.Diff(want, worst); diff != "" {
		t.Errorf("worst (-want +got):\n%s", diff)
	}
	for i, e := range doc.Edges {
		if e.Evidence == nil || len(e.Evidence) != len(g.Edges()[i].Evidence) {
			t.Errorf("edge %s->%s evidence = %v", e.From, e.To, e.Evidence)
		}
	}

	// Evidence is an array even for an edge without any.
	b := graph.NewBuilder()
	b.AddEdge(b.Node(graph.Service, "a").ID, b.Node(graph.Service, "b").ID, graph.Requires)
	bare := formatted(t, func(w io.Writer) error { return jsonGraph.FormatGraph(w, b.Build(), nil) })
	if !bytes.Contains(bare, []byte(`"evidence": []`)) || bytes.Contains(bare, []byte("null")) || bytes.Contains(bare, []byte("worst")) {
		t.Errorf("bare graph JSON:\n%s", bare)
	}
}

func TestImpactJSON(t *testing.T) {
	g := buildFixture(false)
	im := fixtureImpact(t, g)
	var doc struct {
		Schema, Target, Note string
		ResolvedFrom         string `json:"resolved_from"`
		Affected             []struct {
			ID, Kind string
			Distance int
			Path     []struct {
				From, To, Kind string
				Evidence       []map[string]any
			}
		}
	}
	decode(t, formatted(t, func(w io.Writer) error { return jsonImpact.FormatImpact(w, im) }), &doc)
	if doc.Schema != ImpactSchema || doc.Target != idRunSh || doc.ResolvedFrom != "run.sh" || doc.Note != im.Note {
		t.Errorf("header = %q %q %q %q", doc.Schema, doc.Target, doc.ResolvedFrom, doc.Note)
	}
	if len(doc.Affected) != len(im.Affected) {
		t.Fatalf("%d affected, want %d", len(doc.Affected), len(im.Affected))
	}
	for i, a := range doc.Affected {
		w := im.Affected[i]
		if a.ID != w.ID || a.Kind != string(w.Kind) || a.Distance != w.Distance || len(a.Path) != w.Distance {
			t.Errorf("affected %d = %+v, want %s at %d", i, a, w.ID, w.Distance)
		}
		if last := a.Path[len(a.Path)-1]; last.To != idRunSh || a.Path[0].From != a.ID {
			t.Errorf("affected %s: path does not run from it to the target", a.ID)
		}
	}

	none := formatted(t, func(w io.Writer) error { return jsonImpact.FormatImpact(w, &queries.Impact{Target: idManifest}) })
	if !bytes.Contains(none, []byte(`"affected": []`)) || !bytes.Contains(none, []byte(`"note": ""`)) {
		t.Errorf("empty impact JSON:\n%s", none)
	}
}

func TestWhyJSON(t *testing.T) {
	g := buildFixture(false)
	var doc struct {
		Schema, From, To string
		Depends          bool
		Path             []struct {
			From, To, Kind string
			Evidence       []map[string]any
		}
	}
	decode(t, formatted(t, func(w io.Writer) error { return jsonWhy.FormatWhy(w, whyVoiceRunSh(t, g)) }), &doc)
	if doc.Schema != WhySchema || doc.From != idVoice || doc.To != idRunSh || !doc.Depends || len(doc.Path) != 4 {
		t.Errorf("why = %+v", doc)
	}
	if len(doc.Path[0].Evidence) != 2 {
		t.Errorf("first edge has %d evidence, want 2", len(doc.Path[0].Evidence))
	}

	out := formatted(t, func(w io.Writer) error { return jsonWhy.FormatWhy(w, &queries.Why{From: idJobAPI, To: idRunSh}) })
	doc.Path = nil
	decode(t, out, &doc)
	if doc.Depends || doc.Path == nil || len(doc.Path) != 0 {
		t.Errorf("unreachable why: depends %v, path %v\n%s", doc.Depends, doc.Path, out)
	}
}

func TestImpactText(t *testing.T) {
	g := buildFixture(false)
	out := string(formatted(t, func(w io.Writer) error { return textImpact.FormatImpact(w, fixtureImpact(t, g)) }))
	want := `impact of removing file:/opt/tts/bin/run.sh
"run.sh" is the base name of file:/opt/tts/bin/run.sh
  wrapper:tts-start  (distance 1) via exec at wrappers/tts-start:3 exec "/opt/tts/bin/run.sh"
    job:com.acme.tts  (distance 2) via exec at LaunchAgents/com.acme.tts.plist:9 ProgramArguments[0] "/Users/me/wrappers/tts-start"
      service:tts  (distance 3) via runs-as at instance.yaml:4 services.tts.label "com.acme.tts"
        service:api  (distance 4) via requires at instance.yaml:16 services.api.requires[0] "tts"
        service:voice-agent  (distance 4) via requires at instance.yaml:8 services.voice-agent.requires[0] "tts"
          manifest:voice-agent  (distance 5) via describes at manifests/voice-agent.yaml:1 name "voice-agent"
6 nodes affected
`
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("impact text (-want +got):\n%s", diff)
	}

	if got := string(formatted(t, func(w io.Writer) error { return textImpact.FormatImpact(w, &queries.Impact{Target: idManifest}) })); got != "impact of removing manifest:voice-agent\nnothing depends on manifest:voice-agent\n" {
		t.Errorf("empty impact = %q", got)
	}

	// A malformed answer (a path whose next node is not in the answer, an
	// entry without a path) still prints every node once.
	odd := &queries.Impact{Target: "service:t", Affected: []queries.Affected{
		{ID: "service:b", Distance: 2, Via: graph.Edge{From: "service:b", To: "service:x", Kind: graph.Requires}},
		{ID: "service:a", Distance: 1},
	}}
	wantOdd := "impact of removing service:t\n  service:a  (distance 1)\n  service:b  (distance 2) via requires\n2 nodes affected\n"
	if got := string(formatted(t, func(w io.Writer) error { return textImpact.FormatImpact(w, odd) })); got != wantOdd {
		t.Errorf("malformed impact:\n%s", cmp.Diff(wantOdd, got))
	}
	cycle := &queries.Impact{Target: "service:t", Affected: []queries.Affected{
		{ID: "service:a", Distance: 1, Via: graph.Edge{From: "service:a", To: "service:b", Kind: graph.Requires}},
		{ID: "service:b", Distance: 1, Via: graph.Edge{From: "service:b", To: "service:a", Kind: graph.Requires}},
	}}
	got := string(formatted(t, func(w io.Writer) error { return textImpact.FormatImpact(w, cycle) }))
	if strings.Count(got, "service:a  (") != 1 || strings.Count(got, "service:b  (") != 1 || !strings.HasSuffix(got, "2 nodes affected\n") {
		t.Errorf("cyclic impact:\n%s", got)
	}
}

func TestWhyText(t *testing.T) {
	g := buildFixture(false)
	want := `service:voice-agent
  -> service:tts [requires] instance.yaml:8 services.voice-agent.requires[0] "tts" (+1 more)
  -> job:com.acme.tts [runs-as] instance.yaml:4 services.tts.label "com.acme.tts"
  -> wrapper:tts-start [exec] LaunchAgents/com.acme.tts.plist:9 ProgramArguments[0] "/Users/me/wrappers/tts-start"
  -> file:/opt/tts/bin/run.sh [exec] wrappers/tts-start:3 exec "/opt/tts/bin/run.sh"
`
	if got := string(formatted(t, func(w io.Writer) error { return textWhy.FormatWhy(w, whyVoiceRunSh(t, g)) })); got != want {
		t.Errorf("why text:\n%s", cmp.Diff(want, got))
	}
	if got := string(formatted(t, func(w io.Writer) error { return textWhy.FormatWhy(w, &queries.Why{From: idJobAPI, To: idRunSh}) })); got != "job:com.acme.api does not depend on file:/opt/tts/bin/run.sh\n" {
		t.Errorf("unreachable why = %q", got)
	}
}

// dotLine returns the statement line of the DOT output that starts with
// prefix (after indentation).
func dotLine(t *testing.T, out, prefix string) string {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(strings.TrimLeft(l, "\t"), prefix) {
			return l
		}
	}
	t.Fatalf("no line starting with %s in:\n%s", prefix, out)
	return ""
}

func TestGraphDOT(t *testing.T) {
	g := buildFixture(false)
	out := string(formatted(t, func(w io.Writer) error { return dotGraph.FormatGraph(w, g, queries.Worst(fixtureFindings())) }))

	if regexp.MustCompile(`(?m)^\t*n[0-9]+`).MatchString(out) {
		t.Errorf("generated node names remain:\n%s", out)
	}
	for _, n := range g.Nodes() {
		dotLine(t, out, `"`+n.ID+`" [`)
	}
	for _, e := range g.Edges() {
		l := dotLine(t, out, `"`+e.From+`" -> "`+e.To+`" [`)
		if !strings.Contains(l, `label="`+string(e.Kind)+`"`) {
			t.Errorf("edge without its kind as label: %s", l)
		}
	}

	// Clusters in graph.Kinds order.
	last := -1
	for _, label := range []string{"services", "jobs", "wrappers", "files", "directories", "manifests"} {
		i := strings.Index(out, `label="`+label+`";`)
		if i < last {
			t.Errorf("cluster %s at %d, before the previous one at %d", label, i, last)
		}
		last = i
	}

	for _, tt := range []struct {
		id   string
		want []string
		not  []string
	}{
		{idRunSh, []string{`fillcolor="#f4cccc"`, `color="red"`, `style="filled,dashed"`, `shape="ellipse"`, `label="run.sh\n/opt/tts/bin\n(missing)"`}, nil},
		{idAPI, []string{`fillcolor="#f4cccc"`, `color="red"`, `style="rounded,filled"`, `shape="box"`}, nil},
		{idLegacy, []string{`fillcolor="#fff2cc"`, `color="red"`, `style="rounded,filled,dashed"`}, nil},
		{idJobOld, []string{`fillcolor="#fff2cc"`, `color="grey"`, `fontcolor="grey"`, `style="filled,dashed"`, `shape="component"`}, nil},
		{idEnvSh, []string{`fillcolor="#d9ead3"`}, []string{"color=", "dashed"}},
		{idTTS, []string{`fillcolor="white"`, `label="tts"`}, []string{"color=", "dashed"}},
		{idWrapper, []string{`shape="note"`}, nil},
		{idTTSDir, []string{`shape="folder"`, `label="tts\n/opt"`}, nil},
		{idManifest, []string{`shape="tab"`}, nil},
	} {
		l := dotLine(t, out, `"`+tt.id+`" [`)
		for _, w := range tt.want {
			if !strings.Contains(l, w) {
				t.Errorf("%s lacks %s: %s", tt.id, w, l)
			}
		}
		for _, w := range tt.not {
			if strings.Contains(strings.ReplaceAll(l, "fillcolor=", ""), w) {
				t.Errorf("%s has %s: %s", tt.id, w, l)
			}
		}
	}
	if l := dotLine(t, out, `"`+idWrapper+`" -> "`+idRunSh+`" [`); !strings.Contains(l, `color="red"`) {
		t.Errorf("edge to a missing file is not red: %s", l)
	}

	// An empty graph is still a digraph.
	empty := string(formatted(t, func(w io.Writer) error { return dotGraph.FormatGraph(w, graph.NewBuilder().Build(), nil) }))
	if !strings.HasPrefix(empty, "digraph driftmap {") || !strings.HasSuffix(empty, "}\n") {
		t.Errorf("empty graph DOT = %q", empty)
	}
}

// TestGraphDOTAwkwardNames checks that node IDs that look like DOT syntax
// (quotes, attribute lists, emicklei/dot's generated names) are quoted
// whole.
func TestGraphDOTAwkwardNames(t *testing.T) {
	b := graph.NewBuilder()
	weird := b.Node(graph.File, `/tmp/a "b",id="x"[n1]`).ID
	svc := b.Node(graph.Service, "n1").ID
	b.AddEdge(svc, weird, graph.Exec, graph.Evidence{File: "x", Token: `",id="y`})
	out := string(formatted(t, func(w io.Writer) error { return dotGraph.FormatGraph(w, b.Build(), nil) }))
	dotLine(t, out, `"file:/tmp/a \"b\",id=\"x\"[n1]" [`)
	dotLine(t, out, `"service:n1" [`)
	dotLine(t, out, `"service:n1" -> "file:/tmp/a \"b\",id=\"x\"[n1]" [`)
}

type failWriter struct{}

var errWrite = errors.New("write failed")

func (failWriter) Write([]byte) (int, error) { return 0, errWrite }

func TestWriteErrors(t *testing.T) {
	for _, o := range outputs(t, buildFixture(false)) {
		if err := o.run(failWriter{}); !errors.Is(err, errWrite) {
			t.Errorf("%s: error = %v, want the writer's", o.name, err)
		}
	}
}

func TestGraphNilAndUnknownKind(t *testing.T) {
	for _, f := range []func(io.Writer) error{
		func(w io.Writer) error { return dotGraph.FormatGraph(w, nil, nil) },
		func(w io.Writer) error { return jsonGraph.FormatGraph(w, nil, nil) },
	} {
		formatted(t, f)
	}
	b := graph.NewBuilder()
	odd := b.Node(graph.Kind("socket"), "/tmp/s").ID
	b.AddEdge(b.Node(graph.Job, "j").ID, odd, graph.Exec)
	out := string(formatted(t, func(w io.Writer) error { return dotGraph.FormatGraph(w, b.Build(), nil) }))
	dotLine(t, out, `"socket:/tmp/s" [`)
	dotLine(t, out, `"job:j" -> "socket:/tmp/s" [`)
}
