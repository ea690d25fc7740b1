package exporters

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/queries"
)

// Colours of the map beyond the fills and borders of dot.go.
const (
	fillOff      = "#eeeeee" // retired or disabled, no finding
	markColor    = "#1f5fbf" // --highlight
	edgeColor    = "#555555"
	tooltipLimit = 12 // findings listed in a node's tooltip
)

// bigLayout is the size (nodes; twice as many edges) from which the DOT of
// a map bounds Graphviz's iterations (nslimit, mclimit) and draws
// straight edges, so that a map near SVG's limit still lays out in
// seconds: unbounded, a tangled map of 150 nodes takes about two.
const bigLayout = 100

// FormatMap writes m as a Graphviz digraph. Each map node is named by its
// node ID ("service:voice-agent"), so Graphviz's SVG carries the ID as
// the <title> of the node's <g class="node"> and as its id attribute; its
// class attribute adds the node's kind, its worst finding and its mark
// ("service error highlight"). Nodes are filled by their worst finding,
// retired and disabled ones grey, missing and undefined ones with a
// dashed red border; each has its findings' messages as tooltip. Edges
// carry a label only when their kind is not implied by the kinds of their
// ends. The graph's label is the legend, with the map's notes and alerts.
func (dotFormatter) FormatMap(w io.Writer, m *queries.Map) error {
	_, err := w.Write(mapDOT(m, dotClusters))
	return err
}

// MapLimit is no limit: DOT is text for other tools, never capped.
func (dotFormatter) MapLimit() queries.MapLimit { return queries.MapLimit{} }

// How mapDOT draws the map's groups.
const (
	dotClusters = iota // one cluster per group
	dotFlat            // no clusters: for when Graphviz cannot rank them
)

// flatNote is the legend's note of a map drawn without its clusters.
const flatNote = "Graphviz could not lay out this map's clusters (trouble in init_rank), so it is drawn without them; --format dot keeps them"

// mapDOT renders m as DOT; SVG lays this document out.
func mapDOT(m *queries.Map, mode int) []byte {
	var b bytes.Buffer
	b.WriteString("digraph driftmap {\n")
	var extra []string
	if mode == dotFlat {
		extra = append(extra, flatNote)
	}
	graphAttrs := map[string]any{
		"id": "driftmap", "rankdir": "LR", "newrank": "true", "fontname": "Helvetica", "fontsize": "10",
		"labelloc": "b", "labeljust": "l", "label": legend(m, extra...), "tooltip": mapTitle(m),
	}
	if len(m.Nodes) >= bigLayout || len(m.Edges) >= 2*bigLayout {
		graphAttrs["nslimit"], graphAttrs["mclimit"], graphAttrs["splines"] = "2", "0.2", "line"
	}
	writeGraphAttrs(&b, "\t", graphAttrs)
	writeStatement(&b, "\t", "node", map[string]any{"fontname": "Helvetica", "fontsize": "11"})
	writeStatement(&b, "\t", "edge", map[string]any{"fontname": "Helvetica", "fontsize": "9", "color": edgeColor})
	byGroup := map[string][]int{}
	for i, n := range m.Nodes {
		byGroup[n.Group] = append(byGroup[n.Group], i)
	}
	groups := m.Groups
	if mode == dotFlat {
		groups = nil
		byGroup = map[string][]int{}
		for i := range m.Nodes {
			byGroup[""] = append(byGroup[""], i)
		}
	}
	for gi, grp := range groups {
		fmt.Fprintf(&b, "\tsubgraph cluster_%03d {\n", gi)
		writeGraphAttrs(&b, "\t\t", map[string]any{
			"id": "cluster:" + grp.ID, "label": grp.Label, "style": "rounded", "color": "grey", "fontcolor": "#444444",
		})
		for _, i := range byGroup[grp.ID] {
			writeStatement(&b, "\t\t", dotString(m.Nodes[i].ID), mapNodeAttrs(m, &m.Nodes[i]))
		}
		b.WriteString("\t}\n")
	}
	for _, i := range byGroup[""] {
		writeStatement(&b, "\t", dotString(m.Nodes[i].ID), mapNodeAttrs(m, &m.Nodes[i]))
	}
	state := map[string]graph.State{}
	for _, n := range m.Nodes {
		state[n.ID] = n.State
	}
	for _, e := range m.Edges {
		attrs := map[string]any{"class": mapEdgeClass(e)}
		if l := edgeLabel(e); l != "" {
			attrs["label"] = l
		}
		if !m.Detail && !hasKind(e, graph.Requires) {
			attrs["style"] = "dashed"
		}
		switch {
		case e.Mark != queries.Unmarked:
			attrs["color"], attrs["penwidth"] = markColor, "2.5"
		case gone(state[e.To]):
			attrs["color"] = borderGone
		case off(state[e.From]):
			attrs["color"] = borderOff
		}
		writeStatement(&b, "\t", dotString(e.From)+" -> "+dotString(e.To), attrs)
	}
	b.WriteString("}\n")
	return b.Bytes()
}

