package exporters

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/queries"
)

// constellation builds a synthetic machine of n services: each runs a
// job that execs a wrapper, which sources a shared env file and execs one
// of a few interpreters, logs to a shared directory, and requires up to
// three earlier services; every seventh job has a missing script (an
// error), every fifth service a warning. orphans adds live jobs that no
// service claims. The same n gives the same graph.
func constellation(n, orphans int) (*graph.Graph, []queries.Finding) {
	r := rand.New(rand.NewPCG(uint64(n), 7))
	b := graph.NewBuilder()
	ev := func(k string) graph.Evidence { return graph.Evidence{File: "/synthetic", Key: k} }
	env := b.Node(graph.File, "/Users/u/.sanctum/env.sh")
	env.State = graph.Present
	logs := b.Node(graph.Directory, "/Users/u/Library/Logs/sanctum")
	logs.State = graph.Present
	var fs []queries.Finding
	for i := range n {
		name := fmt.Sprintf("svc-%04d", i)
		s := b.Node(graph.Service, name)
		s.State = graph.Enabled
		j := b.Node(graph.Job, "com.sanctum."+name)
		j.State = graph.Live
		w := b.Node(graph.Wrapper, "/Users/u/.sanctum/bin/"+name)
		w.State = graph.Present
		interp := b.Node(graph.File, fmt.Sprintf("/usr/bin/python3.%d", i%4))
		interp.State = graph.Present
		script := b.Node(graph.File, "/Users/u/Projects/"+name+"/main.py")
		script.State = graph.Present
		b.AddEdge(s.ID, j.ID, graph.RunsAs, ev("launchagent"))
		b.AddEdge(j.ID, w.ID, graph.Exec, ev("ProgramArguments[0]"))
		b.AddEdge(j.ID, logs.ID, graph.LogDir, ev("StandardErrorPath"))
		b.AddEdge(w.ID, env.ID, graph.Source, ev("source"))
		b.AddEdge(w.ID, interp.ID, graph.Exec, ev("exec"))
		b.AddEdge(w.ID, script.ID, graph.Script, ev("script"))
		if i%7 == 3 {
			script.State = graph.Missing
			fs = append(fs, queries.Finding{Rule: "missing-target", Severity: queries.Error, Subject: script.ID, Message: "missing " + script.Name})
		}
		if i%5 == 1 {
			fs = append(fs, queries.Finding{Rule: "renamed-reference", Severity: queries.Warning, Subject: s.ID, Message: "old name in " + name})
		}
		for k := 0; k < 3 && i > 0; k++ {
			if r.IntN(3) > 0 {
				dep := fmt.Sprintf("svc-%04d", r.IntN(i))
				b.AddEdge(s.ID, graph.ID(graph.Service, dep), graph.Requires, ev("requires"))
			}
		}
	}
	for i := range orphans {
		j := b.Node(graph.Job, fmt.Sprintf("com.sanctum.orphan-%04d", i))
		j.State = graph.Live
		b.AddEdge(j.ID, logs.ID, graph.LogDir, ev("StandardOutPath"))
		fs = append(fs, queries.Finding{Rule: "unmanaged", Severity: queries.Warning, Subject: j.ID, Message: "unmanaged " + j.Name})
	}
	slices.SortFunc(fs, queries.Compare)
	return b.Build(), fs
}
