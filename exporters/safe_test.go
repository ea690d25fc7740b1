package exporters

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/queries"
	"github.com/driftmap/driftmap/sources/render"
)

func TestEscapeControl(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain ascii /usr/bin/x", "plain ascii /usr/bin/x"},
		{"com.evil\nfake.plist:1: error: forged", `com.evil\nfake.plist:1: error: forged`},
		{"a\rb\tc", `a\rb\tc`},
		{"\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
		{"\x00\x07\x7f", `\x00\x07\x7f`},
		{"bad \xff\xfe utf8", `bad \xff\xfe utf8`},
		{"csi \u009b2J", `csi \u009b2J`},
		{"rtl \u202eexe.txt", `rtl \u202eexe.txt`},
		{"isolate \u2066x\u2069", `isolate \u2066x\u2069`},
		{"line\u2028sep", `line\u2028sep`},
		{"café → ok ✓", "café → ok ✓"},
		{`a\nb`, `a\nb`}, // a backslash is left as it is
		{"", ""},
	} {
		if got := escapeControl(tc.in); got != tc.want {
			t.Errorf("escapeControl(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestScrubJSON(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"a": "plain", "n": 1, "l": ["x", "y"]}`, `{"a": "plain", "n": 1, "l": ["x", "y"]}`},
		{`{"program": "/opt/bin/tool --password=SECRET"}`, `{"program": "/opt/bin/tool --password=<redacted>"}`},
		{`{"m": "say \"--token SECRET\" now"}`, `{"m": "say \"--token <redacted>\" now"}`},
		{`{"u": "postgres://a:SECRET@h/d", "k": "v"}`, `{"u": "postgres://a:<redacted>@h/d", "k": "v"}`},
		{`{"e": "a\nb \u001b"}`, `{"e": "a\nb \u001b"}`}, // already escaped: kept byte for byte
		{"{\"c\": \"csi \u009b rtl \u202e\"}", `{"c": "csi \u009b rtl \u202e"}`},
		{`{"--token SECRET": 1}`, `{"--token <redacted>": 1}`},
		{`{}`, `{}`},
	} {
		got, err := scrubJSON([]byte(tc.in))
		if err != nil || string(got) != tc.want {
			t.Errorf("scrubJSON(%s) = %s, %v; want %s", tc.in, got, err, tc.want)
		}
	}
	if _, err := scrubJSON([]byte(`{"a": "unterminated`)); err == nil {
		t.Error("an unterminated string is no error")
	}
}

// The hostile values the tests below plant: a Program holding a whole
// command line with a password, a Label and file names holding newlines,
// an ESC sequence, a carriage return, a C1 CSI and a bidi override, and
// messages and evidence quoting credentials.
const (
	hostileLabel   = "com.evil\nfake.plist:1: error: forged \x1b[2J\x1b[31mRED\r"
	hostileFile    = "/Users/me/Library/LaunchAgents/evil\n.plist"
	hostileProgram = "/opt/bin/tool --password=SECRET1 --url https://u:SECRET2@h/"
	hostileOther   = "rtl\u202eexe \u009b2J"
)

func hostileGraph() (*graph.Graph, string, string, string) {
	b := graph.NewBuilder()
	job := b.Node(graph.Job, hostileLabel)
	job.Label = hostileLabel
	job.Program = hostileProgram
	job.State = graph.Live
	job.Defined = []graph.Evidence{{File: hostileFile, Line: 3, Key: "Label", Token: hostileLabel}}
	prog := b.Node(graph.File, hostileProgram)
	prog.State = graph.Missing
	other := b.Node(graph.Wrapper, "/w/"+hostileOther)
	other.Detail = "mysql -u root -pSECRET3"
	b.AddEdge(job.ID, prog.ID, graph.Exec, graph.Evidence{File: hostileFile, Line: 4, Key: "Program", Token: hostileProgram})
	b.AddEdge(other.ID, job.ID, graph.Exec, graph.Evidence{File: "/w/" + hostileOther, Line: 2, Key: "exec", Token: "OPENAI_API_KEY=SECRET4"})
	return b.Build(), job.ID, prog.ID, other.ID
}

func hostileFindings(jobID string) []queries.Finding {
	return []queries.Finding{{
		Rule: "missing-target", Severity: queries.Error, Subject: jobID,
		Message: "job " + hostileLabel + " runs " + hostileProgram + " (Program), which does not exist",
		File:    hostileFile, Line: 4,
		Evidence: []graph.Evidence{{File: hostileFile, Line: 4, Key: "Program", Token: hostileProgram}},
	}, {
		Rule: "artifact-drift", Severity: queries.Warning, Subject: "artifact:/x",
		Message: `key network.db_url: "postgres://admin:SECRET5@db/x" in input`,
		File:    "/x",
	}, {
		Rule: "unmanaged", Severity: queries.Info, Subject: jobID,
		Message: "live job " + hostileLabel + " is claimed by nothing " + hostileOther,
	}}
}

func hostileRender() *RenderReport {
	secrets := "name: voice-agent\napi_key: SECRET6\nport: 8765\nenv:\n  OPENAI_API_KEY: SECRET7\ncommand: /opt/bin/tool --password=SECRET8\n"
	return &RenderReport{
		Dir: "/d", Check: true, Diff: true, Prune: true,
		Plan: []render.Planned{
			{Action: render.Broken, File: "/d/" + hostileOther + ".yaml", Err: "line 1: bad --token SECRET9"},
			{Action: render.Extra, File: "/d/extra\nforged: error.yaml", Old: []byte("name: extra\ndb_password: SECRET10\nauth:\n  pass: SECRET11\n")},
			{
				Action: render.Update, File: "/d/voice-agent.yaml",
				Old:   []byte(secrets),
				New:   []byte(strings.Replace(secrets, "port: 8765", "port: 9000", 1)),
				Diffs: []render.FieldDiff{{Field: "port", Have: "8765", Want: "9000", Line: 3}},
			},
		},
	}
}

// TestHostileValues runs every formatter on values planted by a hostile
// tree: no output holds a planted secret, every text output keeps one
// record per line with no control character but its newlines, every
// JSON output is valid JSON holding no raw C1 or bidi character, every
// DOT output has no control character but its newlines, and every HTML
// page has no control character but its newlines and no script element
// but its own two.
func TestHostileValues(t *testing.T) {
	g, jobID, progID, otherID := hostileGraph()
	fs := hostileFindings(jobID)
	report := &Report{Findings: fs, Graph: g}
	im := &queries.Impact{Target: progID, Note: "resolved from " + hostileProgram, Affected: []queries.Affected{
		{ID: jobID, Kind: graph.Job, Distance: 1, Via: pathOf(t, g, jobID, progID)[0]},
		{ID: otherID, Kind: graph.Wrapper, Distance: 2, Via: pathOf(t, g, otherID, jobID, progID)[0]},
	}}
	why := &queries.Why{From: otherID, To: progID, Path: pathOf(t, g, otherID, jobID, progID)}
	noPath := &queries.Why{From: jobID, To: progID + " --token SECRET12"}

	type out struct {
		name, format string
		lines        int // text: the lines it must have
		run          func(io.Writer) error
	}
	// Every format of every kind of document, from the registries, so a
	// format added later is held to the same rules.
	var outs []out
	lines := map[string]int{"text": 3 + 2} // check text: 3 findings, a blank line, the summary
	for _, name := range CheckFormats() {
		outs = append(outs, out{"check " + name, name, lines[name], check(name, Options{}, report)})
	}
	for _, name := range GraphFormats() {
		f := must(Graph(name))
		outs = append(outs, out{"graph " + name, name, 0, func(w io.Writer) error { return f.FormatGraph(w, g, queries.Worst(fs)) }})
	}
	for _, name := range MapFormats() {
		f := must(Map(name))
		for _, opts := range []queries.MapOptions{{Highlight: []string{progID}}, {Detail: true}, {Detail: true, Highlight: []string{otherID, progID}}} {
			m, err := queries.BuildMap(g, fs, opts)
			if err != nil {
				t.Fatal(err)
			}
			outs = append(outs, out{fmt.Sprintf("map %s %+v", name, opts), name, 0, func(w io.Writer) error { return f.FormatMap(w, m) }})
		}
	}
	lines["text"] = 5
	for _, name := range ImpactFormats() {
		f := must(Impact(name))
		outs = append(outs, out{"impact " + name, name, lines[name], func(w io.Writer) error { return f.FormatImpact(w, im) }})
	}
	lines["text"] = 3
	for _, name := range WhyFormats() {
		f := must(Why(name))
		outs = append(outs, out{"why " + name, name, lines[name], func(w io.Writer) error { return f.FormatWhy(w, why) }})
	}
	for _, name := range RenderFormats() {
		f := must(Render(name))
		outs = append(outs, out{"render " + name, "render " + name, 0, func(w io.Writer) error { return f.FormatRender(w, hostileRender()) }})
	}
	outs = append(outs,
		out{"check text color", "text", 3 + 2, check("text", Options{Color: true}, report)},
		out{"impact none text", "text", 2, func(w io.Writer) error {
			return textImpact.FormatImpact(w, &queries.Impact{Target: progID})
		}},
		out{"why unreachable text", "text", 1, func(w io.Writer) error { return textWhy.FormatWhy(w, noPath) }},
	)
	for _, o := range outs {
		t.Run(o.name, func(t *testing.T) {
			got := string(formatted(t, o.run))
			if strings.Contains(got, "SECRET") {
				t.Errorf("a planted secret is printed:\n%s", got)
			}
			redacted := "<redacted>"
			switch o.format {
			case "svg", "html":
				redacted = "&lt;redacted&gt;" // XML, HTML-escaped
			case "mermaid":
				redacted = "#60;redacted#62;" // an entity code in a label
			}
			// prometheus writes no value of the audited files (its labels
			// are rule names, severities and kinds), so nothing is left
			// to redact; TestPrometheusLabels checks its labels.
			if o.format != "prometheus" && !strings.Contains(got, redacted) && !strings.Contains(got, "<redacted>") {
				t.Errorf("nothing was redacted: the test plants nothing here:\n%s", got)
			}
			// The severity colour is the one escape sequence the
			// formatter writes itself.
			plain := strings.NewReplacer(ansiRed, "", ansiYellow, "", ansiCyan, "", ansiReset, "").Replace(got)
			for i, l := range strings.Split(strings.TrimSuffix(plain, "\n"), "\n") {
				if strings.HasPrefix(l, "fake.plist") || strings.HasPrefix(l, "forged") || strings.HasPrefix(l, ".plist") {
					t.Errorf("line %d is forged by a value: %q", i+1, l)
				}
				for _, r := range l {
					if r < 0x20 && !(r == '\t' && o.format == "dot") || r == 0x7f || unsafeRune(r) { // DOT indents with tabs
						t.Errorf("line %d holds control character %U: %q", i+1, r, l)
					}
				}
			}
			if !utf8.ValidString(got) {
				t.Errorf("the output is not UTF-8: %q", got)
			}
			switch o.format {
			case "text":
				if n := strings.Count(got, "\n"); n != o.lines {
					t.Errorf("%d lines, want %d:\n%s", n, o.lines, got)
				}
			case "html":
				if n := strings.Count(got, "<script"); n != 2 {
					t.Errorf("%d <script elements, want 2", n)
				}
			case "json", "sarif":
				var v any
				if err := json.Unmarshal([]byte(got), &v); err != nil {
					t.Errorf("not JSON: %v\n%s", err, got)
				}
			}
		})
	}
}

// The check text of the hostile tree, line by line: what the fix looks
// like, for reviewers.
func TestHostileCheckText(t *testing.T) {
	g, jobID, _, _ := hostileGraph()
	got := string(formatted(t, check("text", Options{}, &Report{Findings: hostileFindings(jobID), Graph: g})))
	want := `/Users/me/Library/LaunchAgents/evil\n.plist:4: error: job com.evil\nfake.plist:1: error: forged \x1b[2J\x1b[31mRED\r runs /opt/bin/tool --password=<redacted> --url https://u:<redacted>@h/ (Program), which does not exist [missing-target]
/x: warning: key network.db_url: "postgres://admin:<redacted>@db/x" in input [artifact-drift]
job:com.evil\nfake.plist:1: error: forged \x1b[2J\x1b[31mRED\r: info: live job com.evil\nfake.plist:1: error: forged \x1b[2J\x1b[31mRED\r is claimed by nothing rtl\u202eexe \u009b2J [unmanaged]

1 error, 1 warning, 1 info in 3 nodes, 2 edges
`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestHostileRenderText(t *testing.T) {
	got := string(formatted(t, func(w io.Writer) error { return must(Render("text")).FormatRender(w, hostileRender()) }))
	want := `/d/rtl\u202eexe \u009b2J.yaml: cannot be rendered: line 1: bad --token <redacted>
/d/extra\nforged: error.yaml: no service renders it; retire it to .retired/
--- a/d/extra\nforged: error.yaml
+++ /dev/null
@@ -1,4 +0,0 @@
-name: extra
-db_password: <redacted>
-auth:
-  pass: <redacted>
/d/voice-agent.yaml: port is 8765, render writes 9000
--- a/d/voice-agent.yaml
+++ b/d/voice-agent.yaml
@@ -1,6 +1,6 @@
 name: voice-agent
 api_key: <redacted>
-port: 8765
+port: 9000
 env:
   OPENAI_API_KEY: <redacted>
 command: /opt/bin/tool --password=<redacted>
render --check: 0 to create, 1 to update, 0 unchanged, 1 extra, 1 unparsable in /d
`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}
