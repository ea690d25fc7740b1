package queries

import (
	"fmt"
	"slices"

	"github.com/driftmap/driftmap/graph"
)

// RenamedReference reports references that use a renamed_from name.
var RenamedReference = &Rule{
	Name:     "renamed-reference",
	Severity: Warning,
	Title:    "a reference uses a service's old name",
	Doc: `The catalog lists old names of a service under renamed_from so that
references keep resolving after a rename. A reference that still uses an
old name works today but drifts: the alias is the kind of leftover that
gets deleted. Replace the old name with the current one.`,
	Example: `sanctum/runtime_catalog.yaml:7: warning: service voice-agent requires "xtts", an old name of qwen3-tts; write "qwen3-tts" [renamed-reference]`,
	Run: func(p *Pass) {
		g := p.Graph
		for _, e := range g.EdgesOf(graph.Requires) {
			to := node(g, e.To)
			for _, ev := range e.Evidence {
				if norm(ev.Token) == norm(to.Name) || !slices.ContainsFunc(to.Aliases, func(a string) bool { return norm(a) == norm(ev.Token) }) {
					continue
				}
				p.Report(e.From, fmt.Sprintf("%s requires %q, an old name of %s; write %q", noun(node(g, e.From)), ev.Token, to.Name, to.Name), ev)
			}
		}
	},
}
