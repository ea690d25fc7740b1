package graph

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"runtime"
	"testing"
)

// reachPath rebuilds the whole path of dependent id from a Dependents
// answer by following the Via edges, and fails on a Via that leads
// nowhere or around a cycle.
func reachPath(rs []Reach, target, id string) []Edge {
	at := map[string]int{}
	for i, r := range rs {
		at[r.ID] = i
	}
	var p []Edge
	for cur := id; cur != target && len(p) <= len(rs); {
		i, ok := at[cur]
		if !ok {
			return append(p, Edge{From: cur, To: "<not in the answer>"})
		}
		p = append(p, rs[i].Via)
		cur = rs[i].Via.To
	}
	return p
}

// randomGraph builds a graph of up to 10 nodes of two kinds and random
// edges of three kinds, with self-loops, parallel edges of different
// kinds and cycles.
func randomGraph(r *rand.Rand) *Graph {
	b := NewBuilder()
	var ids []string
	for i := range 1 + r.IntN(10) {
		k := Service
		if r.IntN(3) == 0 {
			k = Job
		}
		ids = append(ids, b.Node(k, fmt.Sprintf("n%d", i)).ID)
	}
	kinds := []EdgeKind{Requires, Exec, RunsAs}
	for range r.IntN(3 * len(ids)) {
		b.AddEdge(ids[r.IntN(len(ids))], ids[r.IntN(len(ids))], kinds[r.IntN(len(kinds))], Evidence{File: "f", Line: r.IntN(5)})
	}
	return b.Build()
}

// TestSearchMatchesReference checks the linear searches against the
// gonum-based ones they replaced (reference_test.go): the same
// dependents, distances and paths, the same shortest paths and the same
// cycles, ties included, on thousands of random graphs.
func TestSearchMatchesReference(t *testing.T) {
	kindSets := [][]EdgeKind{nil, {Requires}, {Requires, Exec}}
	for seed := range 3000 {
		g := randomGraph(rand.New(rand.NewPCG(uint64(seed), 11)))
		for _, kinds := range kindSets {
			for _, target := range ids(g) {
				got := g.Dependents(target, kinds...)
				want := g.refDependents(target, kinds...)
				if len(got) != len(want) {
					t.Fatalf("seed %d kinds %v: Dependents(%s) has %d nodes, reference %d", seed, kinds, target, len(got), len(want))
				}
				for i := range got {
					if p := reachPath(got, target, got[i].ID); got[i].ID != want[i].ID || got[i].Distance != want[i].Distance || !reflect.DeepEqual(p, want[i].Path) {
						t.Fatalf("seed %d kinds %v: Dependents(%s)[%d] = %s %d %v, reference %s %d %v", seed, kinds, target, i, got[i].ID, got[i].Distance, p, want[i].ID, want[i].Distance, want[i].Path)
					}
				}
				for _, from := range ids(g) {
					if got, want := g.ShortestPath(from, target, kinds...), g.refShortestPath(from, target, kinds...); !reflect.DeepEqual(got, want) {
						t.Fatalf("seed %d kinds %v: ShortestPath(%s, %s) = %v, reference %v", seed, kinds, from, target, got, want)
					}
				}
			}
			for _, comp := range g.Components(kinds...) {
				for _, start := range comp {
					if got, want := g.Cycle(start, comp, kinds...), g.refCycle(start, comp, kinds...); !reflect.DeepEqual(got, want) {
						t.Fatalf("seed %d kinds %v: Cycle(%s) = %v, reference %v", seed, kinds, start, got, want)
					}
				}
			}
		}
	}
}

// Shapes of large graphs that once made the searches quadratic: n jobs
// that exec one file (every dependent is reached from the file's long
// edge list), a service that requires n others, and a chain of n
// services (every dependent's path used to be copied whole).
func fanIn(n int) *Graph {
	b := NewBuilder()
	f := b.Node(File, "/opt/bin/tool")
	for i := range n {
		j := b.Node(Job, fmt.Sprintf("com.sanctum.j%06d", i))
		b.AddEdge(j.ID, f.ID, Exec, Evidence{File: "/p.plist", Line: 8})
	}
	return b.Build()
}

