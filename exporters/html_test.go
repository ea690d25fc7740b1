package exporters

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/queries"
	"github.com/driftmap/driftmap/sources"
)

// mapFixture is the service map of the broken demo tree around
// ~/.sanctum/env.sh, as Graphviz draws it: the output of
//
//	driftmap graph --focus wrapper:/Users/bert/.sanctum/env.sh --depth 2 \
//	  --root root --home /Users/bert --workspace workspace | <go-graphviz v0.2.10, -Tsvg>
//
// in testdata/demo/broken (Graphviz 12.1.2, as github.com/goccy/go-graphviz
// embeds it): XML declaration, doctype, comments, &#45; for '-', and each
// node a <g class="node"> whose <title> is its node ID.
func mapFixture(t testing.TB) []byte {
	t.Helper()
	svg, err := os.ReadFile(filepath.Join("testdata", "map-broken.svg"))
	if err != nil {
		t.Fatal(err)
	}
	return svg
}

// brokenDemo loads testdata/demo/broken as `driftmap check --root root
// --home /Users/bert --workspace workspace` does from its directory, and
// returns the report with the map fixture. It changes the working
// directory for the rest of the test, so the paths match the CLI's.
func brokenDemo(t *testing.T) *Report {
	t.Helper()
	t.Chdir(filepath.Join("..", "testdata", "demo", "broken"))
	snap, err := sources.Load(sources.Options{Root: "root", Home: "/Users/bert", Workspace: "workspace", Hostname: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	res := queries.Check(snap, queries.All())
	return &Report{Findings: res.Findings, Graph: snap.Graph, Ignored: res.Ignored}
}

// brokenDemoHTML is the page of the broken demo tree with the map
// fixture.
func brokenDemoHTML(t *testing.T) []byte {
	t.Helper()
	svg := mapFixture(t)
	r := brokenDemo(t)
	r.Map = svg
	return formatted(t, check("html", Options{}, r))
}

func TestHTMLGoldenBrokenDemo(t *testing.T) {
	out := brokenDemoHTML(t)
	t.Chdir(filepath.Join("..", "..", "..", "exporters")) // back, for the golden file
	golden(t, "check-broken.html", out)
	for _, secret := range []string{"tskey-auth-", "sk-proj-"} {
		if bytes.Contains(out, []byte(secret)) {
			t.Errorf("the page holds a credential of the demo (%s...)", secret)
		}
	}
	s := string(out)
	for _, want := range []string{
		`<li class="dm-error"><b>13</b> errors</li>`,
		`<li class="dm-warning"><b>6</b> warnings</li>`,
		`<li class="dm-info"><b>1</b> info</li>`,
		`<li><b>0</b> ignored</li>`,
		`<li><b>64</b> nodes</li>`,
		`<li><b>69</b> edges</li>`,
		`<p class="dm-muted">13 errors, 6 warnings, 1 info in 64 nodes, 69 edges</p>`,
		`<option value="missing-target">missing-target (5)</option>`,
		`<span id="dm-shown" aria-live="polite">20 of 20 findings shown</span>`,
		`<g id="job:com.sanctum.triage" class="node">` + "\n<title>job:com.sanctum.triage</title>",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if n := strings.Count(s, "<tr data-severity="); n != 20 {
		t.Errorf("%d finding rows, want 20", n)
	}
	if strings.Contains(s, "dm-map-unavailable") {
		t.Error("the page says the map is unavailable though it has one")
	}
}

// externalRef matches what would make a page load something: a src or
// href attribute (or xlink:href) naming http(s) or a scheme-relative
// URL, a CSS @import, or a CSS url() that is not a fragment.
var externalRef = regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?\s*(https?:|//)|@import|url\(\s*["']?\s*[^#"'\s)]`)

func TestHTMLSelfContained(t *testing.T) {
	for name, page := range map[string][]byte{
		"broken demo":  brokenDemoHTML(t),
		"without map":  formatted(t, check("html", Options{}, &Report{Findings: fixtureFindings(), Graph: buildFixture(false)})),
		"empty report": formatted(t, check("html", Options{}, &Report{})),
	} {
		s := string(page)
		if m := externalRef.FindString(s); m != "" {
			t.Errorf("%s: the page refers to an external resource: %q", name, m)
		}
		// Nothing that fetches, even from the page's own directory.
		for _, tag := range []string{"<link", "<img", "<iframe", "<object", "<embed", "<image", "<use", "<foreignObject", " src=", "href="} {
			if strings.Contains(s, tag) {
				t.Errorf("%s: the page holds %s", name, tag)
			}
		}
		if n := strings.Count(s, "<script"); n != 2 {
			t.Errorf("%s: %d script elements, want 2 (the data and the inline script)", name, n)
		}
		if !strings.Contains(s, `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'sha256-`) {
			t.Errorf("%s: the page has no Content-Security-Policy", name)
		}
	}
}

func TestHTMLMapUnavailable(t *testing.T) {
	for _, tc := range []struct {
		name string
		svg  string
		want string
	}{
		{"none", "", "The service map is unavailable: this report was written without one."},
		{"not svg", "<html><body>x</body></html>", "The service map is unavailable: the map is not an SVG document."},
		{"malformed", "<svg><g></svg>", "The service map is unavailable: the map is not well-formed SVG: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := string(formatted(t, check("html", Options{}, &Report{Findings: fixtureFindings(), Graph: buildFixture(false), Map: []byte(tc.svg)})))
			if !strings.Contains(out, tc.want) {
				t.Errorf("the page does not say %q", tc.want)
			}
			if strings.Contains(out, `<div id="dm-map" class="dm-fit">`) || strings.Contains(out, "<svg") {
				t.Error("the page has a map")
			}
		})
	}
}

// The markup TestHTMLHostile plants.
const (
	hostileCloseScript = `</script><script>alert(1)</script>`
	hostileImg         = `"><img src=x onerror=alert(2)>`
)

// hostileHTMLReport is a report whose finding message, rule, subject,
// location and evidence, node IDs and map title hold markup.
func hostileHTMLReport() (r *Report, evilID, otherID string) {
	b := graph.NewBuilder()
	evil := b.Node(graph.Job, "com.evil"+hostileCloseScript+hostileImg+"\u2028<!--")
	evil.State = graph.Live
	other := b.Node(graph.File, "/opt/x'&"+hostileImg)
	b.AddEdge(evil.ID, other.ID, graph.Exec, graph.Evidence{File: "/p" + hostileImg, Line: 2, Key: "Program", Token: hostileCloseScript})
	fs := []queries.Finding{{
		Rule: "missing-target" + hostileImg, Severity: queries.Error, Subject: evil.ID,
		Message: "job runs " + hostileCloseScript + hostileImg, File: "/p" + hostileCloseScript, Line: 3,
		Evidence: []graph.Evidence{{File: "/p" + hostileImg, Line: 2, Key: "Program", Token: hostileCloseScript}},
	}, {
		Rule: "unmanaged", Severity: queries.Warning, Subject: other.ID, Message: hostileImg,
	}}
	esc := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")
	svg := `<svg xmlns="http://www.w3.org/2000/svg" width="200pt" height="100pt" viewBox="0 0 200 100">` +
		`<g id="` + esc.Replace(evil.ID) + `" class="node" onclick="alert(3)"><title>` + esc.Replace(evil.ID) + `</title>` +
		`<ellipse fill="none" stroke="black" cx="100" cy="50" rx="90" ry="40"/><text x="100" y="50">evil</text></g></svg>`
	return &Report{Findings: fs, Graph: b.Build(), Map: []byte(svg)}, evil.ID, other.ID
}

// TestHTMLHostile plants markup in a finding's message, rule, subject
// and evidence: it comes out as text, and the data script cannot be
// closed by a node ID.
func TestHTMLHostile(t *testing.T) {
	r, evilID, otherID := hostileHTMLReport()
	out := string(formatted(t, check("html", Options{}, r)))

	if n := strings.Count(out, "<script"); n != 2 {
		t.Errorf("%d <script, want 2", n)
	}
	if n := strings.Count(out, "</script"); n != 2 {
		t.Errorf("%d </script, want 2", n)
	}
	for _, bad := range []string{"<img", "alert(1)</script>", `"><img`, "<!--", "\u2028", "onclick", "alert(3)"} {
		if strings.Contains(out, bad) {
			t.Errorf("the page holds %q", bad)
		}
	}
	for _, want := range []string{
		`&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&#34;&gt;&lt;img src=x onerror=alert(2)&gt;`,
		`data-subject="job:com.evil&lt;/script&gt;`,
		`<option value="missing-target&#34;&gt;&lt;img src=x onerror=alert(2)&gt;">`,
		`\u003c/script\u003e\u003cscript\u003ealert(1)\u003c/script\u003e`,
		`\u2028\u003c!--`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the page lacks %q", want)
		}
	}

	// The data still decodes to the IDs as the table shows them.
	_, rest, _ := strings.Cut(out, `<script type="application/json" id="dm-data">`)
	js, _, _ := strings.Cut(rest, "</script>")
	var d mapData
	if err := json.Unmarshal([]byte(js), &d); err != nil {
		t.Fatalf("the data is not JSON: %v", err)
	}
	want := []string{text(evilID), text(otherID)}
	if want[0] > want[1] {
		want[0], want[1] = want[1], want[0]
	}
	if diff := cmp.Diff(want, d.Nodes); diff != "" {
		t.Errorf("data nodes (-want +got):\n%s", diff)
	}
}

func TestHTMLDeterministic(t *testing.T) {
	page := func(reversed bool) []byte {
		return formatted(t, check("html", Options{}, &Report{Findings: fixtureFindings(), Graph: buildFixture(reversed), Ignored: 2, Map: mapFixture(t)}))
	}
	a, b := page(false), page(true)
	if !bytes.Equal(a, b) {
		t.Errorf("insertion order changes the page:\n%s", cmp.Diff(string(a), string(b)))
	}
	if again := page(false); !bytes.Equal(a, again) {
		t.Error("a second run differs")
	}
	if err := must(Check("html", Options{})).FormatCheck(failWriter{}, &Report{}); err != errWrite {
		t.Errorf("error = %v, want the writer's", err)
	}
}

func TestMapData(t *testing.T) {
	g := buildFixture(false)
	d := newMapData(g)
	if len(d.Nodes) != len(g.Nodes()) || len(d.States) != len(d.Nodes) || len(d.Edges) != len(g.Edges()) {
		t.Fatalf("%d nodes, %d states, %d edges; want %d, %d, %d", len(d.Nodes), len(d.States), len(d.Edges), len(g.Nodes()), len(g.Nodes()), len(g.Edges()))
	}
	for i, e := range g.Edges() {
		got := d.Edges[i]
		if d.Nodes[got[0]] != e.From || d.Nodes[got[1]] != e.To || d.Kinds[got[2]] != string(e.Kind) {
			t.Errorf("edge %d = %s -%s-> %s, want %v", i, d.Nodes[got[0]], d.Kinds[got[2]], d.Nodes[got[1]], e)
		}
	}
	if want := []string{"describes", "exec", "log-dir", "requires", "runs-as", "source", "working-dir"}; !cmp.Equal(d.Kinds, want) {
		t.Errorf("kinds = %v, want %v", d.Kinds, want)
	}
}

// TestHTMLOwners: the owners section lists each service with its facts,
// marks a differing copy, opens exactly the services to look at (a copy
// that differs, an uncatalogued service), and every value passes the
// output boundary (escaped, credentials redacted).
func TestHTMLOwners(t *testing.T) {
	o := &queries.Owners{Schema: queries.OwnersSchema, Policy: "instance", Services: []queries.ServiceFacts{
		{Name: "calm", Facts: []queries.Fact{{Fact: "port", Value: "8765",
			Owner:  queries.Place{File: "/i.yaml", Line: 3, Key: "port"},
			Copies: []queries.Copy{{File: "/m.yaml", Line: 2, Key: "port", Value: "8765", Derived: true, Agrees: true}}}}},
		{Name: "drifted", Facts: []queries.Fact{{Fact: "arguments", Value: "/bin/x --password=hunter2 <script>",
			Owner:  queries.Place{File: "/t.plist", Key: "ProgramArguments"},
			Copies: []queries.Copy{{File: "/p.plist", Line: 7, Key: "ProgramArguments", Value: "/bin/y", Agrees: false}}}}},
		{Name: "orphan", Uncatalogued: true, Facts: []queries.Fact{{Fact: "enabled", Value: "true", Owner: queries.Place{File: "/i.yaml", Line: 9}}}},
	}}
	var b bytes.Buffer
	if err := (htmlFormatter{}).FormatCheck(&b, &Report{Owners: o}); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{
		`<h2 id="dm-owners">Who owns each fact</h2>`,
		`<details class="dm-owners"><summary>service calm</summary>`,
		`<details class="dm-owners" open><summary>service drifted</summary>`,
		`<details class="dm-owners" open><summary>service orphan <span class="dm-warning">uncatalogued`,
		`<tr class="dm-error"><td></td><td>≠ /bin/y</td>`,
		`copy, derived`,
		`&lt;script&gt;`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	for _, bad := range []string{"hunter2", "<script>/bin", " <script>"} {
		if strings.Contains(page, bad) {
			t.Errorf("page holds %q", bad)
		}
	}
	var none bytes.Buffer
	if err := (htmlFormatter{}).FormatCheck(&none, &Report{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(none.String(), `id="dm-owners"`) {
		t.Error("a report without owners has the section")
	}
}
