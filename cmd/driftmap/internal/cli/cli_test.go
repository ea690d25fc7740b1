package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/driftmap/driftmap/exporters"
	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/queries"
)

// TestColor checks colour is used only on a terminal and never with
// NO_COLOR set, whatever the value.
func TestColor(t *testing.T) {
	demo, err := filepath.Abs("../../../../testdata/demo/broken")
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"check", "--root", filepath.Join(demo, "root"), "--home", "/Users/bert", "--workspace", filepath.Join(demo, "workspace")}
	for _, tc := range []struct {
		name     string
		terminal bool
		noColor  string
		want     bool
	}{
		{"terminal", true, "", true},
		{"pipe", false, "", false},
		{"terminal with NO_COLOR", true, "1", false},
		{"terminal with NO_COLOR=0", true, "0", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			env := Env{Stdout: &out, Stderr: &errb, IsTerminal: tc.terminal, Getenv: func(k string) string {
				if k == "NO_COLOR" {
					return tc.noColor
				}
				return ""
			}}
			if code := Execute(args, env); code != ExitFindings {
				t.Fatalf("exit %d, stderr %s", code, errb.String())
			}
			if got := strings.Contains(out.String(), "\x1b["); got != tc.want {
				t.Errorf("colour = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestFormatNames checks that each command lists exactly the formats
// exporters has for its kind of document, and that the texts built from
// the lists are the ones the scripts and users know.
func TestFormatNames(t *testing.T) {
	for _, tt := range []struct {
		cmd        string
		names      []string
		registered []string
		hint       string
	}{
		{"check", checkFormats, exporters.CheckFormats(), "use --format text, json, dot, html, sarif, github or prometheus"},
		// graph draws the map (dot, svg, mermaid) or exports the graph (json).
		{"graph", graphFormats, mapAndGraphFormats(), "use --format dot, svg, mermaid or json"},
		{"impact", answerFormats, exporters.ImpactFormats(), "use --format text or json"},
		{"why", answerFormats, exporters.WhyFormats(), "use --format text or json"},
		{"owners", answerFormats, exporters.OwnersFormats(), "use --format text or json"},
		{"fix", fixFormats, exporters.FixFormats(), "use --format text or json"},
		{"fleet", fleetFormats, exporters.FleetFormats(), "use --format text, json or html"},
	} {
		if got := slices.Sorted(slices.Values(tt.names)); !slices.Equal(got, tt.registered) {
			t.Errorf("%s lists formats %v, exporters has %v", tt.cmd, tt.names, tt.registered)
		}
		if got := formatHint(tt.names); got != tt.hint {
			t.Errorf("%s hint = %q, want %q", tt.cmd, got, tt.hint)
		}
	}
	for _, tt := range []struct {
		names []string
		want  string
	}{
		{nil, ""}, {[]string{"a"}, "a"}, {[]string{"a", "b"}, "a or b"}, {[]string{"a", "b", "c"}, "a, b or c"},
	} {
		if got := orList(tt.names); got != tt.want {
			t.Errorf("orList(%q) = %q, want %q", tt.names, got, tt.want)
		}
	}
}

// mapAndGraphFormats are the names of exporters' map and graph formats,
// sorted, without repeats.
func mapAndGraphFormats() []string {
	names := append(exporters.MapFormats(), exporters.GraphFormats()...)
	slices.Sort(names)
	return slices.Compact(names)
}

// TestHostname: the default node is the host name up to its first dot,
// and nothing when the host name cannot be told.
func TestHostname(t *testing.T) {
	for _, tc := range []struct {
		host string
		err  error
		want string
	}{
		{"studio", nil, "studio"},
		{"Berts-Mac-mini.local", nil, "Berts-Mac-mini"},
		{"a.b.c", nil, "a"},
		{"", nil, ""},
		{"studio", errors.New("no name"), ""},
	} {
		c := &ctx{env: Env{Hostname: func() (string, error) { return tc.host, tc.err }}}
		if got := c.hostname(); got != tc.want {
			t.Errorf("hostname %q (err %v) = %q, want %q", tc.host, tc.err, got, tc.want)
		}
	}
}

// fakeSVG is a graph format that draws each node as Graphviz does, a
// <g class="node"> titled with its ID, or fails with err.
// fakeSVG draws a stand-in map: one Graphviz-shaped node per graph node,
// red when its worst finding is an error.
type fakeSVG struct {
	calls *int
	err   error
}

func (f fakeSVG) draw(w io.Writer, g *graph.Graph, worst map[string]queries.Severity) error {
	*f.calls++
	if f.err != nil {
		return f.err
	}
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="no"?>` + "\n" + `<svg width="100pt" height="100pt" xmlns="http://www.w3.org/2000/svg">`)
	for _, n := range g.Nodes() {
		fmt.Fprintf(&b, `<g class="node"><title>%s</title><ellipse rx="1" ry="1" stroke="%s"/></g>`, n.ID, map[bool]string{true: "red", false: "black"}[worst[n.ID] == queries.Error])
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// TestCheckHTMLMap checks that check --format html embeds the service
// map drawMap draws, says it is unavailable when drawing fails, and that
// no other check format draws it.
func TestCheckHTMLMap(t *testing.T) {
	demo, err := filepath.Abs("../../../../testdata/demo/broken")
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"check", "--root", filepath.Join(demo, "root"), "--home", "/Users/bert", "--workspace", filepath.Join(demo, "workspace")}
	real := drawMap
	t.Cleanup(func() { drawMap = real })
	for _, tc := range []struct {
		name    string
		format  string
		draw    func(*graph.Graph, []queries.Finding) ([]byte, error)
		calls   int
		hasMap  bool
		note    string
		mapNode string
	}{
		{"svg format", "html", nil, 1, true, "", `<title>job:com.sanctum.living-force</title><ellipse rx="1" ry="1" stroke="red"/>`},
		{"svg fails", "html", nil, 1, false, "driftmap: note: the page has no service map: graphviz: out of memory\n", ""},
		{"the real map", "html", real, 0, true, "", "<title>service:voice-agent</title>"},
		{"text", "text", nil, 0, false, "", ""},
		{"json", "json", nil, 0, false, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			calls := 0
			drawMap = tc.draw
			if tc.draw == nil {
				fake := fakeSVG{calls: &calls}
				if tc.note != "" {
					fake.err = errors.New("graphviz: out of memory")
				}
				drawMap = func(g *graph.Graph, findings []queries.Finding) ([]byte, error) {
					var b bytes.Buffer
					err := fake.draw(&b, g, queries.Worst(findings))
					return b.Bytes(), err
				}
			}
			var out, errb bytes.Buffer
			if code := Execute(append(args, "--format", tc.format), Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}); code != ExitFindings {
				t.Fatalf("exit %d, stderr %s", code, errb.String())
			}
			if calls != tc.calls {
				t.Errorf("the svg format drew %d maps, want %d", calls, tc.calls)
			}
			if errb.String() != tc.note {
				t.Errorf("stderr = %q, want %q", errb.String(), tc.note)
			}
			page := out.String()
			if tc.format != "html" {
				return
			}
			if got := strings.Contains(page, `<div id="dm-map" class="dm-fit">`); got != tc.hasMap {
				t.Errorf("the page has a map: %v, want %v", got, tc.hasMap)
			}
			if got := strings.Contains(page, `id="dm-map-unavailable"`); got == tc.hasMap {
				t.Errorf("the page says the map is unavailable: %v, want %v", got, !tc.hasMap)
			}
			if tc.mapNode != "" && !strings.Contains(page, tc.mapNode) {
				t.Errorf("the map lacks %s", tc.mapNode)
			}
		})
	}
}
