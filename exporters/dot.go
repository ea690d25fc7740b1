package exporters

import (
	"bytes"
	"fmt"
	"io"
	"path"
	"regexp"
	"slices"
	"strconv"
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
	fontOff     = "grey"
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
	case graph.Job:
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
// right without colour.
func nodeLabel(n graph.Node) string {
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

// GraphDOT writes g as a Graphviz digraph built with github.com/emicklei/dot:
// one cluster per node kind in graph.Kinds order, node IDs as quoted DOT
// IDs, one shape per kind, nodes filled by the worst finding about them
// (worst may be nil), retired and disabled nodes grey and dashed, missing
// and undefined nodes with a dashed red border, and edges labelled with
// their kind (their evidence as tooltip). A nil g is an empty graph.
//
// The output is deterministic. emicklei/dot's writer sorts clusters (by
// key), nodes (by ID) and edge sources (by ID), but it names nodes n1,
// n2... in creation order and keeps edges from one node in insertion
// order, so its bytes depend on the order of calls. GraphDOT makes its
// calls in the graph's sorted order, and then rewrites the generated
// names to the quoted node IDs, which also keeps the output stable when
// unrelated nodes come and go.
func GraphDOT(w io.Writer, g *graph.Graph, worst map[string]queries.Severity) error {
	if g == nil {
		g = graph.NewBuilder().Build()
	}
	root := dot.NewGraph(dot.Directed)
	root.ID("driftmap")
	root.Attr("rankdir", "LR")

	// Clusters first, so their names (cluster_s1...) depend only on which
	// kinds are present. emicklei/dot writes subgraphs sorted by key, so
	// the key carries the position in graph.Kinds.
	clusters := make([]*dot.Graph, len(graph.Kinds))
	for i, k := range graph.Kinds {
		if len(g.NodesOf(k)) == 0 {
			continue
		}
		c := root.Subgraph(fmt.Sprintf("%02d-%s", i, k), dot.ClusterOption{})
		c.Attrs("label", clusterLabel(k), "style", "rounded", "color", "grey")
		clusters[i] = c
	}

	nodes := make(map[string]dot.Node, len(g.Nodes()))
	for i, k := range graph.Kinds {
		for _, n := range g.NodesOf(k) {
			dn := clusters[i].Node(n.ID)
			styleNode(dn, *n, worst)
			nodes[n.ID] = dn
		}
	}
	// A node of a kind outside graph.Kinds goes outside the clusters.
	for _, n := range g.Nodes() {
		if !slices.Contains(graph.Kinds, n.Kind) {
			dn := root.Node(n.ID)
			styleNode(dn, n, worst)
			nodes[n.ID] = dn
		}
	}
	for _, e := range g.Edges() {
		de := root.Edge(nodes[e.From], nodes[e.To], string(e.Kind))
		if len(e.Evidence) > 0 {
			ev := make([]string, len(e.Evidence))
			for i, x := range e.Evidence {
				ev[i] = x.String()
			}
			de.Attr("tooltip", strings.Join(ev, "\n"))
		}
		if to, ok := g.Node(e.To); ok && gone(to.State) {
			de.Attr("color", borderGone)
		} else if from, ok := g.Node(e.From); ok && off(from.State) {
			de.Attr("color", borderOff)
		}
	}

	var b bytes.Buffer
	root.Write(&b)
	out, err := quoteNodeIDs(b.Bytes())
	if err != nil {
		return err
	}
	_, err = w.Write(out)
	return err
}

// styleNode sets the attributes of the DOT node for n.
func styleNode(dn dot.Node, n graph.Node, worst map[string]queries.Severity) {
	// The "id" attribute carries the node ID to quoteNodeIDs; Graphviz
	// also uses it as the element id in SVG output.
	dn.Attr("id", n.ID)
	dn.Attr("label", nodeLabel(n))
	dn.Attr("shape", nodeShape(n.Kind))

	style := []string{"filled"}
	if n.Kind == graph.Service {
		style = []string{"rounded", "filled"}
	}
	if gone(n.State) || off(n.State) {
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
	}
	if off(n.State) {
		dn.Attr("fontcolor", fontOff)
	}
}

// dotStatement matches the start of a node statement (n12[) or an edge
// statement (n3->n12[) as emicklei/dot v1.6.2 writes them: one statement
// per line, after the indentation, attributes (if any) in brackets.
var dotStatement = regexp.MustCompile(`^(\t*)n([0-9]+)(?:->n([0-9]+))?[\[;]`)

// quoteNodeIDs replaces emicklei/dot's generated node names (n1, n2...)
// with the quoted node IDs, read from each node statement's id attribute,
// and removes whitespace-only lines.
// emicklei/dot quotes attribute values with %q, so inside a value every
// double quote is escaped and `,id="` can only start the id attribute.
func quoteNodeIDs(src []byte) ([]byte, error) {
	lines := strings.Split(string(src), "\n")
	ids := map[string]string{}
	for _, l := range lines {
		m := dotStatement.FindStringSubmatch(l)
		if m == nil || m[3] != "" {
			continue
		}
		id, err := idAttr(l[len(m[0])-1:])
		if err != nil {
			return nil, fmt.Errorf("dot: node n%s: %w", m[2], err)
		}
		ids[m[2]] = strconv.Quote(id)
	}
	for i, l := range lines {
		m := dotStatement.FindStringSubmatchIndex(l)
		if m == nil {
			continue
		}
		from, ok := ids[l[m[4]:m[5]]]
		if !ok {
			return nil, fmt.Errorf("dot: unknown node n%s", l[m[4]:m[5]])
		}
		stmt := from
		if m[6] >= 0 {
			to, ok := ids[l[m[6]:m[7]]]
			if !ok {
				return nil, fmt.Errorf("dot: unknown node n%s", l[m[6]:m[7]])
			}
			stmt += " -> " + to
		}
		if l[m[1]-1] == '[' {
			stmt += " "
		}
		lines[i] = l[:m[3]] + stmt + l[m[1]-1:]
	}
	// emicklei/dot ends every block with a line holding only indentation;
	// drop those so the output has no trailing whitespace.
	out := lines[:0]
	for _, l := range lines {
		if strings.TrimLeft(l, "\t") != "" {
			out = append(out, l)
		}
	}
	return []byte(strings.Join(out, "\n") + "\n"), nil
}

// idAttr returns the value of the id attribute in an attribute list
// written as [k="v",...].
func idAttr(attrs string) (string, error) {
	i := strings.Index(attrs, `[id="`)
	if i < 0 {
		i = strings.Index(attrs, `,id="`)
	}
	if i < 0 {
		return "", fmt.Errorf("no id attribute in %s", attrs)
	}
	q, err := strconv.QuotedPrefix(attrs[i+len(`,id=`):])
	if err != nil {
		return "", err
	}
	return strconv.Unquote(q)
}
