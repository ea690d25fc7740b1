package queries

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/driftmap/driftmap/graph"
)

// HostReport is one host's check report as `driftmap fleet` reads it
// (a driftmap/check/v1 document written with --host): the caller reads
// and parses the file; queries never reads it.
type HostReport struct {
	Host string // the report's "host"
	File string // the report file, as named on the command line
	// Findings are the report's findings as it lists them.
	Findings []Finding
	// Jobs are the report's "jobs", in the order it lists them (the
	// evidence of a fleet finding names an entry by its index).
	Jobs []HostJob
	// The counts of the report's summary that its findings do not tell.
	Ignored, Baselined, Nodes, Edges int
}

// HostFinding is a finding of a fleet report with the host it is about:
// the host whose report listed it, or, for a fleet rule's finding,
// the hosts it compares joined by "," (host names hold no comma).
type HostFinding struct {
	Host string
	Finding
}

// HostSummary counts the findings of one host's report by severity,
// with the other counts of its summary.
type HostSummary struct {
	Host string
	Summary
	Ignored, Baselined, Nodes, Edges int
}

// Fleet is what `driftmap fleet` reports: every host's findings and
// the fleet rules' findings, sorted by CompareHostFindings, and each
// host's summary, sorted by host.
type Fleet struct {
	Findings []HostFinding
	Hosts    []HostSummary
}

// FleetPass is what a fleet rule sees: every host's report, sorted by
// host, and a way to report.
type FleetPass struct {
	Reports []HostReport

	rule     *Rule
	findings *[]HostFinding
}

// Report records a finding about subject comparing hosts (named in the
// finding's Host, joined by ","). Fleet findings have no file: their
// location is their subject.
func (p *FleetPass) Report(hosts []string, subject, msg string, ev ...graph.Evidence) {
	ev = graph.SortEvidence(slices.Clone(ev))
	*p.findings = append(*p.findings, HostFinding{Host: strings.Join(hosts, ","),
		Finding: Finding{Rule: p.rule.Name, Severity: p.rule.Severity, Subject: subject, Message: msg, Evidence: ev}})
}

// CompareHostFindings orders fleet findings: most severe first, then
// by host, then as Compare does.
func CompareHostFindings(a, b HostFinding) int {
	return cmp.Or(-cmp.Compare(a.Severity, b.Severity), cmp.Compare(a.Host, b.Host), Compare(a.Finding, b.Finding))
}

// FleetOf runs the fleet rules over the reports and returns every
// host's findings with them. Hosts must be distinct (the caller checks).
func FleetOf(reports []HostReport, rules []*Rule) *Fleet {
	reports = slices.Clone(reports)
	slices.SortFunc(reports, func(a, b HostReport) int { return strings.Compare(a.Host, b.Host) })
	f := &Fleet{Findings: []HostFinding{}, Hosts: []HostSummary{}}
	for _, r := range reports {
		f.Hosts = append(f.Hosts, HostSummary{Host: r.Host, Summary: Summarize(r.Findings),
			Ignored: r.Ignored, Baselined: r.Baselined, Nodes: r.Nodes, Edges: r.Edges})
		for _, fd := range r.Findings {
			f.Findings = append(f.Findings, HostFinding{Host: r.Host, Finding: fd})
		}
	}
	for _, rule := range rules {
		if rule.Fleet == nil {
			continue
		}
		rule.Fleet(&FleetPass{Reports: reports, rule: rule, findings: &f.Findings})
	}
	slices.SortStableFunc(f.Findings, CompareHostFindings)
	return f
}

// FleetRules returns the rules `driftmap fleet` runs over the reports
// of several hosts, sorted by name; check runs none of them.
func FleetRules() []*Rule {
	return []*Rule{FleetDivergence}
}

