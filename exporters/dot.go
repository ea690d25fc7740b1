package exporters

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/emicklei/dot"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/queries"
)

// Fill colours by worst finding, and border colours.
const (
	fillError   = "#f4cccc"
	fillWarning = "#fff2cc"
	fillInfo    = "#d9ead3"
	fillNone    = "white"
	borderError = "red"
	borderGone  = "red"  // missing or undefined node
	borderOff   = "grey" // retired or disabled node
	// borderRunning outlines a job launchd runs (--live).
	borderRunning = "#2e7d32"
	fontOff       = "grey"
)

// clusterLabel names the cluster that holds nodes of kind k.
func clusterLabel(k graph.Kind) string {
	switch k {
	case graph.Directory:
		return "directories"
	default:
		return string(k) + "s"
	}
}

// nodeShape is the Graphviz shape for kind k.
func nodeShape(k graph.Kind) string {
	switch k {
	case graph.Service:
		return "box" // with style rounded
	case graph.Job, graph.Unit:
		return "component"
	case graph.Wrapper:
		return "note"
	case graph.Directory:
		return "folder"
	case graph.Manifest:
		return "tab"
	case graph.Artifact:
		return "cylinder"
	default:
		return "ellipse"
	}
}

// nodeLabel is the node's name; for paths (wrappers, files, directories)
// the base name with the directory on a second line. A state that is not
// the kind's normal one is added on its own line, so the drawing reads
// right without colour. The name is scrubbed before it is split, since
// splitting could cut a secret (a URL's user:pass@) out of what scrub
// recognises.
func nodeLabel(n graph.Node) string {
	n.Name = scrub(n.Name)
	label := n.Name
	switch n.Kind {
	case graph.Wrapper, graph.File, graph.Directory, graph.Manifest, graph.Artifact:
		if base, dir := path.Base(n.Name), path.Dir(n.Name); strings.Contains(n.Name, "/") && base != "/" && dir != "." {
			label = base + "\n" + dir
		}
	}
	switch n.State {
	case graph.Disabled, graph.Retired, graph.Missing, graph.Undefined:
		label += "\n(" + string(n.State) + ")"
	}
	return label
}

func gone(s graph.State) bool { return s == graph.Missing || s == graph.Undefined }
func off(s graph.State) bool  { return s == graph.Retired || s == graph.Disabled }

// FormatGraph writes g as a Graphviz digraph built with github.com/emicklei/dot:
// one cluster per node kind in graph.Kinds order, nodes named by their
// quoted node IDs ("service:api"), one shape per kind, nodes filled by the
// worst finding about them (worst may be nil), retired and disabled nodes
// grey and dashed, missing and undefined nodes with a dashed red border,
// and edges labelled with their kind (their evidence as tooltip). A nil g
// is an empty graph.
//
// The output is deterministic: it is written in the graph's sorted order
// (clusters in graph.Kinds order, nodes by ID, edges by (from, to, kind)),
// attributes sorted by name, and never in the order of a map.
func (dotFormatter) FormatGraph(w io.Writer, g *graph.Graph, worst map[string]queries.Severity) error {
	if g == nil {
		g = graph.NewBuilder().Build()
	}
	doc := dotDoc{root: dot.NewGraph(dot.Directed)}
	doc.root.ID("driftmap")
	doc.root.Attr("rankdir", "LR")

	// Clusters first, so their names (cluster_s1...) depend only on which
	// kinds are present: emicklei/dot numbers subgraphs and nodes from
	// one sequence.
	for i, k := range graph.Kinds {
		if len(g.NodesOf(k)) == 0 {
			continue
		}
		c := doc.root.Subgraph(fmt.Sprintf("%02d-%s", i, k), dot.ClusterOption{})
		c.Attrs("label", clusterLabel(k), "style", "rounded", "color", "grey")
		doc.clusters = append(doc.clusters, dotCluster{kind: k, graph: c})
	}

	nodes := make(map[string]dot.Node, len(g.Nodes()))
	for i := range doc.clusters {
		c := &doc.clusters[i]
		for _, n := range g.NodesOf(c.kind) {
			dn := c.graph.Node(n.ID)
			styleNode(dn, *n, worst)
			nodes[n.ID] = dn
			c.nodes = append(c.nodes, dn)
		}
	}
	// A node of a kind outside graph.Kinds goes outside the clusters.
	for _, n := range g.Nodes() {
		if !slices.Contains(graph.Kinds, n.Kind) {
			dn := doc.root.Node(n.ID)
			styleNode(dn, n, worst)
			nodes[n.ID] = dn
			doc.nodes = append(doc.nodes, dn)
		}
	}
	for _, e := range g.Edges() {
		de := doc.root.Edge(nodes[e.From], nodes[e.To], string(e.Kind))
		if len(e.Evidence) > 0 {
			ev := make([]string, len(e.Evidence))
			for i, x := range e.Evidence {
				ev[i] = scrubEvidence(x).String()
			}
			de.Attr("tooltip", strings.Join(ev, "\n"))
		}
		if to, ok := g.Node(e.To); ok && gone(to.State) {
			de.Attr("color", borderGone)
		} else if from, ok := g.Node(e.From); ok && off(from.State) {
			de.Attr("color", borderOff)
		}
		doc.edges = append(doc.edges, de)
	}

	var b bytes.Buffer
	doc.write(&b)
	_, err := w.Write(b.Bytes())
	return err
}

