package exporters

import (
	"bytes"
	"fmt"
	"io"

	"github.com/driftmap/driftmap/queries"
)

// FleetFormatter formats what `driftmap fleet` found across hosts.
type FleetFormatter interface {
	FormatFleet(w io.Writer, f *queries.Fleet) error
}

// fleetCounts is the summary of a fleet report: the findings counted by
// severity, the other counts summed over the hosts.
func fleetCounts(f *queries.Fleet) (s queries.Summary, ignored, baselined, nodes, edges int) {
	for _, h := range f.Hosts {
		ignored += h.Ignored
		baselined += h.Baselined
		nodes += h.Nodes
		edges += h.Edges
	}
	fs := make([]queries.Finding, len(f.Findings))
	for i, fd := range f.Findings {
		fs[i] = fd.Finding
	}
	return queries.Summarize(fs), ignored, baselined, nodes, edges
}

// fleetSummaryLine is "N errors, N warnings, N info across H hosts",
// with the ignored and baselined counts as check's summary has them.
func fleetSummaryLine(f *queries.Fleet) string {
	s, ignored, baselined, _, _ := fleetCounts(f)
	return countsLine(s, ignored, baselined) + " across " + plural(len(f.Hosts), "host", "hosts")
}

// FormatFleet prints one line per finding as check's text does, each
// prefixed by its host ("mac,mini" for a finding comparing two):
//
//	host: file:line: severity: message [rule]
//
// then a table of each host's counts and the summary line.
func (t textFormatter) FormatFleet(w io.Writer, f *queries.Fleet) error {
	var b bytes.Buffer
	for _, fd := range f.Findings {
		b.WriteString(text(fd.Host) + ": ")
		t.writeFinding(&b, fd.Finding)
	}
	if len(f.Findings) > 0 {
		b.WriteString("\n")
	}
	width := len("host")
	for _, h := range f.Hosts {
		width = max(width, len(text(h.Host)))
	}
	fmt.Fprintf(&b, "%-*s  %6s  %8s  %4s\n", width, "host", "errors", "warnings", "info")
	for _, h := range f.Hosts {
		fmt.Fprintf(&b, "%-*s  %6d  %8d  %4d\n", width, text(h.Host), h.Errors, h.Warnings, h.Infos)
	}
	b.WriteString("\n" + fleetSummaryLine(f) + "\n")
	_, err := w.Write(b.Bytes())
	return err
}

type fleetJSON struct {
	Schema   string             `json:"schema"`
	Summary  summaryJSON        `json:"summary"`
	Hosts    []hostSummaryJSON  `json:"hosts"`
	Findings []fleetFindingJSON `json:"findings"`
}

type hostSummaryJSON struct {
	Host     string `json:"host"`
	Errors   int    `json:"errors"`
	Warnings int    `json:"warnings"`
	Infos    int    `json:"infos"`
}

// fleetFindingJSON is a check finding with the host it is about first.
type fleetFindingJSON struct {
	Host string `json:"host"`
	findingJSON
}

// FormatFleet writes the fleet report as a CheckSchema document: the
// summary (findings by severity over every host and the fleet rules;
// ignored, baselined, nodes and edges summed over the hosts), "hosts"
// (each host's counts, by host) and the findings, each with its "host".
func (jsonFormatter) FormatFleet(w io.Writer, f *queries.Fleet) error {
	s, ignored, baselined, nodes, edges := fleetCounts(f)
	doc := fleetJSON{
		Schema: CheckSchema,
		Summary: summaryJSON{Errors: s.Errors, Warnings: s.Warnings, Infos: s.Infos, Ignored: ignored,
			Baselined: baselined, Nodes: nodes, Edges: edges},
		Hosts:    make([]hostSummaryJSON, 0, len(f.Hosts)),
		Findings: make([]fleetFindingJSON, 0, len(f.Findings)),
	}
	for _, h := range f.Hosts {
		doc.Hosts = append(doc.Hosts, hostSummaryJSON{Host: h.Host, Errors: h.Errors, Warnings: h.Warnings, Infos: h.Infos})
	}
	for _, fd := range f.Findings {
		doc.Findings = append(doc.Findings, fleetFindingJSON{Host: fd.Host, findingJSON: toFindingJSON(fd.Finding)})
	}
	return writeJSON(w, doc)
}

// fleetCSP is the fleet page's Content-Security-Policy: it has no
// script, and nothing may be fetched.
const fleetCSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

// FormatFleet writes the fleet report as one self-contained HTML page
// with check's styles and no script: the summary, the hosts table and
// the findings table with a host column. Every value goes through
// htmlText.
func (htmlFormatter) FormatFleet(w io.Writer, f *queries.Fleet) error {
	summary := fleetSummaryLine(f)
	var b bytes.Buffer
	writeHTMLHead(&b, fleetCSP, "driftmap fleet: "+summary)
	b.WriteString("<header>\n<h1>driftmap fleet</h1>\n<p class=\"dm-muted\" id=\"dm-summary\">" + htmlText(summary) + "</p>\n</header>\n<main>\n")
	b.WriteString("<h2>Hosts</h2>\n<table id=\"dm-hosts\">\n<thead><tr><th>Host</th><th>Errors</th><th>Warnings</th><th>Info</th></tr></thead>\n<tbody>\n")
	for _, h := range f.Hosts {
		fmt.Fprintf(&b, "<tr><td>%s</td><td class=\"dm-error\">%d</td><td class=\"dm-warning\">%d</td><td class=\"dm-info\">%d</td></tr>\n",
			htmlText(h.Host), h.Errors, h.Warnings, h.Infos)
	}
	b.WriteString("</tbody>\n</table>\n")
	b.WriteString("<h2>Findings</h2>\n<table id=\"dm-findings\">\n<thead><tr><th>Host</th><th>Severity</th><th>Rule</th><th>Location</th><th>Message</th></tr></thead>\n<tbody>\n")
	if len(f.Findings) == 0 {
		b.WriteString("<tr><td colspan=\"5\">No findings.</td></tr>\n")
	}
	for _, fd := range f.Findings {
		sev := fd.Severity.String()
		fmt.Fprintf(&b, "<tr data-severity=\"%s\" data-host=\"%s\"><td>%s</td><td class=\"dm-sev dm-%s\">%s</td><td>%s</td><td class=\"dm-loc\">%s</td><td><span class=\"dm-msg\">%s</span>",
			sev, htmlText(fd.Host), htmlText(fd.Host), sev, sev, htmlText(fd.Rule), htmlText(findingLocation(fd.Finding)), htmlText(fd.Message))
		writeHTMLEvidence(&b, fd.Evidence)
		b.WriteString("</td></tr>\n")
	}
	b.WriteString("</tbody>\n</table>\n</main>\n</body>\n</html>\n")
	_, err := w.Write(b.Bytes())
	return err
}
