package exporters

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/queries"
)

// Report is what `driftmap check` formats: the findings, already sorted by
// queries.Compare (errors, then warnings, then info), and the graph they
// were found in. A nil Graph is treated as an empty graph.
type Report struct {
	Findings []queries.Finding
	Graph    *graph.Graph
	// Ignored counts the findings driftmap.yaml's ignore list left out
	// (queries.Result.Ignored); they are in no output but this count.
	Ignored int
	// Map is optional: the service map as SVG markup, as driftmap's own
	// graph format "svg" renders it (Graphviz output, each node a
	// <g class="node"> whose <title> is its node ID). Only the html
	// format uses it, and embeds it after keeping only plain SVG drawing
	// elements (see embedSVG); when Map is empty the page says the map
	// is unavailable.
	Map []byte
	// Baselined counts the findings the baseline left out
	// (queries.Result.Baselined); they are in no output but this count.
	Baselined int
	// Owners is optional: who owns each service fact (queries.OwnersOf).
	// Only the html format uses it, for its owners section; nil means no
	// section.
	Owners *queries.Owners
	// Workspace is --workspace as given. Workspace files are named by it
	// joined with their place in the workspace; SARIF names them
	// relative to it, and fingerprints are computed with it (see
	// queries.Fingerprint).
	Workspace string
	// Started is when the audit started (the prometheus format's
	// driftmap_last_run_timestamp_seconds); zero when unknown.
	Started time.Time
	// Duration is how long loading the sources and running the rules
	// took (driftmap_last_run_duration_seconds).
	Duration time.Duration
	// Host is check --host: the json format then stamps the report with
	// it and lists Jobs (see queries.Jobs), for `driftmap fleet`. Empty,
	// the report is as without --host. Other formats ignore both.
	Host string
	// Jobs are the host's jobs sorted by ID, as queries.Jobs returns them.
	Jobs []queries.HostJob
}

// graphOf returns r.Graph, or an empty graph when it is nil.
func (r *Report) graphOf() *graph.Graph {
	if r.Graph == nil {
		return graph.NewBuilder().Build()
	}
	return r.Graph
}

// ANSI SGR sequences for the severity word.
const (
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
	ansiReset  = "\x1b[0m"
)

func (f textFormatter) severity(s queries.Severity) string {
	if !f.color {
		return s.String()
	}
	var c string
	switch s {
	case queries.Error:
		c = ansiRed
	case queries.Warning:
		c = ansiYellow
	default:
		c = ansiCyan
	}
	return c + s.String() + ansiReset
}

// FormatCheck prints one line per finding, in the style of compilers and
// linters so editors can jump to it:
//
//	file:line: severity: message [rule]
//
// then a blank line and a summary. The format is fixed: scripts grep it.
// Every piece of evidence is in the JSON output. Each value is scrubbed
// and its control characters escaped (see text), so every finding is one
// line.
func (f textFormatter) FormatCheck(w io.Writer, r *Report) error {
	var b bytes.Buffer
	for _, fd := range r.Findings {
		f.writeFinding(&b, fd)
	}
	if len(r.Findings) > 0 {
		b.WriteString("\n")
	}
	b.WriteString(r.summaryLine())
	b.WriteString("\n")
	_, err := w.Write(b.Bytes())
	return err
}

// writeFinding writes the text line of one finding:
//
//	file:line: severity: message [rule]
//
// without "file:line: " when the finding has no location. Each value goes
// through text.
func (f textFormatter) writeFinding(b *bytes.Buffer, fd queries.Finding) {
	if loc := findingLocation(fd); loc != "" {
		b.WriteString(text(loc))
		b.WriteString(": ")
	}
	fmt.Fprintf(b, "%s: %s [%s]\n", f.severity(fd.Severity), text(fd.Message), text(fd.Rule))
}

// findingLocation is "file:line", "file" when the line is unknown, or the
// subject when the finding has no file.
func findingLocation(fd queries.Finding) string {
	if fd.File == "" {
		return fd.Subject
	}
	return graph.Evidence{File: fd.File, Line: fd.Line}.Location()
}

