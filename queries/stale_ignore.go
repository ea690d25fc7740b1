package queries

import (
	"fmt"
	"strconv"

	"github.com/driftmap/driftmap/graph"
)

// StaleIgnore reports ignore entries of driftmap.yaml that matched no
// finding.
var StaleIgnore = &Rule{
	Name:     "stale-ignore",
	Severity: Info,
	Title:    "an ignore entry of driftmap.yaml matched no finding",
	Doc: `An entry of driftmap.yaml's ignore list ({rule, subject, reason}) left
out no finding in this run: the drift it excused was fixed, the subject
was renamed, or the entry never matched (a typo in the rule name or the
pattern). Delete the entry, or correct it, so the list shrinks over
time and no old excuse silently covers new drift. An entry naming a rule
that did not run is not judged; one naming a rule that does not exist
says so, and so does one naming a rule of 'driftmap fleet' (such as
fleet-divergence), which reads no ignore list. This rule's own findings
cannot be ignored.`,
	Example: `/work/sanctum/driftmap.yaml:14: info: ignore entry {rule: missing-target, subject: "service:old-*"} matched no finding; delete it [stale-ignore]`,
	Run: func(p *Pass) {
		if p.ignore == nil {
			return
		}
		for i, e := range p.Layout.Ignore {
			if p.ignore.hits[i] > 0 {
				continue
			}
			known := p.ignore.known[e.Rule]
			if e.Rule != "" && isFleetRule(e.Rule) {
				desc := describeIgnore(e.Rule, e.Subject)
				msg := fmt.Sprintf("ignore entry %s names a rule of 'driftmap fleet', which reads no ignore list: the entry never leaves anything out; delete it", desc)
				p.Report("", msg, graph.Evidence{File: e.File, Line: e.Line, Key: "ignore"})
				continue
			}
			if e.Rule != "" && known && !p.ignore.ran[e.Rule] {
				continue // its rule did not run: nothing to judge by
			}
			desc := describeIgnore(e.Rule, e.Subject)
			msg := fmt.Sprintf("ignore entry %s matched no finding; delete it", desc)
			if e.Rule != "" && !known {
				msg = fmt.Sprintf("ignore entry %s names no rule driftmap has (see 'driftmap rules'); correct or delete it", desc)
			}
			p.Report("", msg, graph.Evidence{File: e.File, Line: e.Line, Key: "ignore"})
		}
	},
}

// isFleetRule reports whether name is a rule of FleetRules.
func isFleetRule(name string) bool {
	for _, r := range FleetRules() {
		if r.Name == name {
			return true
		}
	}
	return false
}

// describeIgnore writes an entry as {rule: R, subject: "S"}.
func describeIgnore(rule, subject string) string {
	s := "{"
	if rule != "" {
		s += "rule: " + rule
	}
	if subject != "" {
		if rule != "" {
			s += ", "
		}
		s += "subject: " + strconv.Quote(subject)
	}
	return s + "}"
}
