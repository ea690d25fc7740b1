package exporters

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/queries"
)

// mermaidLimit keeps a map within what GitHub renders: Mermaid refuses a
// diagram of more than 500 edges or 50,000 characters by default.
var mermaidLimit = queries.MapLimit{Nodes: 150, Edges: 300}

// mermaidWidth is the width at which the legend wraps a note.
const mermaidWidth = 80

// MapLimit is what GitHub's Mermaid renders.
func (mermaidFormatter) MapLimit() queries.MapLimit { return mermaidLimit }

// FormatMap writes m as a Mermaid flowchart, which GitHub renders in a
// ```mermaid block of Markdown: the same nodes, clusters (subgraphs),
// edges, fills and marks as the DOT, every ID through mermaidID and every
// label through mermaidText, the notes as %% comments and, with the
// colour key, in a legend subgraph.
func (mermaidFormatter) FormatMap(w io.Writer, m *queries.Map) error {
	var b bytes.Buffer
	b.WriteString("flowchart LR\n")
	fmt.Fprintf(&b, "%%%% %s: %s\n", text(mapTitle(m)), text(mapSummary(m)))
	for _, n := range mapNotes(m) {
		fmt.Fprintf(&b, "%%%% %s\n", text(n))
	}
	byGroup := map[string][]int{}
	for i, n := range m.Nodes {
		byGroup[n.Group] = append(byGroup[n.Group], i)
	}
	for gi, grp := range m.Groups {
		fmt.Fprintf(&b, "  subgraph cluster%d [\"%s\"]\n", gi, mermaidText(grp.Label))
		for _, i := range byGroup[grp.ID] {
			b.WriteString("    " + mermaidNode(m, &m.Nodes[i]) + "\n")
		}
		b.WriteString("  end\n")
	}
	for _, i := range byGroup[""] {
		b.WriteString("  " + mermaidNode(m, &m.Nodes[i]) + "\n")
	}
	state := map[string]graph.State{}
	for _, n := range m.Nodes {
		state[n.ID] = n.State
	}
	var markedLinks, goneLinks []string
	for i, e := range m.Edges {
		arrow := "-->"
		if !m.Detail && !hasKind(e, graph.Requires) {
			arrow = "-.->"
		}
		if l := edgeLabel(e); l != "" {
			arrow += "|\"" + mermaidText(l) + "\"|"
		}
		fmt.Fprintf(&b, "  %s %s %s\n", mermaidID(e.From), arrow, mermaidID(e.To))
		switch {
		case e.Mark != queries.Unmarked:
			markedLinks = append(markedLinks, fmt.Sprint(i))
		case gone(state[e.To]):
			goneLinks = append(goneLinks, fmt.Sprint(i))
		}
	}
	mermaidLegend(&b, m)
	b.WriteString(mermaidStyles)
	classes := map[string][]string{}
	for _, n := range m.Nodes {
		for _, c := range mermaidClasses(&n) {
			classes[c] = append(classes[c], mermaidID(n.ID))
		}
	}
	for _, c := range mermaidClassOrder {
		if ids := classes[c]; len(ids) > 0 {
			fmt.Fprintf(&b, "  class %s %s\n", strings.Join(ids, ","), c)
		}
	}
	if len(markedLinks) > 0 {
		fmt.Fprintf(&b, "  linkStyle %s stroke:%s,stroke-width:3px\n", strings.Join(markedLinks, ","), markColor)
	}
	if len(goneLinks) > 0 {
		fmt.Fprintf(&b, "  linkStyle %s stroke:%s\n", strings.Join(goneLinks, ","), borderGone)
	}
	_, err := w.Write(b.Bytes())
	return err
}

// mermaidStyles are the classes of the map's nodes: a fill per worst
// finding, then the borders of states and marks, which win over the
// fills' borders by coming later.
const mermaidStyles = `  classDef error fill:` + fillError + `,stroke:red,color:#000
  classDef warning fill:` + fillWarning + `,stroke:#b58900,color:#000
  classDef info fill:` + fillInfo + `,stroke:#38761d,color:#000
  classDef none fill:#fff,stroke:#333,color:#000
  classDef off fill:` + fillOff + `,stroke:grey,color:grey,stroke-dasharray:4 3
  classDef gone stroke:red,stroke-dasharray:4 3
  classDef marked stroke:` + markColor + `,stroke-width:3px
  classDef target stroke:` + markColor + `,stroke-width:5px
`

// mermaidClassOrder is the order of the class statements.
var mermaidClassOrder = []string{"error", "warning", "info", "none", "off", "gone", "marked", "target"}

// mermaidClasses are the classes of node n, as the DOT's fill and border.
func mermaidClasses(n *queries.MapNode) []string {
	sev, has := n.Worst()
	var cs []string
	switch fillOf(sev, has, n.State) {
	case fillError:
		cs = append(cs, "error")
	case fillWarning:
		cs = append(cs, "warning")
	case fillInfo:
		cs = append(cs, "info")
	case fillOff:
		cs = append(cs, "off")
	default:
		cs = append(cs, "none")
	}
	if gone(n.State) {
		cs = append(cs, "gone")
	}
	switch n.Mark {
	case queries.MarkedTarget:
		cs = append(cs, "target")
	case queries.Marked:
		cs = append(cs, "marked")
	}
	return cs
}

// mermaidNode is the statement that declares map node n with its label
// in the shape of its kind.
func mermaidNode(m *queries.Map, n *queries.MapNode) string {
	lines := strings.Split(mapNodeLabel(m, n), "\n")
	for i, l := range lines {
		lines[i] = mermaidText(l)
	}
	label := `"` + strings.Join(lines, "<br/>") + `"`
	open, closing := "[", "]"
	switch {
	case n.IsGroup():
		open, closing = "{{", "}}"
	case n.Kind == graph.Service:
		open, closing = "(", ")"
	case graph.IsRunner(n.Kind):
		open, closing = "[[", "]]"
	case n.Kind == graph.Directory:
		open, closing = "[/", "/]"
	case n.Kind == graph.Manifest:
		open, closing = ">", "]"
	case n.Kind == graph.Artifact:
		open, closing = "[(", ")]"
	}
	return mermaidID(n.ID) + open + label + closing
}

// mermaidLegend writes the legend subgraph: the title, one node per
// fill, and the notes.
func mermaidLegend(b *bytes.Buffer, m *queries.Map) {
	fmt.Fprintf(b, "  subgraph legend [\"%s\"]\n", mermaidText(mapTitle(m)))
	fmt.Fprintf(b, "    direction LR\n")
	keys := []string{"error", "warning", "info", "none", "off"}
	for i, k := range legendKeys {
		fmt.Fprintf(b, "    legend_%s[\"%s\"]:::%s\n", keys[i], mermaidText(k.label), keys[i])
	}
	if marked(m) {
		fmt.Fprintf(b, "    legend_marked[\"%s\"]:::marked\n", mermaidText("highlighted"))
	}
	var lines []string
	lines = append(lines, mermaidText(mapSummary(m)))
	for _, n := range mapNotes(m) {
		for _, l := range wrap(scrub(n), mermaidWidth) {
			lines = append(lines, mermaidText(l))
		}
	}
	fmt.Fprintf(b, "    legend_notes[\"%s\"]:::none\n", strings.Join(lines, "<br/>"))
	b.WriteString("  end\n")
}
