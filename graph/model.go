// Package graph owns driftmap's model of a machine's service constellation:
// typed nodes (services, jobs, wrappers, files, directories, manifests,
// generated artifacts),
// typed edges that point from a dependent to its dependency, and the
// evidence (file, line, key, token) behind every edge.
//
// The package also owns the graph algorithms the queries need (strongly
// connected components, shortest paths, reverse reachability). It knows
// nothing about file formats (that is package sources) and nothing about
// rules or output (packages queries and exporters).
//
// Invariants:
//   - Node IDs are stable, readable strings of the form "kind:name".
//   - A built Graph is immutable and every listing it returns is sorted:
//     nodes by ID, edges by (from, to, kind), evidence by (file, line, key,
//     token). Iteration order never depends on insertion order or on Go's
//     map order, so the same input always yields the same bytes downstream.
//   - Evidence never carries a credential-like value: the source packages
//     leave such values out before adding evidence (see package
//     sources/redact for the rule).
package graph

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// Kind is the type of a node.
type Kind string

// Node kinds.
const (
	Service   Kind = "service"   // a logical service (instance key, catalog name, manifest name)
	Job       Kind = "job"       // a launchd job, identified by its Label
	Unit      Kind = "unit"      // a systemd unit, by name: unit:NAME (system), unit:user/NAME (a user's manager)
	Wrapper   Kind = "wrapper"   // an entry of the wrappers directory (script or symlink)
	File      Kind = "file"      // any other file referenced by path
	Directory Kind = "directory" // a directory referenced by path (WorkingDirectory, log parent)
	Manifest  Kind = "manifest"  // a YAML service manifest
	Artifact  Kind = "artifact"  // a file generated from checked-in inputs
)

// Kinds lists every node kind in display order.
var Kinds = []Kind{Service, Job, Unit, Wrapper, File, Directory, Manifest, Artifact}

// EdgeKind is the type of an edge. Edges point from dependent to dependency.
type EdgeKind string

// Edge kinds.
const (
	Requires   EdgeKind = "requires"    // service -> service; unit -> unit (Requires=, Requisite=, BindsTo=, .requires/)
	RunsAs     EdgeKind = "runs-as"     // service -> job|unit
	Exec       EdgeKind = "exec"        // job|wrapper -> wrapper|file: the program that is executed
	Script     EdgeKind = "script"      // job -> wrapper|file: a script run by an interpreter (needs no execute bit)
	Source     EdgeKind = "source"      // wrapper -> file: `source`/`.` in a script
	Symlink    EdgeKind = "symlink"     // wrapper|file -> file: symbolic link target
	Describes  EdgeKind = "describes"   // manifest -> service
	OtherJob   EdgeKind = "other-job"   // job -> job: KeepAlive.OtherJobEnabled
	WorkingDir EdgeKind = "working-dir" // job|unit -> directory: WorkingDirectory or RootDirectory
	LogDir     EdgeKind = "log-dir"     // job -> directory: parent of StandardOutPath/StandardErrorPath
	// GeneratedFrom points from a generated file to an input it is
	// rendered from: artifact|manifest -> file.
	GeneratedFrom EdgeKind = "generated-from"

	// The edges of systemd units.
	Wants    EdgeKind = "wants"    // unit -> unit: Wants=, Upholds=, .wants/ (a missing one is no error)
	PartOf   EdgeKind = "part-of"  // unit -> unit: PartOf= (stopped and restarted with it; not a start requirement)
	After    EdgeKind = "after"    // unit -> unit it starts after: After=, and Before= read backwards (ordering, not dependency)
	Triggers EdgeKind = "triggers" // timer|path|socket unit -> the unit it starts (Unit=, Service=, same name)
	Sockets  EdgeKind = "sockets"  // service unit -> socket unit of Sockets=
	EnvFile  EdgeKind = "env-file" // unit -> file: EnvironmentFile=
	// InstanceOf points from an instance without a file of its own
	// (foo@bar.service) to its template (foo@.service).
	InstanceOf EdgeKind = "instance-of"
)

// EdgeKinds lists every edge kind.
var EdgeKinds = []EdgeKind{Requires, RunsAs, Exec, Script, Source, Symlink, Describes, OtherJob,
	WorkingDir, LogDir, GeneratedFrom, Wants, PartOf, After, Triggers, Sockets, EnvFile, InstanceOf}

// DependencyKinds lists the edge kinds along which one node needs
// another: every kind but the ordering of units (After), which says
// when a unit starts, not whether it can. Impact and why follow these.
var DependencyKinds = slices.DeleteFunc(slices.Clone(EdgeKinds), func(k EdgeKind) bool { return k == After })

// IsRunner reports whether k is a kind of node that runs something: a
// launchd job or a systemd unit.
func IsRunner(k Kind) bool { return k == Job || k == Unit }

// State says whether a node is in force. Its meaning depends on the kind:
//
//	service:             Enabled, Disabled, Undefined (referenced, defined nowhere)
//	job:                 Live, Disabled (Disabled key), Retired (retired file name or subdirectory), Undefined (named, no plist)
//	unit:                Live (a unit file), Retired (masked: a link to /dev/null), Undefined (named, no file)
//	wrapper, file, dir:  Present, Missing
//	manifest, artifact:  Present, Missing
type State string

