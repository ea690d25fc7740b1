package sources

import "github.com/driftmap/driftmap/graph"

// Snapshot is everything loaded from one root and workspace: the graph,
// the problems met while reading, the configured source directories and
// the layout used.
type Snapshot struct {
	Graph *graph.Graph

	// The parsed canonical inputs, for commands that render from them.
	Instance  *Instance  // nil when instance.yaml is absent or unreadable
	Catalog   *Catalog   // nil when the catalog is absent or unreadable
	Manifests []Manifest // sorted by file

	Problems []Problem
	Dirs     []SourceDir
	Layout   Layout
}

// SourceDir is a configured source directory that is expected to exist
// (manifests, wrappers).
type SourceDir struct {
	Name     string         `json:"name"` // "manifests", "wrappers"
	Path     string         `json:"path"` // inside root
	Exists   bool           `json:"exists"`
	Evidence graph.Evidence `json:"evidence"` // where it is configured
}
