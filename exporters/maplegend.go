package exporters

import (
	"fmt"
	"strings"

	"github.com/emicklei/dot"

	"github.com/driftmap/driftmap/queries"
)

// noteWidth is the width at which the legend wraps a note.
const noteWidth = 110

// mapTitle names the kind of map.
func mapTitle(m *queries.Map) string {
	if m.Detail {
		return "driftmap graph (detail)"
	}
	return "driftmap service map"
}

// mapNotes are the lines every format writes into the document: the
// alerts first, then the notes.
func mapNotes(m *queries.Map) []string {
	return append(append([]string(nil), m.Alerts...), m.Notes...)
}

// mapSummary is "15 nodes and 6 edges, of a graph of 64 nodes and 69
// edges".
func mapSummary(m *queries.Map) string {
	return fmt.Sprintf("%s and %s, of a graph of %s and %s",
		plural(len(m.Nodes), "node", "nodes"), plural(len(m.Edges), "edge", "edges"),
		plural(m.GraphNodes, "node", "nodes"), plural(m.GraphEdges, "edge", "edges"))
}

// legendKeys are the fills of the legend, worst first.
var legendKeys = []struct{ fill, label string }{
	{fillError, "error"}, {fillWarning, "warning"}, {fillInfo, "info"}, {fillNone, "no finding"}, {fillOff, "retired or disabled"},
}

// marked reports whether --highlight marks anything on m.
func marked(m *queries.Map) bool {
	for _, n := range m.Nodes {
		if n.Mark != queries.Unmarked {
			return true
		}
	}
	return false
}

// legend is the graph label of a map's DOT: an HTML-like table with the
// title, one cell per fill, the highlight when there is one, and the
// notes (extra ones last). Every value passes dotHTML.
func legend(m *queries.Map, extra ...string) dot.HTML {
	var b strings.Builder
	cols := len(legendKeys)
	b.WriteString(`<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="3">`)
	fmt.Fprintf(&b, `<TR><TD COLSPAN="%d" BORDER="0" ALIGN="LEFT">%s: %s</TD></TR>`, cols, dotHTML(mapTitle(m)), dotHTML(mapSummary(m)))
	b.WriteString("<TR>")
	for _, k := range legendKeys {
		fmt.Fprintf(&b, `<TD BGCOLOR="%s">%s</TD>`, k.fill, dotHTML(k.label))
	}
	b.WriteString("</TR>")
	if marked(m) {
		fmt.Fprintf(&b, `<TR><TD COLSPAN="%d" BORDER="0" ALIGN="LEFT"><FONT COLOR="%s">blue border: highlighted (double: the node asked for)</FONT></TD></TR>`, cols, markColor)
	}
	if notes := append(mapNotes(m), extra...); len(notes) > 0 {
		fmt.Fprintf(&b, `<TR><TD COLSPAN="%d" BORDER="0" ALIGN="LEFT" BALIGN="LEFT">`, cols)
		for i, n := range notes {
			for j, l := range wrap(scrub(n), noteWidth) { // scrubbed whole, before a line break can cut a secret from its context
				if i > 0 || j > 0 {
					b.WriteString(`<BR/>`)
				}
				if j > 0 {
					b.WriteString("    ")
				}
				b.WriteString(dotHTML(l))
			}
		}
		b.WriteString(`</TD></TR>`)
	}
	b.WriteString(`</TABLE>`)
	return dot.HTML(b.String())
}

// wrap splits s into lines of at most width bytes at spaces (a longer
// word gets a line of its own).
func wrap(s string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		switch {
		case line == "":
			line = w
		case len(line)+1+len(w) <= width:
			line += " " + w
		default:
			lines = append(lines, line)
			line = w
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}
