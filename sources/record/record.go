// Package record holds the typed records every source package produces:
// a Problem (a file that could not be read or parsed, with its line), a
// Target (a path a job or script needs, with the evidence that names it)
// and a Ref (a name written somewhere).
//
// It is the leaf of the sources tree: it imports only graph, reads no
// file and holds no logic beyond de-duplicating targets.
package record

import (
	"strconv"
	"strings"

	"github.com/driftmap/driftmap/graph"
)

// Problem is a source that could not be read or parsed, or a value of the
// wrong type. The parse-error rule reports each one, unless Rule names
// another rule.
type Problem struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Key     string `json:"key,omitempty"`
	Message string `json:"message"`
	// Rule names the rule that reports the problem when it is not
	// parse-error: DuplicateKey for a key repeated in one YAML mapping,
	// which is read (the last value wins) rather than refused.
	Rule string `json:"rule,omitempty"`
}

// DuplicateKey is the Rule of a Problem about a repeated YAML key.
const DuplicateKey = "duplicate-key"

// InvalidIgnore is the Rule of a Problem about an ignore entry of
// driftmap.yaml that cannot be trusted (no reason, a bad pattern, or
// nothing to narrow it). No rule reports it: sources.Load refuses the
// configuration with a SetupError instead, because a silent ignore is
// worse than none.
const InvalidIgnore = "invalid-ignore"

// InvalidUnit is the Rule of a Problem about a systemd unit that systemd
// refuses to load as written (two ExecStart= lines in a service that is
// not Type=oneshot, no ExecStart= at all): the invalid-unit rule reports
// it.
const InvalidUnit = "invalid-unit"

// Ref is a name written somewhere, with where.
type Ref struct {
	Name     string
	Evidence graph.Evidence
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
	// TargetEnvFile is a systemd unit's EnvironmentFile; it must exist
	// unless written with the "-" prefix.
	TargetEnvFile TargetKind = "env-file"
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

// TargetSet collects targets in the order they are added, keeping one of
// identical targets (same kind, path, search path, directory and
// evidence, Optional included: a soft and a hard need of one path on one
// line are two targets). The zero value is an empty set.
type TargetSet struct {
	list []Target
	seen map[string]bool
}

// Add appends t unless an identical target is already in the set.
func (s *TargetSet) Add(t Target) {
	k := targetKey(t)
	if s.seen[k] {
		return
	}
	if s.seen == nil {
		s.seen = map[string]bool{}
	}
	s.seen[k] = true
	s.list = append(s.list, t)
}

// Targets returns the targets in the order they were first added; nil
// when there are none.
func (s *TargetSet) Targets() []Target { return s.list }

// targetKey identifies a target for de-duplication.
func targetKey(t Target) string {
	return strings.Join([]string{string(t.Kind), t.Path, t.Dir, strings.Join(t.Search, ":"),
		t.Evidence.File, strconv.Itoa(t.Evidence.Line), t.Evidence.Key, t.Evidence.Token,
		strconv.FormatBool(t.Evidence.Optional)}, "\x00")
}
