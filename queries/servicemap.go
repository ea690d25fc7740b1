package queries

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/driftmap/driftmap/graph"
)

// Map is the view of a graph that `driftmap graph` draws (DOT, SVG,
// Mermaid): a derived view of the graph and its findings, so that the
// exporters only format it. BuildMap makes it.
//
// The default map is the service map, read at a glance. Each service is
// one map node with its chain folded in: every node it reaches along
// dependency edges (its job, the wrappers and files the job runs, their
// directories, and whatever those reach in turn), plus the manifests that
// describe it and the generated artifacts that are its jobs' plists,
// stopping at another service and at a job another service runs (a
// runs-as edge claims a job for its service). A node two services reach
// is in both chains: a finding about a shared file colours every service
// that depends on it. A live job that no service's chain holds is a map
// node of its own with its chain, and so is any other node that a finding
// is about and no chain holds, so every finding about a node of the graph
// has a place on the map. The remaining nodes (no chain holds them and no
// finding is about them, such as retired plists) are left out, and a note
// says how many. Edges between map nodes are the `requires` edges between
// services, plus any other edge that leaves one chain for another map node
// (such as a job's KeepAlive.OtherJobEnabled naming another service's
// job).
//
// The detail map (MapOptions.Detail) draws every node of the graph, each
// in the cluster of the one service whose chain holds it, or else in the
// cluster of its kind; MapOptions.Collapse folds the nodes of some kinds
// into the map nodes whose chains hold them, as the service map does with
// every kind.
type Map struct {
	// Detail is true for the detail map, false for the service map.
	Detail bool
	// Nodes are sorted by ID.
	Nodes []MapNode
	// Edges are sorted by (From, To).
	Edges []MapEdge
	// Groups are the clusters the map nodes are drawn in, in the order
	// to draw them; a node whose Group is "" is drawn outside them.
	Groups []MapGroup
	// Notes say what the map folded, left out or highlighted, and how to
	// see it; every format writes them into the document.
	Notes []string
	// Alerts say what was folded or cut to keep the map within the
	// format's MapLimit, and that a highlighted path does not exist; the
	// command line also prints them on standard error, since the map
	// does not show what it was asked for. Every format writes them into
	// the document too.
	Alerts []string
	// GraphNodes and GraphEdges count the nodes and edges of the audited
	// graph, before --focus, --kinds and folding.
	GraphNodes, GraphEdges int
}

// MapNode is one node of a map: a node of the graph with the nodes folded
// into it, or a group standing for the nodes of one kind that no map node
// holds (MapOptions.Collapse).
type MapNode struct {
	// ID is the ID of the graph node it stands for ("service:api"), or
	// "group:KIND" for a group.
	ID    string
	Kind  graph.Kind
	Name  string      // the graph node's name; for a group, "N KINDs"
	State graph.State // the graph node's state; "" for a group
	// Loaded is the graph node's loaded state (a job, with --live).
	Loaded string
	// Group is the ID of the MapGroup it is drawn in, or "".
	Group string
	// Members are the IDs of the graph nodes folded into it (its own ID
	// not included), sorted; nil when none.
	Members []string
	// Findings are the findings about the node and its members, sorted by
	// Compare.
	Findings []Finding
	// Mark says whether --highlight marks it.
	Mark Mark
}

// Worst returns the highest severity of the node's findings, and false
// when it has none.
func (n *MapNode) Worst() (Severity, bool) {
	if len(n.Findings) == 0 {
		return Info, false
	}
	return n.Findings[0].Severity, true // sorted most severe first
}

// IsGroup reports whether n stands for the nodes of one kind that no map
// node holds.
func (n *MapNode) IsGroup() bool { return strings.HasPrefix(n.ID, groupPrefix) }

// MapEdge is one edge of a map: the graph edges that lead from the chain
// of From to To.
type MapEdge struct {
	From, To string
	// Kinds are the kinds of the graph edges it stands for, sorted.
	Kinds []graph.EdgeKind
	// Count is how many graph edges it stands for.
	Count int
	// Mark says whether --highlight marks it.
	Mark Mark

	under []edgeKey // the graph edges it stands for
}

// MapGroup is a cluster of a map: the nodes of one service's chain (ID
// "service:NAME"), of one kind (ID "kind:KIND"), or, on the service map,
// the map nodes that no service claims (ID "outside").
type MapGroup struct {
	ID    string
	Label string
}

// Mark is how --highlight marks a map node or edge.
type Mark int

const (
	Unmarked Mark = iota
	// Marked: on the highlighted node's impact set, or on the path.
	Marked
	// MarkedTarget: holds the highlighted node, or an end of the path.
	MarkedTarget
)

// MapLimit is the most map nodes and edges a format lays out quickly; zero
// fields mean no limit.
type MapLimit struct {
	Nodes, Edges int
}