func fanOut(n int) *Graph {
	b := NewBuilder()
	hub := b.Node(Service, "hub")
	for i := range n {
		s := b.Node(Service, fmt.Sprintf("s%06d", i))
		b.AddEdge(hub.ID, s.ID, Requires, Evidence{File: "catalog.yaml", Line: i + 1})
	}
	return b.Build()
}

func chain(n int) *Graph {
	b := NewBuilder()
	prev := b.Node(Service, fmt.Sprintf("s%06d", 0))
	for i := 1; i < n; i++ {
		s := b.Node(Service, fmt.Sprintf("s%06d", i))
		b.AddEdge(s.ID, prev.ID, Requires, Evidence{File: "catalog.yaml", Line: i})
		prev = s
	}
	return b.Build()
}

// allocated returns the bytes f allocates.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestSearchMemoryIsLinear bounds what impact's and why's searches
// allocate on large graphs by a generous linear budget (2 KiB a node).
// The gonum-based searches allocated a sorted neighbour list per edge
// they crossed and a whole path per dependent: hundreds of megabytes
// here, and time to match. (Allocation is counted rather than time, so
// the test does not depend on the machine.)
func TestSearchMemoryIsLinear(t *testing.T) {
	const n = 5000
	budget := uint64(2048*n + 1<<20)
	for _, tc := range []struct {
		name string
		g    *Graph
		run  func(g *Graph) int
	}{
		{"dependents of a file n jobs exec", fanIn(n), func(g *Graph) int { return len(g.Dependents("file:/opt/bin/tool")) }},
		{"dependents at the end of a chain", chain(n), func(g *Graph) int { return len(g.Dependents("service:s000000")) }},
		{"path from a hub to its last dependency", fanOut(n), func(g *Graph) int {
			return len(g.ShortestPath("service:hub", fmt.Sprintf("service:s%06d", n-1))) * n
		}},
		{"path along a chain", chain(n), func(g *Graph) int {
			return len(g.ShortestPath(fmt.Sprintf("service:s%06d", n-1), "service:s000000")) + 1
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got int
			bytes := allocated(func() { got = tc.run(tc.g) })
			if got != n && got != n-1 {
				t.Fatalf("answer size %d, want about %d", got, n)
			}
			t.Logf("%d bytes allocated", bytes)
			if bytes > budget {
				t.Errorf("allocated %d bytes for %d nodes, budget %d", bytes, n, budget)
			}
		})
	}
}

// The searches on large graphs: BenchmarkDependents/fan-in-50000 is
// `impact` of a file 50,000 jobs exec, chain-50000 of the end of a
// 50,000-deep requires chain; BenchmarkShortestPath/fan-out-50000 is
// `why` from a service that requires 50,000 others.
func BenchmarkDependents(b *testing.B) {
	for _, n := range []int{10_000, 50_000} {
		for _, tc := range []struct {
			shape  string
			g      *Graph
			target string
		}{
			{"fan-in", fanIn(n), "file:/opt/bin/tool"},
			{"chain", chain(n), "service:s000000"},
		} {
			b.Run(fmt.Sprintf("%s-%d", tc.shape, n), func(b *testing.B) {
				for b.Loop() {
					if got := len(tc.g.Dependents(tc.target)); got < n-1 {
						b.Fatalf("%d dependents", got)
					}
				}
			})
		}
	}
}

func BenchmarkShortestPath(b *testing.B) {
	for _, n := range []int{10_000, 50_000} {
		g := fanOut(n)
		last := fmt.Sprintf("service:s%06d", n-1)
		b.Run(fmt.Sprintf("fan-out-%d", n), func(b *testing.B) {
			for b.Loop() {
				if len(g.ShortestPath("service:hub", last)) != 1 {
					b.Fatal("no path")
				}
			}
		})
	}
}