// summaryLine is the summary line of the report (see summaryLine).
func (r *Report) summaryLine() string {
	return summaryLine(queries.Summarize(r.Findings), r.Ignored, r.Baselined, r.Graph)
}

// summaryLine is "N errors, N warnings, N info in G nodes, E edges", the
// counts as countsLine writes them.
func summaryLine(s queries.Summary, ignored, baselined int, g *graph.Graph) string {
	nodes, edges := 0, 0
	if g != nil {
		nodes, edges = len(g.Nodes()), len(g.Edges())
	}
	return countsLine(s, ignored, baselined) + " in " + plural(nodes, "node", "nodes") + ", " + plural(edges, "edge", "edges")
}

// countsLine is "N errors, N warnings, N info", with ", N ignored" after
// the info count when the ignore list left any out, and ", N baselined"
// when the baseline did: the start of check's and fleet's summary lines.
func countsLine(s queries.Summary, ignored, baselined int) string {
	line := plural(s.Errors, "error", "errors") + ", " +
		plural(s.Warnings, "warning", "warnings") + ", " +
		strconv.Itoa(s.Infos) + " info"
	if ignored > 0 {
		line += ", " + strconv.Itoa(ignored) + " ignored"
	}
	if baselined > 0 {
		line += ", " + strconv.Itoa(baselined) + " baselined"
	}
	return line
}

// plural returns "1 thing" or "n things".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

type checkJSON struct {
	Schema   string        `json:"schema"`
	Host     string        `json:"host,omitempty"`
	Summary  summaryJSON   `json:"summary"`
	Findings []findingJSON `json:"findings"`
	// Jobs is present, as an array, exactly when Host is set.
	Jobs *[]queries.HostJob `json:"jobs,omitempty"`
}

type summaryJSON struct {
	Errors    int `json:"errors"`
	Warnings  int `json:"warnings"`
	Infos     int `json:"infos"`
	Ignored   int `json:"ignored"`
	Baselined int `json:"baselined"`
	Nodes     int `json:"nodes"`
	Edges     int `json:"edges"`
}

// findingJSON is a queries.Finding with every member always present.
type findingJSON struct {
	Rule     string           `json:"rule"`
	Severity queries.Severity `json:"severity"`
	Subject  string           `json:"subject"`
	Message  string           `json:"message"`
	File     string           `json:"file"`
	Line     int              `json:"line"`
	Evidence []evidenceJSON   `json:"evidence"`
}

// toFindingJSON converts a finding for the json format.
func toFindingJSON(fd queries.Finding) findingJSON {
	return findingJSON{
		Rule:     fd.Rule,
		Severity: fd.Severity,
		Subject:  fd.Subject,
		Message:  fd.Message,
		File:     fd.File,
		Line:     fd.Line,
		Evidence: toEvidenceJSON(fd.Evidence),
	}
}

// FormatCheck writes the report as a CheckSchema document.
func (jsonFormatter) FormatCheck(w io.Writer, r *Report) error {
	g := r.graphOf()
	s := queries.Summarize(r.Findings)
	doc := checkJSON{
		Schema: CheckSchema,
		Summary: summaryJSON{
			Errors: s.Errors, Warnings: s.Warnings, Infos: s.Infos, Ignored: r.Ignored,
			Baselined: r.Baselined, Nodes: len(g.Nodes()), Edges: len(g.Edges()),
		},
		Findings: make([]findingJSON, 0, len(r.Findings)),
	}
	for _, fd := range r.Findings {
		doc.Findings = append(doc.Findings, toFindingJSON(fd))
	}
	if r.Host != "" {
		doc.Host = r.Host
		// r.Jobs arrive sorted by ID (queries.Jobs sorts them); only an
		// empty list needs making an array.
		jobs := r.Jobs
		if jobs == nil {
			jobs = []queries.HostJob{}
		}
		doc.Jobs = &jobs
	}
	return writeJSON(w, doc)
}

// FormatCheck writes the whole graph as FormatGraph does, each node
// coloured by the worst finding about it.
func (f dotFormatter) FormatCheck(w io.Writer, r *Report) error {
	return f.FormatGraph(w, r.Graph, queries.Worst(r.Findings))
}
