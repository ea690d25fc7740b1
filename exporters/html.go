package exporters

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"fmt"
	"io"
	"slices"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/queries"
)

// htmlFormatter writes a check report as one self-contained HTML page
// (check): the summary, the service map (Report.Map), a panel that shows
// a node's findings and impact set, and the findings table with filters.
// Its CSS and JavaScript are inline; it loads nothing, and its
// Content-Security-Policy forbids loading anything and running any
// script but its own.
type htmlFormatter struct{}

var (
	//go:embed assets/report.css
	reportCSS string
	//go:embed assets/report.js
	reportJS string
)

// reportCSP is the page's Content-Security-Policy: nothing may be
// fetched (no network, no file), and the only script that runs is
// reportJS, named by its hash, so that even markup slipped into the page
// could not run code or call out.
var reportCSP = func() string {
	sum := sha256.Sum256([]byte(reportJS))
	return "default-src 'none'; script-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) +
		"'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
}()

// mapData is the graph as the page's script reads it (#dm-data): node
// IDs in ID order with their states, the kinds of edge, and each edge as
// [from, to, kind] indexes in graph order (by from, to, kind). The script
// computes impact sets from it by a backward breadth-first search, so
// the page holds the edges once instead of every node's impact set,
// which can be quadratic in the graph.
type mapData struct {
	Nodes  []string `json:"nodes"`
	States []string `json:"states"`
	Kinds  []string `json:"kinds"`
	Edges  [][3]int `json:"edges"`
}

// newMapData builds the page's graph data. Every string is as htmlText
// shows it before HTML escaping (text: scrubbed, control characters
// escaped), so an ID in the data equals the subject the table shows.
func newMapData(g *graph.Graph) mapData {
	d := mapData{Nodes: []string{}, States: []string{}, Kinds: []string{}, Edges: [][3]int{}}
	index := make(map[string]int, len(g.Nodes()))
	for i, n := range g.Nodes() {
		index[n.ID] = i
		d.Nodes = append(d.Nodes, text(n.ID))
		d.States = append(d.States, text(string(n.State)))
	}
	kind := map[graph.EdgeKind]int{}
	var kinds []graph.EdgeKind
	for _, e := range g.Edges() {
		if _, ok := kind[e.Kind]; !ok {
			kind[e.Kind] = 0
			kinds = append(kinds, e.Kind)
		}
	}
	slices.Sort(kinds)
	for i, k := range kinds {
		kind[k] = i
		d.Kinds = append(d.Kinds, text(string(k)))
	}
	for _, e := range g.Edges() {
		d.Edges = append(d.Edges, [3]int{index[e.From], index[e.To], kind[e.Kind]})
	}
	return d
}

// FormatCheck writes the report as an HTML page. Every value is written
// through htmlText or scriptJSON, and the map through embedSVG (see
// safe.go); the page says the map is unavailable when r.Map is empty or
// not SVG.
func (htmlFormatter) FormatCheck(w io.Writer, r *Report) error {
	g := r.graphOf()
	data, err := scriptJSON(newMapData(g))
	if err != nil {
		return err
	}
	summary := summaryLine(queries.Summarize(r.Findings), r.Ignored, r.Baselined, g)
	var b bytes.Buffer
	writeHTMLHead(&b, reportCSP, "driftmap check: "+summary)
	b.WriteString("<header>\n<h1>driftmap check</h1>\n")
	writeHTMLSummary(&b, r, g, summary)
	b.WriteString("</header>\n<main>\n")
	writeHTMLMap(&b, r.Map)
	writeHTMLFindings(&b, r.Findings)
	writeHTMLOwners(&b, r.Owners)
	b.WriteString("</main>\n<script type=\"application/json\" id=\"dm-data\">")
	b.Write(data)
	b.WriteString("</script>\n<script>" + reportJS + "</script>\n</body>\n</html>\n")
	_, err = w.Write(b.Bytes())
	return err
}

// writeHTMLHead writes a page's doctype and head, up to <body>: the
// Content-Security-Policy csp, check's styles, and the title (escaped
// here).
func writeHTMLHead(b *bytes.Buffer, csp, title string) {
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
	b.WriteString(`<meta http-equiv="Content-Security-Policy" content="` + csp + "\">\n")
	b.WriteString("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	b.WriteString("<meta name=\"generator\" content=\"driftmap\">\n")
	b.WriteString("<title>" + htmlText(title) + "</title>\n")
	b.WriteString("<style>\n" + reportCSS + "</style>\n</head>\n<body>\n")
}

// writeHTMLSummary writes the counts by severity, the ignored count and
// the size of the graph, then the summary line of the text format.
func writeHTMLSummary(b *bytes.Buffer, r *Report, g *graph.Graph, summary string) {
	s := queries.Summarize(r.Findings)
	count := func(class string, n int, one, many string) {
		if class != "" {
			class = ` class="` + class + `"`
		}
		word := many
		if n == 1 {
			word = one
		}
		fmt.Fprintf(b, "<li%s><b>%d</b> %s</li>\n", class, n, word)
	}
	b.WriteString("<ul class=\"dm-counts\" id=\"dm-summary\">\n")
	count("dm-error", s.Errors, "error", "errors")
	count("dm-warning", s.Warnings, "warning", "warnings")
	count("dm-info", s.Infos, "info", "info")
	count("", r.Ignored, "ignored", "ignored")
	count("", len(g.Nodes()), "node", "nodes")
	count("", len(g.Edges()), "edge", "edges")
	b.WriteString("</ul>\n<p class=\"dm-muted\">" + htmlText(summary) + "</p>\n")
}

