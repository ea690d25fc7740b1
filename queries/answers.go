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
	// Path is the chain of edges from this node to the target; the first
	// edge leaves ID, the last one enters the target.
	Path []graph.Edge `json:"path"`
}

// Why answers "why does From depend on To": one shortest path.
type Why struct {
	From string       `json:"from"`
	To   string       `json:"to"`
	Path []graph.Edge `json:"path"` // nil when To is unreachable from From
}
