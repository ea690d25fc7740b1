package queries

import "github.com/driftmap/driftmap/graph"

// Impact answers "what breaks if Target is removed": every node with a
// dependency path to Target.
type Impact struct {
	Target string `json:"target"` // resolved node ID
	// ResolvedFrom is the user's words when they named the target by an
	// old name, a label, a path or a bare name; "" when they gave the ID.
	ResolvedFrom string `json:"resolved_from,omitempty"`
	// Note explains a non-trivial resolution, e.g. `"xtts" is an old name
	// of service:qwen3-tts (renamed_from in runtime_catalog.yaml:12)`.
	Note     string     `json:"note,omitempty"`
	Affected []Affected `json:"affected"`
}

// Affected is one node that depends on the impact target.
type Affected struct {
	ID       string     `json:"id"`
	Kind     graph.Kind `json:"kind"`
	Distance int        `json:"distance"`
	// Via is the first edge of this node's path to the target: it leaves
	// ID and enters the next node of the path, whose own Affected entry
	// holds the next edge (Via.To is the target at distance 1). Paths are
	// kept as these parent pointers, never copied per node, so an answer
	// is linear in the nodes it lists; Impact.Paths rebuilds whole ones.
	Via graph.Edge `json:"via"`
}

// Paths returns a function that rebuilds whole paths from the Via edges:
// path(i) is the chain of edges from Affected[i] to the target, the first
// edge leaving Affected[i].ID and the last entering Target. Making it
// costs one pass over the answer and each call the length of its path. A
// node without a Via has an empty path; a Via that leads to a node the
// answer does not list, or around a loop (only a hand-made answer has
// either), ends the path there.
func (im *Impact) Paths() func(i int) []graph.Edge {
	at := make(map[string]int, len(im.Affected))
	for i, a := range im.Affected {
		if _, dup := at[a.ID]; !dup {
			at[a.ID] = i
		}
	}
	return func(i int) []graph.Edge {
		var p []graph.Edge
		for len(p) <= len(im.Affected) {
			via := im.Affected[i].Via
			if via.From == "" && via.To == "" {
				break
			}
			p = append(p, via)
			next, ok := at[via.To]
			if via.To == im.Target || !ok {
				break
			}
			i = next
		}
		return p
	}
}

// Why answers "why does From depend on To": one shortest path.
type Why struct {
	From string       `json:"from"`
	To   string       `json:"to"`
	Path []graph.Edge `json:"path"` // nil when To is unreachable from From
}
