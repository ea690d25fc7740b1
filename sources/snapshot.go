package sources

import (
	"sync"

	"github.com/driftmap/driftmap/graph"
)

// Snapshot is everything loaded from one root and workspace: the graph,
// the problems met while reading, the configured source directories and
// the layout used.
type Snapshot struct {
	Graph *graph.Graph

	// The parsed canonical inputs, for commands that render from them.
	Instance  *Instance  // nil when instance.yaml is absent or unreadable
	Catalog   *Catalog   // nil when the catalog is absent or unreadable
	Manifests []Manifest // sorted by file

	// Artifacts are the generated artifacts checked against a fresh
	// rendering of their inputs.
	Artifacts []ArtifactResult

	Problems []Problem
	Dirs     []SourceDir
	Layout   Layout

	// byName and byAlias map normalised service names and old names to
	// service IDs, as the loader joined them.
	byName, byAlias map[string]string
	// instanceOf maps each instance.yaml key to the service it joined.
	instanceOf map[string]string

	planOnce sync.Once
	plan     []Planned
}

// SourceDir is a configured source directory (manifests, wrappers).
type SourceDir struct {
	Name   string `json:"name"` // "manifests", "wrappers"
	Path   string `json:"path"` // inside root
	Exists bool   `json:"exists"`
	// Expected is set when the machine has a constellation that should
	// have the directory: an instance file or a catalog exists, or
	// driftmap.yaml names the directory. A Mac audited with
	// --label-prefix= and no sanctum at all expects nothing.
	Expected bool           `json:"expected"`
	Evidence graph.Evidence `json:"evidence"` // where it is configured
}
