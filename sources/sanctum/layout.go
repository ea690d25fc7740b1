// Package sanctum reads the Sanctum runtime's own files: the checked-in
// runtime catalog (sanctum/runtime_catalog.yaml), the instance file
// (~/.sanctum/instance.yaml), service manifests (~/.sanctum/services/),
// and driftmap.yaml, which may move any of them and declare the generated
// artifacts to verify. It owns the Layout (where every source lives, with
// the Sanctum defaults) and the YAML helpers every YAML reader shares:
// type-checked reads with the line and key path of every value, and
// problems that never quote a value.
//
// It parses bytes handed to it, never writes, and never judges: joining
// names is package sources' job, deciding what is wrong package queries'.
package sanctum

import (
	"path"
	"slices"

	"github.com/driftmap/driftmap/sources/rootfs"
)

// Layout says where every source lives. Defaults describe the "sanctum"
// layout; flags set Root, Home, Workspace and LabelPrefixes, and a
// driftmap.yaml in the workspace may override every path, prefix and
// pattern (see LoadConfig).
type Layout struct {
	Root      string // host directory that "/" names
	Home      string // home directory inside root, e.g. /Users/bert
	Workspace string // host directory of the checked-in workspace

	Instance  string // instance.yaml, inside root
	Catalog   string // runtime catalog, relative to Workspace
	Manifests string // manifests directory, inside root
	// Wrappers are the wrappers directories, inside root: every script
	// or symlink directly in one is a wrapper. The defaults are
	// DefaultWrappers; driftmap.yaml's wrappers: replaces them.
	Wrappers   []string
	LaunchDirs []string // launchd directories, inside root

	LabelPrefixes   []string // a job is in scope when its Label or file name starts with one ("" admits all)
	WatchdogPattern []string // substrings of Label, file or program name that mark a watchdog

	// TruthPolicy says which canonical source owns the facts both state
	// (driftmap.yaml's truth:, replaced by --truth): TruthInstance or
	// TruthCatalog; "" means TruthInstance (see Truth).
	TruthPolicy string

	// Node names the machine whose overrides (instance.yaml's nodes:)
	// apply: driftmap.yaml's node:, replaced by --node; "" means the host
	// name (see sources.Options).
	Node string

	// Services are service definitions written in driftmap.yaml
	// (services: NAME: {port, launchagent, requires}); they join the
	// catalog's and instance.yaml's for conflicting-definition.
	Services []CatalogEntry
	// Artifacts are the generated artifacts to verify; nil means the
	// sanctum defaults (DefaultArtifacts).
	Artifacts []ArtifactSpec
	// Placeholders map UPPER_CASE template placeholders to dotted paths
	// in instance.yaml (driftmap.yaml's placeholders:), in file order.
	Placeholders []Placeholder
	// Ignore lists the findings to leave out of every report
	// (driftmap.yaml's ignore:), in file order.
	Ignore []IgnoreEntry

	// Config is the driftmap.yaml that was applied, relative to the
	// workspace; "" when none.
	Config string
	// Set records, per layout key, where it was configured (for
	// evidence); a key absent here has its default.
	Set map[string]Position
}

// Position is a place in a file.
type Position struct {
	File string
	Line int
}

// DefaultWrappers are the default wrappers directories. The first,
// ~/.sanctum/bin, is expected on a machine with a constellation; the
// others are read when they exist and skipped silently when they do not.
var DefaultWrappers = []string{"~/.sanctum/bin", "~/.sanctum/scripts", "~/.sanctum/sentinels"}

// DefaultLayout returns the sanctum layout for a home directory.
func DefaultLayout(root, home, workspace string) Layout {
	return Layout{
		Root:            root,
		Home:            home,
		Workspace:       workspace,
		Instance:        "~/.sanctum/instance.yaml",
		Catalog:         "sanctum/runtime_catalog.yaml",
		Manifests:       "~/.sanctum/services",
		Wrappers:        slices.Clone(DefaultWrappers),
		LaunchDirs:      []string{"~/Library/LaunchAgents", "/Library/LaunchAgents", "/Library/LaunchDaemons"},
		LabelPrefixes:   []string{"com.sanctum.", "haus.sanctum."},
		WatchdogPattern: []string{"watchdog", "living-force"},
	}
}

// InRoot expands p (see rootfs.Expand) and returns it as a clean absolute path
// inside root. ok is false when p cannot be expanded.
func (l Layout) InRoot(p string) (string, bool) {
	e, ok := rootfs.Expand(p, l.Home)
	if !ok {
		return e, false
	}
	if !path.IsAbs(e) {
		e = "/" + e
	}
	return rootfs.Clean(e), true
}

// The truth policies (driftmap.yaml's truth:, --truth).
const (
	// TruthInstance: instance.yaml owns enabled and port; the catalog
	// owns requires, launchagent, role and renames. The default.
	TruthInstance = "instance"
	// TruthCatalog: the catalog owns every fact it states; instance.yaml
	// owns only what the catalog does not state.
	TruthCatalog = "catalog"
)

// Truth returns the truth policy in force: TruthPolicy, or TruthInstance
// when none is set.
func (l Layout) Truth() string {
	if l.TruthPolicy == "" {
		return TruthInstance
	}
	return l.TruthPolicy
}
