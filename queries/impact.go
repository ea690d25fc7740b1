package queries

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/driftmap/driftmap/graph"
)

// NotFoundError says a node named on the command line is not in the
// graph, with the closest name when there is one.
type NotFoundError struct {
	Query   string
	Suggest string // a node ID, or ""
}

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("%q names no node in the graph", e.Query)
}

// Resolve finds the node a user means by q: a node ID
// ("service:voice-agent"), a service name or old name (with '_' and '-'
// alike), a launchd Label, a systemd unit's name (the system's before a
// user's), or a path (~ expands to home; a plist or unit file names its
// job or unit). It returns the
// node ID and, when q was not the ID itself, a note that says how it was
// resolved.
func Resolve(g *graph.Graph, q, home string) (id, note string, err error) {
	if _, ok := g.Node(q); ok {
		return q, "", nil
	}
	services := g.NodesOf(graph.Service)
	for _, s := range services {
		if norm(s.Name) == norm(q) {
			return s.ID, "", nil
		}
	}
	for _, s := range services {
		if slices.ContainsFunc(s.Aliases, func(a string) bool { return norm(a) == norm(q) }) {
			return s.ID, fmt.Sprintf("%q is an old name (renamed_from) of %s", q, s.ID), nil
		}
	}
	if _, ok := g.Node(graph.ID(graph.Job, q)); ok {
		return graph.ID(graph.Job, q), "", nil
	}
	// A systemd unit's name: the system's unit, else the user's.
	for _, id := range []string{graph.ID(graph.Unit, q), graph.ID(graph.Unit, "user/"+q)} {
		if _, ok := g.Node(id); ok {
			return id, "", nil
		}
	}
	p := q
	if p == "~" || strings.HasPrefix(p, "~/") {
		p = home + p[1:]
	}
	if strings.HasPrefix(p, "/") {
		p = path.Clean(p)
		for _, k := range []graph.Kind{graph.Wrapper, graph.File, graph.Directory, graph.Manifest} {
			if _, ok := g.Node(graph.ID(k, p)); ok {
				return graph.ID(k, p), "", nil
			}
		}
		// A plist path names its job, a unit file its unit.
		for _, j := range g.NodesOf(graph.Job) {
			for _, d := range j.Defined {
				if d.File == p {
					return j.ID, fmt.Sprintf("%s is the plist of %s", p, j.ID), nil
				}
			}
		}
		for _, u := range g.NodesOf(graph.Unit) {
			if len(u.Defined) > 0 && u.Defined[0].File == p && u.Defined[0].Key != "template" {
				return u.ID, fmt.Sprintf("%s is the unit file of %s", p, u.ID), nil
			}
		}
	}
	var cands []string
	for _, n := range g.Nodes() {
		cands = append(cands, n.ID)
	}
	s := Suggest(q, cands)
	if s == "" {
		// Compare with the name part of each ID too.
		var names []string
		for _, n := range g.Nodes() {
			names = append(names, n.Name)
		}
		if m := Suggest(q, names); m != "" {
			for _, n := range g.Nodes() {
				if n.Name == m {
					s = n.ID
					break
				}
			}
		}
	}
	return "", "", &NotFoundError{Query: q, Suggest: s}
}

// ImpactOf answers "what breaks if target is removed": every node with a
// dependency path to target, nearest first, each with the first edge of
// one shortest path. It costs the dependents and their edges, once each.
func ImpactOf(g *graph.Graph, target string) *Impact {
	deps := g.Dependents(target, graph.DependencyKinds...)
	im := &Impact{Target: target, Affected: make([]Affected, 0, len(deps))}
	for _, r := range deps {
		n, _ := g.Node(r.ID)
		im.Affected = append(im.Affected, Affected{ID: r.ID, Kind: n.Kind, Distance: r.Distance, Via: r.Via})
	}
	return im
}

// WhyOf answers "why does from depend on to" with one shortest path.
func WhyOf(g *graph.Graph, from, to string) *Why {
	return &Why{From: from, To: to, Path: g.ShortestPath(from, to, graph.DependencyKinds...)}
}
