package exporters

import (
	"fmt"
	"io"
	"testing"

	"github.com/driftmap/driftmap/graph"
)

// BenchmarkFormatGraphLarge formats a graph of 20,000 jobs, each running
// a command line with an option (so every Program and evidence token
// takes the slow path of the boundary's scrub), as JSON and DOT.
func BenchmarkFormatGraphLarge(b *testing.B) {
	gb := graph.NewBuilder()
	for i := range 20000 {
		j := gb.Node(graph.Job, fmt.Sprintf("com.sanctum.job%d", i))
		j.Program = "/opt/bin/tool --port 80"
		f := gb.Node(graph.File, fmt.Sprintf("/opt/bin/tool%d", i))
		gb.AddEdge(j.ID, f.ID, graph.Exec, graph.Evidence{File: "/Users/bert/Library/LaunchAgents/x.plist", Line: 4, Key: "Program", Token: "/opt/bin/tool --port 80"})
	}
	g := gb.Build()
	for _, name := range []string{"json", "dot"} {
		f := must(Graph(name))
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if err := f.FormatGraph(io.Discard, g, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFormatCheckHTMLLarge writes the html page of a chain of
// 20,000 services, each requiring the next: every node's impact set
// together holds 200 million entries, the page only the 19,999 edges
// (its size is reported as page-bytes).
func BenchmarkFormatCheckHTMLLarge(b *testing.B) {
	gb := graph.NewBuilder()
	const n = 20000
	for i := range n {
		gb.Node(graph.Service, fmt.Sprintf("s%05d", i))
	}
	for i := 1; i < n; i++ {
		gb.AddEdge(graph.ID(graph.Service, fmt.Sprintf("s%05d", i)), graph.ID(graph.Service, fmt.Sprintf("s%05d", i-1)), graph.Requires)
	}
	r := &Report{Graph: gb.Build()}
	f := must(Check("html", Options{}))
	var size countWriter
	if err := f.FormatCheck(&size, r); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := f.FormatCheck(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(size), "page-bytes")
}

type countWriter int

func (c *countWriter) Write(p []byte) (int, error) { *c += countWriter(len(p)); return len(p), nil }
