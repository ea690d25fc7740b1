package queries

import (
	"fmt"
	"strconv"

	"github.com/driftmap/driftmap/graph"
)

// StaleBaseline reports baseline entries that matched no finding.
var StaleBaseline = &Rule{
	Name:     "stale-baseline",
	Severity: Info,
	Title:    "a baseline entry matched no finding",
	Doc: `An entry of the baseline given to 'check --baseline' left out no
finding in this run: the drift it recorded was fixed (or its rule, subject
or evidence changed so much that it is a different finding now). Delete
the entry, or write the baseline again with 'driftmap baseline', so that
the baseline shrinks as drift is fixed and an old entry does not hide the
same drift when it comes back. One entry covers one finding: two entries
with the same fingerprint cover two findings, and the second is stale when
only one is left. An entry whose rule did not run is not judged; one
naming a rule that does not exist says so. This rule's own findings are
never left out by a baseline or an ignore entry.`,
	Example: `.driftmap-baseline.json:7: info: baseline entry {rule: missing-target, subject: "job:com.sanctum.old", fingerprint: 5d0b5c1f0e4f4b0a8c1e2f3a4b5c6d7e} matched no finding; delete it, or write the baseline again with 'driftmap baseline' [stale-baseline]`,
	Run: func(p *Pass) {
		if p.baseline == nil {
			return
		}
		for i, e := range p.baseline.base.Entries {
			if p.baseline.hit[i] {
				continue
			}
			known := p.baseline.known[e.Rule]
			if e.Rule != "" && known && !p.baseline.ran[e.Rule] {
				continue // its rule did not run: nothing to judge by
			}
			desc := describeBaseline(e)
			msg := fmt.Sprintf("baseline entry %s matched no finding; delete it, or write the baseline again with 'driftmap baseline'", desc)
			if e.Rule != "" && !known {
				msg = fmt.Sprintf("baseline entry %s names no rule driftmap has (see 'driftmap rules'); delete it, or write the baseline again with 'driftmap baseline'", desc)
			}
			p.Report("", msg, graph.Evidence{File: p.baseline.base.File, Line: e.Line, Key: "entries", Token: e.Fingerprint})
		}
	},
}

// describeBaseline writes an entry as {rule: R, subject: "S", fingerprint: F}.
func describeBaseline(e BaselineEntry) string {
	s := "{"
	if e.Rule != "" {
		s += "rule: " + e.Rule + ", "
	}
	if e.Subject != "" {
		s += "subject: " + strconv.Quote(e.Subject) + ", "
	}
	return s + "fingerprint: " + e.Fingerprint + "}"
}
