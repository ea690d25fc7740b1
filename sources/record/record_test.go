package record

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/driftmap/driftmap/graph"
)

func TestTargetSet(t *testing.T) {
	ev := func(line int) graph.Evidence {
		return graph.Evidence{File: "a.plist", Line: line, Key: "Program", Token: "/x"}
	}
	a := Target{Kind: TargetExec, Path: "/x", Evidence: ev(3)}
	b := Target{Kind: TargetScript, Path: "/x", Evidence: ev(3)}           // another kind
	c := Target{Kind: TargetExec, Path: "/x", Evidence: ev(4)}             // another line
	d := Target{Kind: TargetExec, Path: "x", Search: []string{"/bin"}}     // searched
	e := Target{Kind: TargetExec, Path: "x", Search: []string{"/usr/bin"}} // another search path
	var s TargetSet
	if s.Targets() != nil {
		t.Errorf("empty set: %v", s.Targets())
	}
	for _, x := range []Target{a, b, a, c, d, e, d, b} {
		s.Add(x)
	}
	if diff := cmp.Diff([]Target{a, b, c, d, e}, s.Targets()); diff != "" {
		t.Errorf("targets (-want +got):\n%s", diff)
	}
}
