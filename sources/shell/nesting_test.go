package shell

import (
	"strings"
	"testing"

	"github.com/driftmap/driftmap/graph"
)

// TestDeepNesting: input nested far past what the parser's recursion
// survives is refused with a Problem instead of overflowing the stack
// (a fatal error no recover catches); real nesting parses.
func TestDeepNesting(t *testing.T) {
	const n = 200_000
	for name, src := range map[string]string{
		"parens":   "/opt/x " + strings.Repeat("(", n),
		"arith":    "echo $((" + strings.Repeat("(", n),
		"subshell": strings.Repeat("$(", n),
		"braces":   strings.Repeat("{ ", n),
		"if":       strings.Repeat("if true; then ", n),
		"while":    strings.Repeat("while true; do ", n),
	} {
		t.Run(name, func(t *testing.T) {
			_, probs := CommandTargets(src, graph.Evidence{File: "x.service", Line: 3, Key: "ExecStart"}, "/home/u", nil, "/")
			if len(probs) != 1 || !strings.Contains(probs[0].Message, "levels deep") {
				t.Errorf("problems %v, want one saying it is nested too deep", probs)
			}
			if _, probs := ParseScript([]byte("#!/bin/sh\n"+src), "/x.sh", "/home/u", nil); len(probs) != 1 {
				t.Errorf("script: problems %v, want one", probs)
			}
		})
	}
	ok := "if [ -f /etc/x ]; then ( cd /opt && { /opt/run $((1+2)); } ); fi\n"
	ts, probs := CommandTargets(strings.Repeat(ok, 50), graph.Evidence{File: "x.service", Line: 3, Key: "ExecStart"}, "/home/u", nil, "/")
	if len(probs) != 0 || len(ts) == 0 {
		t.Errorf("ordinary nesting: targets %v, problems %v", ts, probs)
	}
	if d := nesting([]byte(strings.Repeat("(", 10) + strings.Repeat(")", 10) + "((")); d != 10 {
		t.Errorf("nesting = %d, want 10", d)
	}
}
