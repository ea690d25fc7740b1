// Package queries holds driftmap's rules, its graph questions (impact,
// why) and the map `driftmap graph` draws (BuildMap: the service map, a
// derived view of the graph and the findings). Every rule is a small
// self-contained value with a name, severity, title and documentation,
// defined in its own file with its own tests; the registry (All) lists
// them, and `driftmap rules` and `driftmap explain` print the same
// documentation the code carries.
//
// Queries read a sources.Snapshot (and the render plan derived from it)
// and return findings; they never read or write files themselves and
// never format output (that is package exporters).
//
// Check leaves out the findings driftmap.yaml's ignore list matches;
// CheckBaseline also leaves out those a baseline records, by Fingerprint,
// the identity of a finding across runs and checkouts. The caller reads
// and parses the baseline file and passes its entries in.
package queries

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources"
	"github.com/driftmap/driftmap/sources/render"
)

// Severity ranks findings. The zero value is Info.
type Severity int

// Severities, lowest first.
const (
	Info Severity = iota
	Warning
	Error
)

var severityNames = [...]string{"info", "warning", "error"}

func (s Severity) String() string {
	if s < Info || s > Error {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// MarshalText encodes the severity as its name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText decodes a severity's name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// ParseSeverity parses "info", "warning" or "error".
func ParseSeverity(s string) (Severity, error) {
	for i, n := range severityNames {
		if n == s {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q (want error, warning or info)", s)
}

// Finding is one problem a rule found. Subject is the ID of the node the
// finding is about ("" when it is about a file that yields no node, such
// as a parse error). File and Line locate the finding for editors; the
// Evidence lists every place that supports it.
type Finding struct {
	Rule     string           `json:"rule"`
	Severity Severity         `json:"severity"`
	Subject  string           `json:"subject,omitempty"`
	Message  string           `json:"message"`
	File     string           `json:"file,omitempty"`
	Line     int              `json:"line,omitempty"`
	Evidence []graph.Evidence `json:"evidence,omitempty"`
}

// Compare orders findings: most severe first, then by file, line, rule,
// subject and message.
func Compare(a, b Finding) int {
	return cmp.Or(
		-cmp.Compare(a.Severity, b.Severity),
		cmp.Compare(a.File, b.File),
		cmp.Compare(a.Line, b.Line),
		cmp.Compare(a.Rule, b.Rule),
		cmp.Compare(a.Subject, b.Subject),
		cmp.Compare(a.Message, b.Message),
	)
}

// Rule is one check. Run reports findings through the Pass; the Pass
// fills in Rule and Severity.
type Rule struct {
	Name     string   // stable ID, e.g. "missing-target"
	Severity Severity // severity of every finding it reports
	Title    string   // one line
	Doc      string   // what it checks, why it matters, how to fix it
	Example  string   // a finding as it prints
	Run      func(*Pass)
	// Fleet is set instead of Run for a rule of FleetRules, which
	// `driftmap fleet` runs over the reports of several hosts.
	Fleet func(*FleetPass)
}

// Pass is what a rule sees: the loaded snapshot, the results derived
// from it once for every rule (as go/analysis hands a pass the results
// of the analyzers it requires), and a way to report.
type Pass struct {
	*sources.Snapshot
	// Plan is what `driftmap render` would do with the manifests
	// (render.Plan), computed once per Run; nil when the catalog or
	// instance.yaml is missing, so that nothing renders.
	Plan []render.Planned

	rule     *Rule
	findings *[]Finding
	ignore   *ignoreState   // set for the rules that run after ignoring (stale-ignore)
	baseline *baselineState // set for the rule that runs after the baseline (stale-baseline)
}

// Report records a finding about subject, located at the first evidence.
func (p *Pass) Report(subject string, msg string, ev ...graph.Evidence) {
	ev = graph.SortEvidence(slices.Clone(ev))
	f := Finding{Rule: p.rule.Name, Severity: p.rule.Severity, Subject: subject, Message: msg, Evidence: ev}
	if len(ev) > 0 {
		f.File, f.Line = ev[0].File, ev[0].Line
	}
	*p.findings = append(*p.findings, f)
}

// ReportAt is Report with an explicit location that need not be the first
// evidence (e.g. the plist that declares a duplicate).
func (p *Pass) ReportAt(at graph.Evidence, subject, msg string, ev ...graph.Evidence) {
	p.Report(subject, msg, ev...)
	f := &(*p.findings)[len(*p.findings)-1]
	f.File, f.Line = at.File, at.Line
}

// Run runs rules over snap and returns the findings that driftmap.yaml's
// ignore list keeps, sorted (see Check).
func Run(snap *sources.Snapshot, rules []*Rule) []Finding {
	return Check(snap, rules).Findings
}

// Summary counts findings by severity.
type Summary struct {
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
	Infos    int `json:"infos"`
}

// Summarize counts findings.
func Summarize(fs []Finding) Summary {
	var s Summary
	for _, f := range fs {
		switch f.Severity {
		case Error:
			s.Errors++
		case Warning:
			s.Warnings++
		default:
			s.Infos++
		}
	}
	return s
}

// Worst returns the highest severity per subject, for colouring maps.
func Worst(fs []Finding) map[string]Severity {
	m := map[string]Severity{}
	for _, f := range fs {
		if f.Subject == "" {
			continue
		}
		if s, ok := m[f.Subject]; !ok || f.Severity > s {
			m[f.Subject] = f.Severity
		}
	}
	return m
}
