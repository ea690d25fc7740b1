package queries

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/driftmap/driftmap/graph"
)

// services builds n services, each running a job that execs its own
// wrapper, each requiring the one before; every third has an error on its
// wrapper. orphans adds live jobs no service claims.
func services(n, orphans int) (*graph.Graph, []Finding) {
	b := graph.NewBuilder()
	var fs []Finding
	for i := range n {
		s := b.Node(graph.Service, fmt.Sprintf("s%05d", i))
		j := b.Node(graph.Job, fmt.Sprintf("com.x.s%05d", i))
		j.State = graph.Live
		w := b.Node(graph.Wrapper, fmt.Sprintf("/w/s%05d", i))
		b.AddEdge(s.ID, j.ID, graph.RunsAs)
		b.AddEdge(j.ID, w.ID, graph.Exec)
		if i > 0 {
			b.AddEdge(s.ID, graph.ID(graph.Service, fmt.Sprintf("s%05d", i-1)), graph.Requires)
		}
		if i%3 == 0 {
			fs = append(fs, Finding{Rule: "r", Severity: Error, Subject: w.ID, Message: "broken"})
		}
	}
	for i := range orphans {
		j := b.Node(graph.Job, fmt.Sprintf("com.x.orphan%05d", i))
		j.State = graph.Live
	}
	slices.SortFunc(fs, Compare)
	return b.Build(), fs
}

func TestFitFolds(t *testing.T) {
	// 10 services and 500 unclaimed jobs: over a limit of 50 nodes, the
	// jobs fold into one group, and an alert says so.
	g, fs := services(10, 500)
	m, err := BuildMap(g, fs, MapOptions{Limit: MapLimit{Nodes: 50, Edges: 100}})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Nodes) != 11 || m.Nodes[0].ID != "group:job" || len(m.Nodes[0].Members) != 500 {
		t.Fatalf("got %d nodes, first %s with %d members", len(m.Nodes), m.Nodes[0].ID, len(m.Nodes[0].Members))
	}
	want := []string{
		"the map has 510 nodes and 9 edges, more than this format lays out quickly (at most 50 nodes and 100 edges): folded directory,file,artifact,manifest,wrapper,job into the nodes whose chains hold them, as --collapse directory,file,artifact,manifest,wrapper,job does, leaving 11 nodes and 9 edges",
		"--focus NODE --depth N or --kinds KINDS draws part of the graph in full; --format dot is never capped",
	}
	if d := cmp.Diff(want, m.Alerts); d != "" {
		t.Errorf("alerts (-want +got):\n%s", d)
	}
	// The detail map folds the leaves first and stops once it fits.
	g, fs = services(20, 0)
	m, err = BuildMap(g, fs, MapOptions{Detail: true, Limit: MapLimit{Nodes: 45}})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Nodes) != 40 || !strings.Contains(m.Alerts[0], "folded directory,file,artifact,manifest,wrapper into") {
		t.Errorf("%d nodes, alerts %q", len(m.Nodes), m.Alerts)
	}
}

