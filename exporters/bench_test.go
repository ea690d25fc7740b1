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