// Node states.
const (
	Enabled   State = "enabled"
	Disabled  State = "disabled"
	Undefined State = "undefined"
	Live      State = "live"
	Retired   State = "retired"
	Present   State = "present"
	Missing   State = "missing"
)

// Evidence says where a fact came from. File is the path as the user knows
// it (inside --root for machine files, under the workspace for checked-in
// files); Line is 1-based and 0 when the format does not give one; Key is
// the key path that created the fact (e.g. "ProgramArguments[0]",
// "services.voice-agent.requires[1]"); Token is the literal value as
// written (a path, a name), redacted when credential-like.
type Evidence struct {
	File  string `json:"file"`
	Line  int    `json:"line,omitempty"`
	Key   string `json:"key,omitempty"`
	Token string `json:"token,omitempty"`
	// Optional marks a reference its source allows to be absent (the "-"
	// prefix of a systemd Exec line, WorkingDirectory= or
	// EnvironmentFile=): an edge all of whose evidence is optional is
	// never reported missing.
	Optional bool `json:"optional,omitempty"`
}

// AllOptional reports whether ev is non-empty and every evidence in it
// is Optional.
func AllOptional(ev []Evidence) bool {
	for _, e := range ev {
		if !e.Optional {
			return false
		}
	}
	return len(ev) > 0
}

// Location renders the place as file:line, or file when the line is
// unknown.
func (e Evidence) Location() string {
	if e.Line > 0 {
		return e.File + ":" + strconv.Itoa(e.Line)
	}
	return e.File
}

// String renders evidence as file:line key "token".
func (e Evidence) String() string {
	var b strings.Builder
	b.WriteString(e.Location())
	if e.Key != "" {
		b.WriteString(" ")
		b.WriteString(e.Key)
	}
	if e.Token != "" {
		b.WriteString(" ")
		b.WriteString(strconv.Quote(e.Token))
	}
	return b.String()
}

func compareEvidence(a, b Evidence) int {
	return cmp.Or(
		cmp.Compare(a.File, b.File),
		cmp.Compare(a.Line, b.Line),
		cmp.Compare(a.Key, b.Key),
		cmp.Compare(a.Token, b.Token),
		compareBool(a.Optional, b.Optional),
	)
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// SortEvidence sorts and de-duplicates evidence in place and returns it.
func SortEvidence(ev []Evidence) []Evidence {
	slices.SortFunc(ev, compareEvidence)
	return slices.Compact(ev)
}

// Port is a port claimed by a service, with where the claim is written.
type Port struct {
	Port     int      `json:"port"`
	Evidence Evidence `json:"evidence"`
}

// Node is a vertex of the graph. Fields that do not apply to a kind are
// zero and omitted from JSON.
type Node struct {
	ID    string `json:"id"`
	Kind  Kind   `json:"kind"`
	Name  string `json:"name"`
	State State  `json:"state,omitempty"`

	// Origins lists the kinds of source that define the node, sorted:
	// "instance", "catalog", "auxiliary", "manifest", "config" for
	// services; "plist" for jobs; "filesystem" for files.
	Origins []string `json:"origins,omitempty"`
	// Defined lists where the node is declared (plist Label, catalog
	// entry, manifest name...).
	Defined []Evidence `json:"defined,omitempty"`

	Aliases    []string `json:"aliases,omitempty"`    // service: renamed_from names
	Role       string   `json:"role,omitempty"`       // service: catalog role
	Ports      []Port   `json:"ports,omitempty"`      // service: claimed ports
	Label      string   `json:"label,omitempty"`      // job: launchd Label
	Program    string   `json:"program,omitempty"`    // job: resolved executable path
	Executable bool     `json:"executable,omitempty"` // file, wrapper: has an execute bit
	// Detail qualifies the state, e.g. "not found in PATH /usr/bin:/bin"
	// for a bare command name, or "symlink loop".
	Detail string `json:"detail,omitempty"`
	// Loaded is what launchd has loaded of a job, when driftmap was given
	// its state (--live): LoadedRunning, LoadedIdle, or NotLoaded when the
	// snapshot covers the job's domain and it is not there; "" unknown.
	Loaded string `json:"loaded,omitempty"`
	// ExitsNonzero marks a service whose job exits non-zero by design
	// (exits_nonzero: true in the catalog or a manifest).
	ExitsNonzero bool `json:"exits_nonzero,omitempty"`
}

// The loaded states of a job (Node.Loaded).
const (
	LoadedRunning = "running"    // loaded, with a process
	LoadedIdle    = "loaded"     // loaded, no process now
	NotLoaded     = "not-loaded" // not among what launchd has loaded
)

// Edge is a typed, directed edge with the evidence that created it.
type Edge struct {
	From     string     `json:"from"`
	To       string     `json:"to"`
	Kind     EdgeKind   `json:"kind"`
	Evidence []Evidence `json:"evidence"`
}

func compareEdge(a, b Edge) int {
	return cmp.Or(
		cmp.Compare(a.From, b.From),
		cmp.Compare(a.To, b.To),
		cmp.Compare(a.Kind, b.Kind),
	)
}

// ID builds a node ID from a kind and a name.
func ID(k Kind, name string) string { return string(k) + ":" + name }
