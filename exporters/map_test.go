package exporters

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/internal/gvcache"
	"github.com/driftmap/driftmap/queries"
)

// fixtureMap is the map of the fixture graph that opts ask for.
func fixtureMap(t *testing.T, g *graph.Graph, opts queries.MapOptions) *queries.Map {
	t.Helper()
	m, err := queries.BuildMap(g, fixtureFindings(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// mapOutput is one map in one drawn format, by golden file name.
type mapOutput struct {
	name string
	run  func(io.Writer) error
}

// mapOutputs are the maps of the fixture in every drawn format: the
// service map, the detail map, the detail map highlighting the wrapper's
// impact, and the service map highlighting a path.
func mapOutputs(t *testing.T, g *graph.Graph) []mapOutput {
	var outs []mapOutput
	for _, c := range []struct {
		name string
		opts queries.MapOptions
	}{
		{"map", queries.MapOptions{}},
		{"map-detail", queries.MapOptions{Detail: true}},
		{"map-detail-impact", queries.MapOptions{Detail: true, Highlight: []string{idWrapper}}},
		{"map-path", queries.MapOptions{Highlight: []string{idVoice, idRunSh}}},
	} {
		m := fixtureMap(t, g, c.opts)
		for _, format := range MapFormats() {
			f := must(Map(format))
			outs = append(outs, mapOutput{c.name + "." + format, func(w io.Writer) error { return f.FormatMap(w, m) }})
		}
	}
	return outs
}

func TestMapGolden(t *testing.T) {
	for _, o := range mapOutputs(t, buildFixture(false)) {
		t.Run(o.name, func(t *testing.T) {
			out := formatted(t, o.run)
			if strings.HasSuffix(o.name, ".svg") {
				out = svgStructure(t, out)
			}
			golden(t, o.name, out)
		})
	}
}

// TestMapDeterministic: the same map gives the same bytes in every format,
// whatever order the graph was built in, and again on a second run.
func TestMapDeterministic(t *testing.T) {
	fwd, rev := mapOutputs(t, buildFixture(false)), mapOutputs(t, buildFixture(true))
	for i := range fwd {
		a, b, again := formatted(t, fwd[i].run), formatted(t, rev[i].run), formatted(t, fwd[i].run)
		if !bytes.Equal(a, b) || !bytes.Equal(a, again) {
			t.Errorf("%s differs between runs", fwd[i].name)
		}
	}
}

// svgNode is what TestMapGolden keeps of an SVG element.
type svgNode struct {
	XMLName xml.Name
	ID      string    `xml:"id,attr"`
	Class   string    `xml:"class,attr"`
	Fill    string    `xml:"fill,attr"`
	Title   string    `xml:"title"`
	Text    string    `xml:",chardata"`
	Nodes   []svgNode `xml:",any"`
}

// svgStructure parses an SVG document and lists, one per line, the graph
// element, every cluster, node (its title, id, class and fill) and edge
// (its title and class), and the texts of the legend: what a reader and
// the HTML report rely on, not the pixels.
func svgStructure(t *testing.T, doc []byte) []byte {
	t.Helper()
	var root svgNode
	if err := xml.Unmarshal(doc, &root); err != nil {
		t.Fatalf("not XML: %v", err)
	}
	if root.XMLName.Local != "svg" {
		t.Fatalf("root element %s", root.XMLName.Local)
	}
	var b strings.Builder
	var walk func(n svgNode, inNode bool)
	walk = func(n svgNode, inNode bool) {
		cls := strings.Fields(n.Class)
		switch {
		case n.XMLName.Local == "g" && slices.Contains(cls, "graph"):
			fmt.Fprintf(&b, "graph id=%s\n", n.ID)
		case n.XMLName.Local == "g" && slices.Contains(cls, "cluster"):
			fmt.Fprintf(&b, "cluster id=%s title=%s\n", n.ID, n.Title)
		case n.XMLName.Local == "g" && slices.Contains(cls, "node"):
			fmt.Fprintf(&b, "node title=%s id=%s class=%q fill=%s\n", n.Title, n.ID, n.Class, firstFill(n))
			inNode = true
		case n.XMLName.Local == "g" && slices.Contains(cls, "edge"):
			fmt.Fprintf(&b, "edge title=%s class=%q\n", n.Title, n.Class)
			inNode = true
		case n.XMLName.Local == "text" && !inNode:
			fmt.Fprintf(&b, "text %s\n", strings.TrimSpace(n.Text))
		}
		for _, c := range n.Nodes {
			walk(c, inNode)
		}
	}
	walk(root, false)
	return []byte(b.String())
}

// firstFill is the fill of a node's shape: its first filled element.
func firstFill(n svgNode) string {
	for _, c := range n.Nodes {
		if c.Fill != "" && c.Fill != "none" {
			return c.Fill
		}
		if f := firstFill(c); f != "" {
			return f
		}
	}
	return ""
}

// TestMapSVG checks what the HTML report and readers rely on: each map
// node is a <g class="node ..."> whose title is its node ID, filled by its
// worst finding; the legend is there; InlineSVG starts at <svg>.
func TestMapSVG(t *testing.T) {
	g := buildFixture(false)
	m := fixtureMap(t, g, queries.MapOptions{Detail: true})
	out, err := SVG(m)
	if err != nil {
		t.Fatal(err)
	}
	s := string(svgStructure(t, out))
	var titles []string
	for _, l := range strings.Split(s, "\n") {
		if f, ok := strings.CutPrefix(l, "node title="); ok {
			titles = append(titles, strings.Fields(f)[0])
		}
	}
	var ids []string
	for _, n := range g.Nodes() {
		ids = append(ids, n.ID)
	}
	slices.Sort(titles)
	if !slices.Equal(titles, ids) {
		t.Errorf("node titles %v, want the node IDs %v", titles, ids)
	}
	for _, want := range []string{
		`node title=file:/opt/tts/bin/run.sh id=file:/opt/tts/bin/run.sh class="node file error missing" fill=#f4cccc`,
		`node title=service:api id=service:api class="node service error" fill=#f4cccc`,
		`node title=job:com.acme.old id=job:com.acme.old class="node job warning retired" fill=#fff2cc`,
		`node title=file:/opt/tts/env.sh id=file:/opt/tts/env.sh class="node file info" fill=#d9ead3`,
		`edge title=service:voice-agent->service:tts class="edge requires"`,
		"text driftmap graph (detail): 15 nodes and 14 edges, of a graph of 15 nodes and 14 edges",
		"text retired or disabled",
	} {
		if !strings.Contains(s, want+"\n") {
			t.Errorf("the SVG lacks %q:\n%s", want, s)
		}
	}
	in, err := InlineSVG(m)
	if err != nil || !bytes.HasPrefix(in, []byte("<svg ")) || !bytes.HasSuffix(out, in) {
		t.Errorf("InlineSVG = %.40q..., %v", in, err)
	}
	if l := SVGLimit(); l != must(Map("svg")).MapLimit() || l.Nodes == 0 {
		t.Errorf("SVGLimit %+v", l)
	}
}

// TestSVGFallback: a DOT that Graphviz cannot rank fails as a
// *layoutError, and Graphviz reports the next layout's errors afresh.
func TestSVGFallback(t *testing.T) {
	bad := []byte("digraph { a [label=<<X>bad</Y>>] }") // an HTML label Graphviz rejects at layout
	_, err := layoutSVG(bad)
	var le *layoutError
	if !errors.As(err, &le) {
		t.Fatalf("error %v is no *layoutError", err)
	}
	if _, err := layoutSVG([]byte("digraph { a -> b }")); err != nil {
		t.Errorf("a good graph after a bad one: %v", err)
	}
	// A map drawn flat says so in its legend.
	m := fixtureMap(t, buildFixture(false), queries.MapOptions{Detail: true})
	if !bytes.Contains(mapDOT(m, dotFlat), []byte("drawn without them")) || bytes.Contains(mapDOT(m, dotFlat), []byte("subgraph")) {
		t.Error("the flat DOT keeps its clusters or says nothing")
	}
}

// TestMermaidSyntax checks the rules that keep a flowchart valid: IDs of
// letters, digits and _, never a keyword; labels quoted with no raw quote
// or angle bracket but the <br/> line breaks; one class statement per
// class.
func TestMermaidSyntax(t *testing.T) {
	b := graph.NewBuilder()
	weird := b.Node(graph.File, `/tmp/a "b"<script>#end]|x`).ID
	end := b.Node(graph.Service, "end").ID
	b.AddEdge(end, weird, graph.Exec)
	m, err := queries.BuildMap(b.Build(), nil, queries.MapOptions{Detail: true})
	if err != nil {
		t.Fatal(err)
	}
	out := string(formatted(t, func(w io.Writer) error { return must(Map("mermaid")).FormatMap(w, m) }))
	id := regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
	node := regexp.MustCompile(`^\s+(\S+?)(\(|\[\[|\[/|\[\(|\{\{|\[|>)"([^"]*)"(\)|\]\]|/\]|\)\]|\}\}|\])(:::\w+)?$`)
	seen := 0
	for _, l := range strings.Split(out, "\n") {
		if mm := node.FindStringSubmatch(l); mm != nil {
			seen++
			if !id.MatchString(mm[1]) || mm[1] == "end" {
				t.Errorf("bad ID %q in %q", mm[1], l)
			}
			if strings.ContainsAny(strings.ReplaceAll(mm[3], "<br/>", ""), `"<>[]|`) {
				t.Errorf("unescaped label in %q", l)
			}
		}
	}
	if seen < 2 || !strings.Contains(out, "service_3aend") || !strings.Contains(out, "#34;") {
		t.Errorf("%d node statements:\n%s", seen, out)
	}
}

// TestMapLarge lays out the map of a synthetic machine of 6,000 services
// and 6,000 unclaimed jobs (18,000+ nodes): the limit applies, the map
// says what it left out, and layout finishes. The deadline only guards
// against a hang; it measures nothing.
func TestMapLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("lays out a large map")
	}
	g, fs := constellation(6000, 6000)
	for _, format := range []string{"svg", "mermaid"} {
		f := must(Map(format))
		m, err := queries.BuildMap(g, fs, queries.MapOptions{Limit: f.MapLimit()})
		if err != nil {
			t.Fatal(err)
		}
		if !m.Fits(f.MapLimit()) || len(m.Alerts) < 2 {
			t.Fatalf("%s: %d nodes, %d edges, alerts %q", format, len(m.Nodes), len(m.Edges), m.Alerts)
		}
		done := make(chan []byte, 1)
		go func() {
			var b bytes.Buffer
			if err := f.FormatMap(&b, m); err != nil {
				t.Error(err)
			}
			done <- b.Bytes()
		}()
		select {
		case out := <-done:
			if !bytes.Contains(out, []byte("showing ")) {
				t.Errorf("%s: the document does not say it is cut", format)
			}
			if format == "mermaid" && len(out) > 50000 {
				t.Errorf("mermaid: %d bytes, more than GitHub renders", len(out))
			}
		case <-time.After(3 * time.Minute):
			t.Fatalf("%s: layout of a capped map did not finish", format)
		}
	}
}

// TestGVCache: go-graphviz kept its compiled Graphviz under the user's
// private cache directory, and TMPDIR is back as it was.
func TestGVCache(t *testing.T) {
	if gvcache.Dir == "" {
		t.Skip("no user cache directory")
	}
	if _, err := os.Stat(filepath.Join(gvcache.Dir, "go-graphviz")); err != nil {
		t.Errorf("no cache under %s: %v", gvcache.Dir, err)
	}
	if strings.HasPrefix(os.TempDir(), gvcache.Dir) {
		t.Errorf("TMPDIR is still %s", os.TempDir())
	}
}