// mapNodeAttrs returns the DOT attributes of map node n.
func mapNodeAttrs(m *queries.Map, n *queries.MapNode) map[string]any {
	attrs := map[string]any{
		"id":      n.ID, // Graphviz writes it as the SVG element's id
		"class":   mapNodeClass(n),
		"label":   mapNodeLabel(m, n),
		"shape":   nodeShape(n.Kind),
		"tooltip": mapNodeTooltip(n),
	}
	style := []string{"filled"}
	if n.Kind == graph.Service {
		style = []string{"rounded", "filled"}
	}
	if n.IsGroup() {
		attrs["shape"] = "box3d"
	}
	if gone(n.State) || off(n.State) || ghost(graph.Node{Kind: n.Kind, State: n.State, Loaded: n.Loaded}) {
		style = append(style, "dashed")
	}
	attrs["style"] = strings.Join(style, ",")
	sev, has := n.Worst()
	attrs["fillcolor"] = fillOf(sev, has, n.State)
	switch {
	case has && sev == queries.Error:
		attrs["color"] = borderError
	case gone(n.State):
		attrs["color"] = borderGone
	case off(n.State):
		attrs["color"] = borderOff
	case n.Loaded == graph.LoadedRunning:
		attrs["color"], attrs["penwidth"] = borderRunning, "2"
	}
	if off(n.State) {
		attrs["fontcolor"] = fontOff
	}
	switch n.Mark {
	case queries.MarkedTarget:
		attrs["color"], attrs["penwidth"], attrs["peripheries"] = markColor, "3", "2"
	case queries.Marked:
		attrs["color"], attrs["penwidth"] = markColor, "3"
	}
	return attrs
}

// fillOf is the fill of a node whose worst finding is sev (has false:
// none) in state st.
func fillOf(sev queries.Severity, has bool, st graph.State) string {
	switch {
	case has && sev == queries.Error:
		return fillError
	case has && sev == queries.Warning:
		return fillWarning
	case has:
		return fillInfo
	case off(st):
		return fillOff
	}
	return fillNone
}

// mapNodeLabel is the node's name (a path as base name over directory,
// control characters escaped), a
// line counting its findings, and its state when not the normal one.
func mapNodeLabel(m *queries.Map, n *queries.MapNode) string {
	if n.IsGroup() {
		return n.Name + "\nthat nothing holds"
	}
	// The name's control characters are escaped before the label's own
	// line breaks go in, so a name cannot add a line.
	label := nodeLabel(graph.Node{ID: n.ID, Kind: n.Kind, Name: text(n.Name), State: n.State})
	if c := findingCount(n.Findings); c != "" {
		label += "\n" + c
	}
	return label
}

// findingCount is "2 errors, 1 warning", or "" when there are none.
func findingCount(fs []queries.Finding) string {
	if len(fs) == 0 {
		return ""
	}
	s := queries.Summarize(fs)
	var parts []string
	if s.Errors > 0 {
		parts = append(parts, plural(s.Errors, "error", "errors"))
	}
	if s.Warnings > 0 {
		parts = append(parts, plural(s.Warnings, "warning", "warnings"))
	}
	if s.Infos > 0 {
		parts = append(parts, plural(s.Infos, "info", "infos"))
	}
	return strings.Join(parts, ", ")
}

// mapNodeTooltip is the node's ID, what is folded into it, and its
// findings' messages (scrubbed on their way out, as every value).
func mapNodeTooltip(n *queries.MapNode) string {
	lines := []string{n.ID}
	if len(n.Members) > 0 {
		lines = append(lines, fmt.Sprintf("folds %s", plural(len(n.Members), "node", "nodes")))
	}
	for i, f := range n.Findings {
		if i == tooltipLimit {
			lines = append(lines, fmt.Sprintf("and %d more (driftmap check lists them)", len(n.Findings)-i))
			break
		}
		lines = append(lines, f.Severity.String()+": "+f.Message+" ["+f.Rule+"]")
	}
	return strings.Join(lines, "\n")
}

// mapNodeClass is the node's class list: its kind, its worst finding,
// "group" and its mark. Every word is a fixed name or a node kind reduced
// to letters, so nothing read from the tree reaches it.
func mapNodeClass(n *queries.MapNode) string {
	words := []string{classWord(string(n.Kind))}
	if sev, ok := n.Worst(); ok {
		words = append(words, sev.String())
	}
	if off(n.State) || gone(n.State) {
		words = append(words, classWord(string(n.State)))
	}
	if n.IsGroup() {
		words = append(words, "group")
	}
	switch n.Mark {
	case queries.MarkedTarget:
		words = append(words, "highlight", "highlight-target")
	case queries.Marked:
		words = append(words, "highlight")
	}
	return strings.Join(words, " ")
}

func mapEdgeClass(e queries.MapEdge) string {
	var words []string
	for _, k := range e.Kinds {
		words = append(words, classWord(string(k)))
	}
	if e.Mark != queries.Unmarked {
		words = append(words, "highlight")
	}
	return strings.Join(words, " ")
}

// classWord keeps the lower-case letters, digits and hyphens of s.
func classWord(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return -1
	}, s)
}

// implied are the edge kinds the kinds of their ends already tell:
// service -> service is requires, service -> job runs-as, manifest ->
// service describes, artifact -> file generated-from.
var implied = []graph.EdgeKind{graph.Requires, graph.RunsAs, graph.Describes, graph.GeneratedFrom}

// edgeLabel is the kinds of e that its ends do not imply, or "".
func edgeLabel(e queries.MapEdge) string {
	var ks []string
	for _, k := range e.Kinds {
		if !hasKindIn(implied, k) {
			ks = append(ks, string(k))
		}
	}
	return strings.Join(ks, ", ")
}

func hasKind(e queries.MapEdge, k graph.EdgeKind) bool { return hasKindIn(e.Kinds, k) }

func hasKindIn(ks []graph.EdgeKind, k graph.EdgeKind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}