func TestFitCaps(t *testing.T) {
	// 6,000 services cannot fold: the map keeps the 300 with the worst
	// findings, then by ID, and says exactly what it left out.
	g, fs := services(6000, 0)
	m, err := BuildMap(g, fs, MapOptions{Limit: MapLimit{Nodes: 300, Edges: 600}})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Nodes) != 300 || len(m.Edges) > 600 {
		t.Fatalf("%d nodes, %d edges", len(m.Nodes), len(m.Edges))
	}
	for _, n := range m.Nodes {
		if w, ok := n.Worst(); !ok || w != Error {
			t.Fatalf("kept %s without an error while errors were left out", n.ID)
		}
	}
	if m.Nodes[0].ID != "service:s00000" || m.Nodes[299].ID != "service:s00897" {
		t.Errorf("kept %s..%s", m.Nodes[0].ID, m.Nodes[299].ID)
	}
	want := "the map has 6000 nodes and 5999 edges, more than this format lays out quickly (at most 300 nodes and 600 edges): showing 300 of 6000 map nodes (highlighted first, then the worst findings, then by ID) and 0 of 5999 map edges; 5999 edges left out with the nodes they touch"
	if len(m.Alerts) != 2 || m.Alerts[0] != want {
		t.Errorf("alerts %q\nwant %q", m.Alerts, want)
	}
	// A highlighted node is kept first, with its marked neighbours.
	m, err = BuildMap(g, fs, MapOptions{Limit: MapLimit{Nodes: 10, Edges: 3}, Highlight: []string{"service:s05999", "service:s05995"}})
	if err != nil {
		t.Fatal(err)
	}
	var marked []string
	for _, n := range m.Nodes {
		if n.Mark != Unmarked {
			marked = append(marked, n.ID)
		}
	}
	if len(marked) != 5 || len(m.Edges) != 3 || m.Edges[0].Mark != Marked {
		t.Errorf("marked %v, edges %v", marked, brief(m))
	}
}

func TestMapErrors(t *testing.T) {
	g, fs := mapGraph(t, machine)
	for _, tc := range []struct {
		opts MapOptions
		want string
	}{
		{MapOptions{Collapse: []graph.Kind{graph.Service}}, "services cannot be collapsed"},
		{MapOptions{Highlight: []string{"job:com.x.old"}}, "job:com.x.old is not on the map: no service reaches it and no finding is about it"},
		{MapOptions{Detail: true, Kinds: []graph.Kind{graph.Service}, Highlight: []string{"job:com.x.old"}}, "job:com.x.old is not on the map: --focus or --kinds leaves it out"},
		{MapOptions{Highlight: []string{"service:api", "job:com.x.old"}}, "job:com.x.old is not on the map"},
	} {
		_, err := BuildMap(g, fs, tc.opts)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want %q", tc.opts, err, tc.want)
		}
		var nm *NotOnMapError
		if strings.Contains(tc.want, "not on the map") && !errors.As(err, &nm) {
			t.Errorf("%+v: %T is no *NotOnMapError", tc.opts, err)
		}
	}
	// No path: both ends marked, and an alert.
	m, err := BuildMap(g, fs, MapOptions{Highlight: []string{"service:api", "job:com.x.stray"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Alerts) != 1 || !strings.Contains(m.Alerts[0], "service:api does not depend on job:com.x.stray") {
		t.Errorf("alerts %q", m.Alerts)
	}
}

func TestParseKinds(t *testing.T) {
	ks, err := ParseKinds([]string{"file", " job", "service", "file"})
	if err != nil || !slices.Equal(ks, []graph.Kind{graph.Service, graph.Job, graph.File}) {
		t.Errorf("ParseKinds = %v, %v", ks, err)
	}
	if _, err := ParseKinds([]string{"jobs"}); err == nil || err.Error() != `unknown node kind "jobs"` {
		t.Errorf("ParseKinds(jobs) error = %v", err)
	}
}

// TestMapDeterministic: the map does not depend on the order the graph
// was built in.
func TestMapDeterministic(t *testing.T) {
	lines := strings.Split(strings.TrimSpace(machine), "\n")
	g1, fs := mapGraph(t, machine)
	slices.Reverse(lines[:15]) // nodes
	slices.Reverse(lines[15:]) // edges, then findings
	var rev []string
	for _, l := range lines {
		if strings.HasPrefix(l, "finding") {
			continue
		}
		rev = append(rev, l)
	}
	g2, _ := mapGraph(t, strings.Join(rev, "\n"))
	for _, detail := range []bool{false, true} {
		m1, err1 := BuildMap(g1, fs, MapOptions{Detail: detail})
		m2, err2 := BuildMap(g2, fs, MapOptions{Detail: detail})
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if d := cmp.Diff(m1, m2, cmp.AllowUnexported(MapEdge{}, edgeKey{})); d != "" {
			t.Errorf("detail=%v: the map depends on build order:\n%s", detail, d)
		}
	}
}