// FleetDivergence reports a job or unit that runs differently on two
// hosts.
var FleetDivergence = &Rule{
	Name:     "fleet-divergence",
	Severity: Warning,
	Title:    "the same job or unit runs a different program or arguments on two hosts (driftmap fleet only)",
	Doc: `Only 'driftmap fleet' runs this rule, over the check reports of several
hosts (each written by 'driftmap check --format json --host NAME'): every
live launchd job (by Label) and every audited systemd unit (by name) that
two hosts both define is compared by its program and by arguments_sha256,
the SHA-256 of its argument vector (ProgramArguments, or the words of
ExecStart=; arguments themselves never leave a host), both relative to
each host's home directory: one job that two users installed in their own
homes, /Users/bert and /Users/anna, is not a divergence. One finding names
each host that runs a job otherwise than most hosts defining it (the
largest group of hosts that run it alike; on a tie, the group of the
first host by name), naming that host and the first host of that group:
n hosts give at most n-1 findings per job. A fleet meant to run the same
service the same way has drifted: one host runs an older wrapper, an extra
flag or another port. Make the definitions agree (render them from one
source), or, if the difference is deliberate, give the jobs different
Labels. A job that only one host defines is not compared.`,
	Example: `mac,mini: job:com.sanctum.proxy: warning: runs ~/.sanctum/bin/proxy with different arguments on mac and mini (arguments_sha256 2c1f0d7e9a4b on mac, 9e3a51c0b7d2 on mini) [fleet-divergence]`,
	Fleet: func(p *FleetPass) {
		byID := map[string][]fleetJob{}
		for _, r := range p.Reports {
			for i, j := range r.Jobs {
				// The reports are sorted by host: an entry of this
				// host for the job can only be the last one.
				if hs := byID[j.ID]; len(hs) > 0 && hs[len(hs)-1].host == r.Host {
					continue // listed twice in one report: the first counts
				}
				byID[j.ID] = append(byID[j.ID], fleetJob{r.Host, r.File, i, j})
			}
		}
		for _, id := range slices.Sorted(maps.Keys(byID)) {
			for _, d := range divergences(byID[id]) {
				a, b := d.odd, d.ref
				if b.host < a.host {
					a, b = b, a
				}
				prog := a.job.Program != b.job.Program
				key := "arguments_sha256"
				var msg string
				if prog {
					key = "program"
					msg = fmt.Sprintf("runs %s on %s but %s on %s", programText(a.job.Program), a.host, programText(b.job.Program), b.host)
					if a.job.ArgumentsSHA256 != b.job.ArgumentsSHA256 {
						msg += ", with different arguments"
					}
				} else {
					msg = fmt.Sprintf("runs %s with different arguments on %s and %s (arguments_sha256 %s on %s, %s on %s)",
						programText(a.job.Program), a.host, b.host, short(a.job.ArgumentsSHA256), a.host, short(b.job.ArgumentsSHA256), b.host)
				}
				switch {
				case d.alike == 1:
					msg += fmt.Sprintf("; 1 more host runs it as %s does", d.ref.host)
				case d.alike > 1:
					msg += fmt.Sprintf("; %d more hosts run it as %s does", d.alike, d.ref.host)
				}
				ev := func(s fleetJob) graph.Evidence {
					tok := s.job.Program
					if key == "arguments_sha256" {
						tok = s.job.ArgumentsSHA256
					}
					return graph.Evidence{File: s.file, Key: "jobs[" + strconv.Itoa(s.index) + "]." + key, Token: tok}
				}
				p.Report([]string{a.host, b.host}, id, msg, ev(a), ev(b))
			}
		}
	},
}

// fleetJob is one host's entry for a job: the host, its report file,
// the entry's index in the report's jobs, and the entry.
type fleetJob struct {
	host, file string
	index      int
	job        HostJob
}

// divergence is a host that runs a job otherwise than the reference:
// ref is the first host (by name) of the reference variant, alike the
// number of other hosts of that variant.
type divergence struct {
	odd, ref fleetJob
	alike    int
}

// divergences compares the hosts that define one job (hs, in host
// order) by variant, its program and arguments_sha256. The reference
// variant is the one most hosts run (on a tie, the one of the first
// host); every host of another variant is one divergence from it. So n
// hosts give at most n-1 divergences per job, not one per pair of hosts.
func divergences(hs []fleetJob) []divergence {
	type variant struct{ program, args string }
	var order []variant
	groups := map[variant][]fleetJob{}
	for _, h := range hs {
		v := variant{h.job.Program, h.job.ArgumentsSHA256}
		if len(groups[v]) == 0 {
			order = append(order, v)
		}
		groups[v] = append(groups[v], h)
	}
	if len(order) < 2 {
		return nil
	}
	ref := order[0] // order follows hs: the first host's variant first
	for _, v := range order[1:] {
		if len(groups[v]) > len(groups[ref]) {
			ref = v
		}
	}
	var out []divergence
	for _, h := range hs {
		if (variant{h.job.Program, h.job.ArgumentsSHA256}) != ref {
			out = append(out, divergence{odd: h, ref: groups[ref][0], alike: len(groups[ref]) - 1})
		}
	}
	return out
}

// short is the first 12 characters of a hash, for messages.
func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// programText is a program as messages name it.
func programText(p string) string {
	if p == "" {
		return "no program"
	}
	return p
}