// styleNode sets the attributes of the DOT node for n.
func styleNode(dn dot.Node, n graph.Node, worst map[string]queries.Severity) {
	// Graphviz uses the "id" attribute as the element id in SVG output.
	dn.Attr("id", n.ID)
	dn.Attr("label", nodeLabel(n))
	dn.Attr("shape", nodeShape(n.Kind))

	style := []string{"filled"}
	if n.Kind == graph.Service {
		style = []string{"rounded", "filled"}
	}
	if gone(n.State) || off(n.State) || ghost(n) {
		style = append(style, "dashed")
	}
	dn.Attr("style", strings.Join(style, ","))

	fill := fillNone
	sev, hasFinding := worst[n.ID]
	if hasFinding {
		switch sev {
		case queries.Error:
			fill = fillError
		case queries.Warning:
			fill = fillWarning
		default:
			fill = fillInfo
		}
	}
	dn.Attr("fillcolor", fill)

	switch {
	case hasFinding && sev == queries.Error:
		dn.Attr("color", borderError)
	case gone(n.State):
		dn.Attr("color", borderGone)
	case off(n.State):
		dn.Attr("color", borderOff)
	case n.Loaded == graph.LoadedRunning:
		dn.Attr("color", borderRunning)
		dn.Attr("penwidth", "2")
	}
	if off(n.State) {
		dn.Attr("fontcolor", fontOff)
	}
}

// ghost reports whether n is a job launchd has loaded that no live plist
// defines (see the ghost-job rule): it is drawn dashed.
func ghost(n graph.Node) bool {
	return n.Kind == graph.Job && n.State != graph.Live && (n.Loaded == graph.LoadedRunning || n.Loaded == graph.LoadedIdle)
}

// dotDoc is a DOT document: emicklei/dot holds the graph, its clusters,
// nodes and edges with their attributes, and the slices give the order in
// which they are written.
//
// dotDoc writes the document itself because emicklei/dot (v1.11.0) cannot
// name a node by its ID: Graph.Write names every node n1, n2... after the
// order of the calls that created it, and no option changes that. The
// writer below reads everything it writes from the library's model
// (Graph.GetID, Node.ID, Edge.From, Edge.To, GetAttributes) and lays it
// out as Graph.Write does (subgraphs, then graph attributes, then nodes,
// then edges; attributes sorted by name and quoted with %q), only with
// the quoted node IDs as node names, and every name and value scrubbed
// (dotString). Should the library ever write node
// IDs, the writer can go.
type dotDoc struct {
	root     *dot.Graph
	clusters []dotCluster // in graph.Kinds order
	nodes    []dot.Node   // outside any cluster, sorted by ID
	edges    []dot.Edge   // sorted by (from, to, kind)
}

// dotCluster is the cluster subgraph of one kind and its nodes, sorted by
// ID.
type dotCluster struct {
	kind  graph.Kind
	graph *dot.Graph
	nodes []dot.Node
}

func (d *dotDoc) write(b *bytes.Buffer) {
	kind, op := "graph", " -- "
	if d.root.IsDirected() {
		kind, op = "digraph", " -> "
	}
	fmt.Fprintf(b, "%s %s {\n", kind, d.root.GetID())
	for _, c := range d.clusters {
		fmt.Fprintf(b, "\tsubgraph %s {\n", c.graph.GetID())
		writeGraphAttrs(b, "\t\t", c.graph.GetAttributes())
		for _, n := range c.nodes {
			writeStatement(b, "\t\t", dotString(n.ID()), n.GetAttributes())
		}
		b.WriteString("\t}\n")
	}
	writeGraphAttrs(b, "\t", d.root.GetAttributes())
	for _, n := range d.nodes {
		writeStatement(b, "\t", dotString(n.ID()), n.GetAttributes())
	}
	for _, e := range d.edges {
		writeStatement(b, "\t", dotString(e.From().ID())+op+dotString(e.To().ID()), e.GetAttributes())
	}
	b.WriteString("}\n")
}

// writeGraphAttrs writes a graph's attributes as one line of statements,
// k="v";k="v";, or nothing when there are none.
func writeGraphAttrs(b *bytes.Buffer, indent string, attrs map[string]any) {
	if len(attrs) == 0 {
		return
	}
	b.WriteString(indent)
	for _, k := range slices.Sorted(maps.Keys(attrs)) {
		b.WriteString(k + "=" + dotValue(attrs[k]) + ";")
	}
	b.WriteString("\n")
}

// writeStatement writes a node or edge statement with its attribute list,
// sorted by name: stmt [k="v",k="v"];
func writeStatement(b *bytes.Buffer, indent, stmt string, attrs map[string]any) {
	b.WriteString(indent + stmt)
	if len(attrs) > 0 {
		b.WriteString(" [")
		for i, k := range slices.Sorted(maps.Keys(attrs)) {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(k + "=" + dotValue(attrs[k]))
		}
		b.WriteString("]")
	}
	b.WriteString(";\n")
}

// dotValue writes an attribute value as emicklei/dot does: HTML between
// angle brackets, a Literal as is, anything else quoted, and scrubbed
// (see dotString). FormatGraph sets only plain values, so no value read
// from a file is ever written as HTML or a Literal.
func dotValue(v any) string {
	switch v := v.(type) {
	case dot.HTML:
		return "<" + string(v) + ">"
	case dot.Literal:
		return string(v)
	case string:
		return dotString(v)
	default:
		return dotString(fmt.Sprint(v))
	}
}
