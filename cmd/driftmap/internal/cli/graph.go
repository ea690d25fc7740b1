package cli

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/driftmap/driftmap/exporters"
	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/queries"
)

var graphCmd = &command{
	name:  "graph",
	short: "draw the service map (DOT, SVG, Mermaid) or export the graph as JSON",
	long: `Draws the service map to standard output: one node per service, with its
job, wrappers, files and directories folded in and coloured by the worst
finding anywhere in that chain, the requires edges between services, and the
live jobs that no service claims. --detail draws every node instead, in one
cluster per service or node kind. --format svg lays the map out in process
(no Graphviz needed), mermaid writes a flowchart GitHub renders in Markdown,
dot writes Graphviz's input, and json lists every node and edge of the graph.

--focus NODE --depth N, --kinds and --collapse keep the map small; a map too
large for svg or mermaid to lay out quickly is folded or cut, and a note on
standard error and in the document says what and how to see the rest.
--highlight NODE marks NODE and everything that depends on it;
--highlight FROM,TO marks one shortest dependency path. Exits 0 whatever
the findings.`,
	flags: func(fs *pflag.FlagSet, o *opts) {
		formatFlag(fs, o, graphFormats)
		fs.BoolVar(&o.detail, "detail", false, "draw every node (job, wrapper, file, directory, manifest, artifact), not the service map")
		fs.StringVar(&o.focus, "focus", "", "only the nodes around `NODE` (an ID, service name, Label or path)")
		fs.IntVar(&o.depth, "depth", 2, "with --focus, how many edges away from it to go (-1: no limit)")
		fs.StringSliceVar(&o.kinds, "kinds", nil, "keep only the nodes of these `KINDS` (comma-separated: "+kindList()+")")
		fs.StringSliceVar(&o.collapse, "collapse", nil, "fold the nodes of these `KINDS` into the nodes whose chains hold them")
		fs.StringVar(&o.highlight, "highlight", "", "mark `NODE` and what depends on it, or FROM,TO: one shortest path between them")
		layoutFlags(fs, o)
	},
	run: runGraph,
}

// kindList is the node kinds, comma-separated.
func kindList() string {
	s := make([]string, len(graph.Kinds))
	for i, k := range graph.Kinds {
		s[i] = string(k)
	}
	return strings.Join(s, ",")
}

func runGraph(c *ctx, args []string) int {
	if len(args) > 0 {
		return c.fail(&usageError{fmt.Sprintf("graph takes no arguments, got %q", args[0]), "use --focus NODE to draw part of the graph"})
	}
	drawn := slices.Contains(exporters.MapFormats(), c.o.format)
	if !drawn && !slices.Contains(exporters.GraphFormats(), c.o.format) {
		return c.fail(unknownFormat("graph", c.o.format, graphFormats))
	}
	if c.flags.Changed("depth") && c.o.focus == "" {
		return c.fail(&usageError{"--depth needs --focus", "pass --focus NODE"})
	}
	kinds, err := kindsFlag("kinds", c.o.kinds)
	if err != nil {
		return c.fail(err)
	}
	collapse, err := kindsFlag("collapse", c.o.collapse)
	if err != nil {
		return c.fail(err)
	}
	if slices.Contains(collapse, graph.Service) {
		return c.fail(&usageError{"--collapse cannot fold services: they are what the other nodes fold into", "name other kinds, e.g. --collapse file,directory"})
	}
	if !drawn {
		for _, f := range []string{"detail", "collapse", "highlight"} {
			if c.flags.Changed(f) {
				return c.fail(&usageError{fmt.Sprintf("--%s draws the map, which --format %s does not", f, c.o.format), "use --format dot, svg or mermaid; json lists every node and edge of the graph"})
			}
		}
	}
	snap, err := c.load()
	if err != nil {
		return c.fail(err)
	}
	g := snap.Graph
	opts := queries.MapOptions{Detail: c.o.detail, Kinds: kinds, Collapse: collapse, Depth: c.o.depth}
	if c.o.focus != "" {
		if opts.Focus, err = c.resolve(g, c.o.focus, snap.Layout.Home); err != nil {
			return c.fail(err)
		}
	}
	findings := queries.Run(snap, queries.All()) // kept findings only
	if !drawn {
		view, notes := queries.Restrict(g, opts)
		for _, n := range notes {
			fmt.Fprintf(c.env.Stderr, "driftmap: note: %s\n", exporters.Text(n))
		}
		f, _ := exporters.Graph(c.o.format)
		if err := f.FormatGraph(c.env.Stdout, view, queries.Worst(findings)); err != nil {
			return c.fail(err)
		}
		return ExitOK
	}
	if c.o.highlight != "" {
		if opts.Highlight, err = c.resolveHighlight(g, c.o.highlight, snap.Layout.Home); err != nil {
			return c.fail(err)
		}
	}
	f, _ := exporters.Map(c.o.format)
	opts.Limit = f.MapLimit()
	m, err := queries.BuildMap(g, findings, opts)
	var nm *queries.NotOnMapError
	if errors.As(err, &nm) {
		hint := "--detail draws every node"
		if c.o.detail {
			hint = "drop --focus or --kinds, or highlight a node they keep"
		}
		return c.fail(&usageError{"--highlight: " + err.Error(), hint})
	}
	if err != nil {
		return c.fail(err)
	}
	for _, a := range m.Alerts {
		fmt.Fprintf(c.env.Stderr, "driftmap: note: %s\n", exporters.Text(a))
	}
	if err := f.FormatMap(c.env.Stdout, m); err != nil {
		return c.fail(err)
	}
	return ExitOK
}

// kindsFlag parses the node kinds of --NAME.
func kindsFlag(name string, list []string) ([]graph.Kind, error) {
	ks, err := queries.ParseKinds(list)
	if err != nil {
		return nil, &usageError{fmt.Sprintf("--%s: %v", name, err), "name node kinds, comma-separated: " + kindList()}
	}
	return ks, nil
}

// resolve finds the node q names, with a note on standard error when q
// was not its ID.
func (c *ctx) resolve(g *graph.Graph, q, home string) (string, error) {
	id, note, err := queries.Resolve(g, q, home)
	if err != nil {
		return "", notFound(err)
	}
	if note != "" {
		fmt.Fprintf(c.env.Stderr, "driftmap: note: %s\n", exporters.Text(note))
	}
	return id, nil
}

// resolveHighlight resolves --highlight: one node, or FROM,TO. A value
// that names a node whole is one node, though it holds a comma.
func (c *ctx) resolveHighlight(g *graph.Graph, v, home string) ([]string, error) {
	if _, _, err := queries.Resolve(g, v, home); err == nil || !strings.Contains(v, ",") {
		id, err := c.resolve(g, v, home)
		if err != nil {
			return nil, err
		}
		return []string{id}, nil
	}
	from, to, _ := strings.Cut(v, ",")
	var ids []string
	for _, q := range []string{from, to} {
		id, err := c.resolve(g, q, home)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}
