// Package sources turns the files of a service constellation into typed
// records with evidence, and assembles them into one graph.Graph.
//
// Sources owns every file format driftmap reads (launchd plists, wrapper
// scripts and symlinks, instance.yaml, runtime_catalog.yaml, service
// manifests, driftmap.yaml) and the identity rules that join them into
// service, job, wrapper, file, directory and manifest nodes. It reads only
// through an FS rooted at --root, never writes, holds no global state, and
// never panics on bad input: a file that cannot be read or parsed becomes a
// Problem with file and line, and loading continues. It does not judge:
// deciding what is wrong is package queries' job.
package sources

import "github.com/driftmap/driftmap/graph"

// Problem is a source that could not be read or parsed, or a value of the
// wrong type. The parse-error rule reports each one.
type Problem struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Key     string `json:"key,omitempty"`
	Message string `json:"message"`
}

// TargetKind says what a path found in a plist or script is for.
type TargetKind string

// Target kinds.
const (
	// TargetExec is an executable: Program, ProgramArguments[0] when
	// Program is absent, an interpreter named through env, a command of
	// a `sh -c` string, or a script's exec target. It must exist and be
	// executable.
	TargetExec TargetKind = "exec"
	// TargetScript is a script run by an interpreter (the first
	// non-option argument of sh, python, ...). It must exist; an execute
	// bit is not needed.
	TargetScript TargetKind = "script"
	// TargetSource is a file read by `source` or `.` in a script.
	TargetSource TargetKind = "source"
	// TargetWorkingDir is WorkingDirectory; it must exist.
	TargetWorkingDir TargetKind = "working-dir"
	// TargetRootDir is RootDirectory; it must exist.
	TargetRootDir TargetKind = "root-dir"
	// TargetLogDir is StandardOutPath or StandardErrorPath: the file need
	// not exist, its parent directory must.
	TargetLogDir TargetKind = "log"
)

// Target is a hard target: a path that must exist for a job or script to
// work. Path is expanded (~, $HOME, ${HOME}) but not resolved; a word with
// any other expansion is never a Target.
type Target struct {
	Kind TargetKind
	// Path is absolute ("/usr/bin/python3"), or a bare command name
	// ("python3") when Search is set.
	Path string
	// Search lists the directories a bare name is looked up in, in order
	// (the job's PATH, or launchd's default). Empty for absolute paths.
	Search []string
	// Dir is set for a relative path with a slash ("./run.sh"): the
	// directory it resolves against (WorkingDirectory, or "/" when unset).
	Dir string
	// Evidence names the file, line, key and the token as written.
	Evidence graph.Evidence
}

// PlistJob is one launchd job definition decoded from a plist.
type PlistJob struct {
	File      string // path inside root
	Label     string // "" when the plist has none (a Problem is reported)
	LabelLine int
	Disabled  bool // Disabled: true
	// Program is the executable launchd runs, as written: Program, or
	// ProgramArguments[0] when Program is absent.
	Program string
	// Targets lists the hard targets in plist order.
	Targets []Target
	// OtherJobs lists KeepAlive.OtherJobEnabled labels; Token holds the
	// label.
	OtherJobs []graph.Evidence
}

// ScriptRefs are the paths a shell script depends on, found with a real
// shell parser.
type ScriptRefs struct {
	Targets []Target // TargetExec for exec targets (and, in -c strings, command names); TargetSource for source/.
}
