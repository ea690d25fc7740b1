package queries

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/internal/synth"
	"github.com/driftmap/driftmap/sources"
	"github.com/driftmap/driftmap/sources/render"
)

// benchSnap is a 2,000-service synth fleet, loaded once per test run
// (the benchmarks below skip in -short mode).
var benchSnap = sync.OnceValues(func() (*sources.Snapshot, error) {
	dir, err := os.MkdirTemp("", "driftmap-queries-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	res, err := synth.Generate(synth.Options{N: 2000, Seed: 1, Dir: filepath.Join(dir, "fleet")})
	if err != nil {
		return nil, err
	}
	d := res.Document
	return sources.Load(sources.Options{Root: filepath.Join(dir, "fleet", d.Root), Home: d.Home, Workspace: filepath.Join(dir, "fleet", d.Workspace)})
})

// BenchmarkRule runs each rule on its own over a loaded 2,000-service
// fleet, with the render plan computed once beforehand (BenchmarkPlan
// times it), as Check shares it between rules.
func BenchmarkRule(b *testing.B) {
	if testing.Short() {
		b.Skip("generating a fleet in -short mode")
	}
	snap, err := benchSnap()
	if err != nil {
		b.Fatal(err)
	}
	plan := render.Plan(snap)
	for _, r := range All() {
		b.Run(r.Name, func(b *testing.B) {
			st := &ignoreState{ran: map[string]bool{}, known: map[string]bool{}}
			for b.Loop() {
				var out []Finding
				r.Run(&Pass{Snapshot: snap, Plan: plan, rule: r, findings: &out, ignore: st, baseline: &baselineState{base: &Baseline{}, ran: map[string]bool{}, known: map[string]bool{}}})
			}
		})
	}
}

// BenchmarkPlan is render.Plan, which Check computes once for the rules.
func BenchmarkPlan(b *testing.B) {
	if testing.Short() {
		b.Skip("generating a fleet in -short mode")
	}
	snap, err := benchSnap()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		render.Plan(snap)
	}
}

// bigGraph is a chain-and-fan graph of n services built in memory: each
// service runs as its job, which execs its wrapper, which sources one
// shared library; service i requires up to three of the services before
// it.
func bigGraph(n int) *graph.Graph {
	b := graph.NewBuilder()
	lib := b.Node(graph.File, "/lib/common.sh")
	ev := graph.Evidence{File: "/bench", Line: 1}
	for i := range n {
		s := b.Node(graph.Service, fmt.Sprintf("svc-%06d", i))
		j := b.Node(graph.Job, fmt.Sprintf("com.bench.svc-%06d", i))
		w := b.Node(graph.Wrapper, fmt.Sprintf("/bin/svc-%06d", i))
		b.AddEdge(s.ID, j.ID, graph.RunsAs, ev)
		b.AddEdge(j.ID, w.ID, graph.Exec, ev)
		b.AddEdge(w.ID, lib.ID, graph.Source, ev)
		for _, d := range []int{i / 2, i - 1, i / 3} {
			if d >= 0 && d < i {
				b.AddEdge(s.ID, graph.ID(graph.Service, fmt.Sprintf("svc-%06d", d)), graph.Requires, ev)
			}
		}
	}
	return b.Build()
}

var graph100k = sync.OnceValue(func() *graph.Graph { return bigGraph(100_000) })

// BenchmarkImpact100k is `impact` on a loaded 100,000-service graph:
// the shared library every wrapper sources (everything is affected),
// and the first service (every service requires it, transitively).
func BenchmarkImpact100k(b *testing.B) {
	if testing.Short() {
		b.Skip("a 100,000-service graph in -short mode")
	}
	g := graph100k()
	for _, target := range []string{graph.ID(graph.File, "/lib/common.sh"), graph.ID(graph.Service, "svc-000000")} {
		b.Run(target, func(b *testing.B) {
			for b.Loop() {
				if im := ImpactOf(g, target); len(im.Affected) == 0 {
					b.Fatal("nothing affected")
				}
			}
		})
	}
}

// BenchmarkWhy100k is `why` on a loaded 100,000-service graph: the last
// service to the first, and the last service to the shared library.
func BenchmarkWhy100k(b *testing.B) {
	if testing.Short() {
		b.Skip("a 100,000-service graph in -short mode")
	}
	g := graph100k()
	from := graph.ID(graph.Service, "svc-099999")
	for _, to := range []string{graph.ID(graph.Service, "svc-000000"), graph.ID(graph.File, "/lib/common.sh")} {
		b.Run(to, func(b *testing.B) {
			for b.Loop() {
				if y := WhyOf(g, from, to); len(y.Path) == 0 {
					b.Fatal("no path")
				}
			}
		})
	}
}

// BenchmarkDenseCycle runs dependency-cycle on 2,000 services all
// requiring each other: one strongly connected component, reported with
// a bounded set of example cycles.
func BenchmarkDenseCycle(b *testing.B) {
	if testing.Short() {
		b.Skip("a dense component in -short mode")
	}
	const n = 2000
	gb := graph.NewBuilder()
	ids := make([]string, n)
	for i := range n {
		ids[i] = gb.Node(graph.Service, fmt.Sprintf("svc-%04d", i)).ID
	}
	ev := graph.Evidence{File: "/bench", Line: 1}
	for _, a := range ids {
		for _, c := range ids {
			if a != c {
				gb.AddEdge(a, c, graph.Requires, ev)
			}
		}
	}
	snap := &sources.Snapshot{Graph: gb.Build()}
	b.ResetTimer()
	for b.Loop() {
		var out []Finding
		DependencyCycle.Run(&Pass{Snapshot: snap, rule: DependencyCycle, findings: &out})
		if len(out) == 0 {
			b.Fatal("no cycle reported")
		}
	}
}
