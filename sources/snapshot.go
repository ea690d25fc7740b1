// Package sources loads a machine's service constellation into one
// graph.Graph: it reads every source through the subpackages that own
// its format (launchd, shell, sanctum, artifact), all through a
// rootfs.FS rooted at --root, and assembles their records into service,
// job, wrapper, file, directory, manifest and artifact nodes joined by
// the identity rules (NormName, instance keys, renamed_from aliases,
// launchagent labels and the Label naming convention).
//
// This package owns assembly and name matching only. It reads, never
// writes (writing is package render's job), holds no global state, and
// never panics on bad input: a file that cannot be read or parsed
// becomes a record.Problem with file and line, and loading continues. It
// does not judge: deciding what is wrong is package queries' job.
package sources

import (
	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources/artifact"
	"github.com/driftmap/driftmap/sources/launchd"
	"github.com/driftmap/driftmap/sources/record"
	"github.com/driftmap/driftmap/sources/sanctum"
)

// Snapshot is everything loaded from one root and workspace: the graph,
// the problems met while reading, the configured source directories and
// the layout used.
type Snapshot struct {
	Graph *graph.Graph

	// The parsed canonical inputs, for commands that render from them.
	Instance  *sanctum.Instance  // nil when instance.yaml is absent or unreadable
	Catalog   *sanctum.Catalog   // nil when the catalog is absent or unreadable
	Manifests []sanctum.Manifest // sorted by file
	// UnreadableManifests are the manifest files, and the manifests
	// directory itself, that exist but could not be read (each is also a
	// Problem). Render must not create or replace what it could not read.
	UnreadableManifests []UnreadableManifest

	// Artifacts are the generated artifacts checked against a fresh
	// rendering of their inputs.
	Artifacts []artifact.Result

	Problems []record.Problem
	Dirs     []SourceDir
	Layout   sanctum.Layout

	// UnitOverrides are the keys that drop-ins in audited directories
	// change in a unit, sorted by unit (node ID), then by the file and
	// line of the drop-in's assignment (By).
	UnitOverrides []UnitOverride

	// Live is what launchd had loaded (Options.Live); nil without it.
	Live *Live
	// jobDefs maps a live job's node ID to its plist's definition.
	jobDefs map[string]launchd.Job
	// unitExecs maps a live unit's node ID to the word digests of its
	// first ExecStart= command line.
	unitExecs map[string][]string

	// byName and byAlias map normalised service names and old names to
	// service IDs, as the loader joined them.
	byName, byAlias map[string]string
	// instanceOf maps each instance.yaml key to the service it joined.
	instanceOf map[string]string
}

// JobDef returns the definition the live plist of job node id gives (the
// first, when two live plists share a Label).
func (s *Snapshot) JobDef(id string) (launchd.Job, bool) {
	j, ok := s.jobDefs[id]
	return j, ok
}

// UnitExec returns the hex SHA-256 digest of each word of the first
// command line of the merged ExecStart= of the live unit node id (drop-ins
// applied; prefixes such as "-" and "@" stripped, words unquoted and
// unescaped, specifiers not expanded), in order, the program word first;
// each word with the home directory written as launchd.HomePlaceholder,
// as launchd.Word.HomeDigest hashes it.
// The words themselves are not kept: they may hold credentials. ok is
// false for a unit without ExecStart= (or whose quoting systemd would
// reject) and for a node that is no live unit.
func (s *Snapshot) UnitExec(id string) (digests []string, ok bool) {
	d, ok := s.unitExecs[id]
	return d, ok
}

// SourceDir is a configured source directory (manifests, wrappers, each
// launchd directory).
type SourceDir struct {
	Name   string `json:"name"`   // "manifests", "wrappers", "launchd"
	Path   string `json:"path"`   // inside root
	Exists bool   `json:"exists"` // it exists and was listed
	// Reason says why a directory that is there in some form could not be
	// listed, as the end of a sentence naming it: "cannot be read
	// (permission denied)", "is a symlink to /x, which leads nowhere
	// inside the root". It is "" when the directory was listed or simply
	// does not exist.
	Reason string `json:"reason,omitempty"`
	// Expected is set when the machine has a constellation that should
	// have the directory: an instance file or a catalog exists, or
	// driftmap.yaml names the directory. A Mac audited with
	// --label-prefix= and no sanctum at all expects nothing. Launchd
	// directories are never expected: many machines lack some.
	Expected bool           `json:"expected"`
	Evidence graph.Evidence `json:"evidence"` // where it is configured
}

// UnreadableManifest is a manifest file that exists but could not be read,
// or, with Dir, the manifests directory when it could not be listed.
type UnreadableManifest struct {
	File   string // path inside root
	Reason string // why, as rootfs.Reason puts it: "permission denied"
	Dir    bool   // File is the manifests directory
}

// UnitOverride is a key of a systemd unit that a drop-in replaced or
// reset: Was is where it was set before (the unit file or an earlier
// drop-in), By the drop-in's assignment. Neither carries the values,
// which may be credentials (Environment=).
type UnitOverride struct {
	Unit    string // node ID
	Section string
	Key     string
	Was, By graph.Evidence
}

// HasDir reports whether a source directory of the given name
// ("launchd", "systemd", ...) exists in the root.
func (s *Snapshot) HasDir(name string) bool {
	for _, d := range s.Dirs {
		if d.Name == name && d.Exists {
			return true
		}
	}
	return false
}
