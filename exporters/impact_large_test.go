package exporters

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/queries"
)

// Large answers: impact of a file that thousands of jobs exec, and of the
// end of a dependency chain thousands of levels deep. Their cost is
// counted in bytes allocated and written, never in time, so the tests do
// not depend on the machine.

// sharedFile is n jobs, each exec'ing its own wrapper, which execs one
// shared file.
func sharedFile(n int) *graph.Graph {
	b := graph.NewBuilder()
	f := b.Node(graph.File, "/opt/bin/tool")
	for i := range n {
		j := b.Node(graph.Job, fmt.Sprintf("com.sanctum.j%05d", i))
		w := b.Node(graph.Wrapper, fmt.Sprintf("/Users/bert/.sanctum/bin/w%05d", i))
		b.AddEdge(j.ID, w.ID, graph.Exec, graph.Evidence{File: fmt.Sprintf("/L/com.sanctum.j%05d.plist", i), Line: 8, Key: "ProgramArguments[0]", Token: w.Name})
		b.AddEdge(w.ID, f.ID, graph.Exec, graph.Evidence{File: w.Name, Line: 2, Key: "exec", Token: f.Name})
	}
	return b.Build()
}

// requiresChain is n services, each requiring the one before.
func requiresChain(n int) *graph.Graph {
	b := graph.NewBuilder()
	prev := b.Node(graph.Service, "s00000")
	for i := 1; i < n; i++ {
		s := b.Node(graph.Service, fmt.Sprintf("s%05d", i))
		b.AddEdge(s.ID, prev.ID, graph.Requires, graph.Evidence{File: "catalog.yaml", Line: i, Key: "requires", Token: prev.Name})
		prev = s
	}
	return b.Build()
}

// TestImpactLargeIsLinear bounds the bytes that answering and printing a
// large impact allocates by a linear budget: 64 times the output, plus
// 4 MiB. Answering used to cost a sorted copy of the file's whole edge
// list per dependent (gigabytes here) and a whole path per dependent.
func TestImpactLargeIsLinear(t *testing.T) {
	const n = 4000
	for _, tc := range []struct {
		name   string
		g      *graph.Graph
		target string
	}{
		{"file shared by n jobs", sharedFile(n), "file:/opt/bin/tool"},
		{"end of a chain", requiresChain(n), "service:s00000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			var affected int
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			im := queries.ImpactOf(tc.g, tc.target)
			if err := textImpact.FormatImpact(&out, im); err != nil {
				t.Fatal(err)
			}
			runtime.ReadMemStats(&after)
			affected = len(im.Affected)
			if affected < n-1 {
				t.Fatalf("%d nodes affected, want at least %d", affected, n-1)
			}
			bytes := after.TotalAlloc - before.TotalAlloc
			budget := 64*uint64(out.Len()) + 4<<20
			t.Logf("%d nodes affected, %d bytes of output, %d bytes allocated", affected, out.Len(), bytes)
			if bytes > budget {
				t.Errorf("allocated %d bytes for %d bytes of output, budget %d", bytes, out.Len(), budget)
			}
		})
	}
}

// TestImpactDeepChainText checks that a dependency chain deeper than the
// indentation limit prints in space linear in its length: lines stop
// being indented at maxImpactIndent levels and name their parent instead.
func TestImpactDeepChainText(t *testing.T) {
	const n = 3000
	g := requiresChain(n)
	out := string(formatted(t, func(w io.Writer) error { return textImpact.FormatImpact(w, queries.ImpactOf(g, "service:s00000")) }))
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != n+1 || lines[0] != "impact of removing service:s00000" || lines[n] != fmt.Sprintf("%d nodes affected", n-1) {
		t.Fatalf("got %d lines, first %q, last %q", len(lines), lines[0], lines[len(lines)-1])
	}
	for d := 1; d < n; d++ {
		line := lines[d]
		ind := min(d, maxImpactIndent)
		want := fmt.Sprintf("%sservice:s%05d  (distance %d) via requires at catalog.yaml:%d requires \"s%05d\"", strings.Repeat("  ", ind), d, d, d, d-1)
		if d > maxImpactIndent {
			want = fmt.Sprintf("%sservice:s%05d  (distance %d, under service:s%05d) via requires at catalog.yaml:%d requires \"s%05d\"", strings.Repeat("  ", ind), d, d, d-1, d, d-1)
		}
		if line != want {
			t.Fatalf("line %d:\n got %q\nwant %q", d, line, want)
		}
	}
}

// TestImpactJSONPaths checks that the paths the JSON document lists,
// rebuilt from each node's Via edge, are whole shortest paths: they leave
// the node, are connected, end at the target and are as long as the
// node's distance.
func TestImpactJSONPaths(t *testing.T) {
	for _, tc := range []struct {
		g      *graph.Graph
		target string
	}{
		{sharedFile(50), "file:/opt/bin/tool"},
		{requiresChain(60), "service:s00000"},
		{buildFixture(false), idRunSh},
	} {
		im := queries.ImpactOf(tc.g, tc.target)
		var doc struct {
			Affected []struct {
				ID       string
				Distance int
				Path     []struct{ From, To string }
			}
		}
		if err := json.Unmarshal(formatted(t, func(w io.Writer) error { return jsonImpact.FormatImpact(w, im) }), &doc); err != nil {
			t.Fatal(err)
		}
		if len(doc.Affected) != len(im.Affected) || len(doc.Affected) == 0 {
			t.Fatalf("%s: %d affected in JSON, %d in the answer", tc.target, len(doc.Affected), len(im.Affected))
		}
		for _, a := range doc.Affected {
			p := a.Path
			if len(p) != a.Distance || p[0].From != a.ID || p[len(p)-1].To != tc.target {
				t.Fatalf("%s: path of %s (distance %d) = %v", tc.target, a.ID, a.Distance, p)
			}
			for i := 1; i < len(p); i++ {
				if p[i].From != p[i-1].To {
					t.Fatalf("%s: path of %s is not connected: %v", tc.target, a.ID, p)
				}
			}
			if want := tc.g.ShortestPath(a.ID, tc.target); len(want) != len(p) {
				t.Fatalf("%s: path of %s has %d edges, shortest %d", tc.target, a.ID, len(p), len(want))
			}
		}
	}
}