// writeHTMLMap writes the map and the node panel the script fills in.
func writeHTMLMap(b *bytes.Buffer, svg []byte) {
	b.WriteString("<h2>Service map</h2>\n")
	var embedded []byte
	why := "this report was written without one"
	if len(svg) > 0 {
		var err error
		if embedded, err = embedSVG(svg); err != nil {
			why = err.Error()
		}
	}
	if embedded != nil {
		b.WriteString("<p class=\"dm-muted\">Click a node, or a finding's subject, to see its findings and what breaks if it is removed. " +
			"<label><input type=\"checkbox\" id=\"dm-fit\" checked> fit the map to the page</label></p>\n")
	} else {
		b.WriteString("<p class=\"dm-muted\" id=\"dm-map-unavailable\">The service map is unavailable: " + htmlText(why) +
			". Click a finding's subject to see its findings and what breaks if it is removed.</p>\n")
	}
	b.WriteString("<div id=\"dm-overview\">\n")
	if embedded != nil {
		b.WriteString("<div id=\"dm-map\" class=\"dm-fit\">\n")
		b.Write(embedded)
		b.WriteString("\n</div>\n")
	}
	b.WriteString(`<aside id="dm-node" hidden>
<button type="button" id="dm-node-close" aria-label="close">&#x2715;</button>
<h2 id="dm-node-id"></h2>
<p class="dm-muted" id="dm-node-state"></p>
<h3>Findings</h3>
<p id="dm-node-findings-count"></p>
<ul id="dm-node-findings"></ul>
<h3>Impact: what breaks if it is removed</h3>
<p id="dm-node-impact-count"></p>
<ol id="dm-node-impact"></ol>
</aside>
</div>
`)
}

// writeHTMLFindings writes the filters and the findings table, one row
// per finding in the order given (errors first), each row carrying its
// severity, rule and subject for the filters and the node panel.
func writeHTMLFindings(b *bytes.Buffer, fs []queries.Finding) {
	b.WriteString("<h2>Findings</h2>\n<div class=\"dm-filters\">\n")
	bySeverity := map[queries.Severity]int{}
	byRule := map[string]int{}
	var rules []string
	for _, f := range fs {
		bySeverity[f.Severity]++
		if byRule[f.Rule] == 0 {
			rules = append(rules, f.Rule)
		}
		byRule[f.Rule]++
	}
	slices.Sort(rules)
	b.WriteString("<label>Severity <select id=\"dm-severity\">\n<option value=\"\">all</option>\n")
	for _, s := range []queries.Severity{queries.Error, queries.Warning, queries.Info} {
		fmt.Fprintf(b, "<option value=\"%s\">%s (%d)</option>\n", s, s, bySeverity[s])
	}
	b.WriteString("</select></label>\n<label>Rule <select id=\"dm-rule\">\n<option value=\"\">all</option>\n")
	for _, rule := range rules {
		fmt.Fprintf(b, "<option value=\"%s\">%s (%d)</option>\n", htmlText(rule), htmlText(rule), byRule[rule])
	}
	b.WriteString("</select></label>\n")
	b.WriteString("<label>Search <input type=\"search\" id=\"dm-search\" placeholder=\"file, message, node\" autocomplete=\"off\"></label>\n")
	fmt.Fprintf(b, "<span id=\"dm-shown\" aria-live=\"polite\">%d of %s shown</span>\n</div>\n", len(fs), plural(len(fs), "finding", "findings"))
	b.WriteString("<table id=\"dm-findings\">\n<thead><tr><th>Severity</th><th>Rule</th><th>Location</th><th>Message</th><th>Subject</th></tr></thead>\n<tbody>\n")
	if len(fs) == 0 {
		b.WriteString("<tr><td colspan=\"5\">No findings.</td></tr>\n")
	}
	for _, f := range fs {
		subject, sev := htmlText(f.Subject), f.Severity.String()
		fmt.Fprintf(b, "<tr data-severity=\"%s\" data-rule=\"%s\" data-subject=\"%s\">", sev, htmlText(f.Rule), subject)
		fmt.Fprintf(b, "<td class=\"dm-sev dm-%s\">%s</td><td>%s</td><td class=\"dm-loc\">%s</td><td><span class=\"dm-msg\">%s</span>",
			sev, sev, htmlText(f.Rule), htmlText(findingLocation(f)), htmlText(f.Message))
		writeHTMLEvidence(b, f.Evidence)
		b.WriteString("</td><td>")
		if f.Subject != "" {
			fmt.Fprintf(b, "<button type=\"button\" class=\"dm-node-link\" data-node=\"%s\">%s</button>", subject, subject)
		}
		b.WriteString("</td></tr>\n")
	}
	if len(fs) > 0 {
		b.WriteString("<tr id=\"dm-none-shown\" hidden><td colspan=\"5\">No finding matches the filters.</td></tr>\n")
	}
	b.WriteString("</tbody>\n</table>\n")
}

// writeHTMLEvidence writes a finding's evidence as a closed <details>
// list, each piece through htmlEvidence; nothing when there is none.
func writeHTMLEvidence(b *bytes.Buffer, ev []graph.Evidence) {
	if len(ev) == 0 {
		return
	}
	fmt.Fprintf(b, "<details><summary>evidence (%d)</summary><ul>", len(ev))
	for _, e := range ev {
		b.WriteString("<li>" + htmlEvidence(e) + "</li>")
	}
	b.WriteString("</ul></details>")
}