// MapOptions say which map BuildMap makes.
type MapOptions struct {
	// Detail draws every node rather than the service map.
	Detail bool
	// Collapse folds the nodes of these kinds into the map nodes whose
	// chains hold them; those no chain holds become one group per kind.
	// It may not name graph.Service.
	Collapse []graph.Kind
	// Kinds, when not empty, keeps only the nodes of these kinds (and the
	// edges between them) before folding.
	Kinds []graph.Kind
	// Focus, when not "", keeps only the nodes within Depth edges of this
	// node ID (Depth < 0: no limit), before Kinds.
	Focus string
	Depth int
	// Highlight marks one node ID and its impact set (one ID), or the
	// nodes and edges of one shortest path (two IDs, from and to). The
	// IDs must name nodes of the graph; BuildMap returns a *NotOnMapError
	// when the map has no node holding one of them.
	Highlight []string
	// Limit caps the map; see Fit.
	Limit MapLimit
}

// NotOnMapError says a node to highlight is in the graph but on no node of
// the map, and why.
type NotOnMapError struct {
	ID     string
	Reason string // e.g. "--kinds leaves it out"
}

func (e *NotOnMapError) Error() string {
	return fmt.Sprintf("%s is not on the map: %s", e.ID, e.Reason)
}

// ParseKinds parses the node kinds --kinds and --collapse name, and
// returns them without repeats in graph.Kinds order.
func ParseKinds(list []string) ([]graph.Kind, error) {
	var out []graph.Kind
	for _, s := range list {
		k := graph.Kind(strings.TrimSpace(s))
		if !slices.Contains(graph.Kinds, k) {
			return nil, fmt.Errorf("unknown node kind %q", s)
		}
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	slices.SortFunc(out, func(a, b graph.Kind) int {
		return cmp.Compare(slices.Index(graph.Kinds, a), slices.Index(graph.Kinds, b))
	})
	return out, nil
}

// BuildMap makes the map of g that opts ask for, with findings (sorted by
// Compare) placed on the map nodes whose chains hold their subjects. The
// highlight is computed on the whole of g, before --focus and --kinds.
func BuildMap(g *graph.Graph, findings []Finding, opts MapOptions) (*Map, error) {
	if slices.Contains(opts.Collapse, graph.Service) {
		return nil, fmt.Errorf("services cannot be collapsed: they are what the other nodes fold into")
	}
	hl := highlightOf(g, opts.Highlight)
	view, notes := Restrict(g, opts)
	m := fold(view, findings, opts.Detail, opts.Collapse)
	if err := hl.check(m, view); err != nil {
		return nil, err
	}
	hl.mark(m)
	m = fit(view, findings, opts, hl, m)
	m.Notes = append(notes, m.Notes...)
	if hl != nil {
		m.Notes = append(m.Notes, hl.note)
		if hl.alert != "" {
			m.Alerts = append(m.Alerts, hl.alert)
		}
	}
	m.GraphNodes, m.GraphEdges = len(g.Nodes()), len(g.Edges())
	return m, nil
}

// Restrict applies opts.Focus (with opts.Depth) and opts.Kinds to g, and
// returns the graph they keep with notes saying what they left out.
func Restrict(g *graph.Graph, opts MapOptions) (*graph.Graph, []string) {
	var notes []string
	if opts.Focus != "" {
		sub := g.Subgraph(g.Neighbourhood(opts.Focus, opts.Depth))
		within := "any number of edges"
		if opts.Depth >= 0 {
			within = plural(opts.Depth, "edge")
		}
		notes = append(notes, fmt.Sprintf("--focus %s --depth %d: the %s within %s of it, and the %s between them, of %s and %s",
			opts.Focus, opts.Depth, plural(len(sub.Nodes()), "node"), within, plural(len(sub.Edges()), "edge"),
			plural(len(g.Nodes()), "node"), plural(len(g.Edges()), "edge")))
		g = sub
	}
	if len(opts.Kinds) > 0 {
		var keep []string
		left := map[graph.Kind]int{}
		for _, n := range g.Nodes() {
			if slices.Contains(opts.Kinds, n.Kind) {
				keep = append(keep, n.ID)
			} else {
				left[n.Kind]++
			}
		}
		sub := g.Subgraph(keep)
		if dropped := len(g.Nodes()) - len(sub.Nodes()); dropped > 0 {
			notes = append(notes, fmt.Sprintf("--kinds %s left out %s (%s) and the %s that touch them",
				joinKinds(opts.Kinds), plural(dropped, "node"), kindCounts(left), plural(len(g.Edges())-len(sub.Edges()), "edge")))
		}
		g = sub
	}
	return g, notes
}

// joinKinds writes kinds as a --kinds or --collapse value.
func joinKinds(ks []graph.Kind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, ",")
}

// kindCounts writes counts per kind in graph.Kinds order: "2 jobs, 1 file".
func kindCounts(c map[graph.Kind]int) string {
	var parts []string
	for _, k := range graph.Kinds {
		if c[k] > 0 {
			parts = append(parts, pluralKind(c[k], k))
		}
	}
	return strings.Join(parts, ", ")
}

func pluralKind(n int, k graph.Kind) string {
	if k == graph.Directory {
		if n == 1 {
			return "1 directory"
		}
		return fmt.Sprintf("%d directories", n)
	}
	return plural(n, string(k))
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
