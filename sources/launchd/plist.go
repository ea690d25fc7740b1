package launchd

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources/record"
	"github.com/driftmap/driftmap/sources/redact"
	"github.com/driftmap/driftmap/sources/rootfs"
	"github.com/driftmap/driftmap/sources/shell"
	"howett.net/plist"
)

// ParsePlist decodes one launchd job definition (XML or binary property
// list) following launchd.plist(5), and extracts the hard targets of the
// job: the paths that must exist for launchd to be able to run it.
//
// file is the plist's path inside the audited root, used in every
// Evidence and Problem; home is the home directory used to expand ~,
// $HOME and ${HOME}.
//
// The targets are, in this order:
//
//   - the executable: Program, or ProgramArguments[0] when Program is
//     absent (record.TargetExec). A bare name is looked up in the job's
//     EnvironmentVariables.PATH, or in DefaultSearchPath;
//   - when the executable is an interpreter (sh, bash, zsh, dash, ksh,
//     python*, ruby*, macruby, perl*, php*, node, deno, bun, osascript;
//     java -jar FILE), the script it runs (record.TargetScript), and
//     for `sh -c STRING` the commands of STRING (see CommandTargets);
//     an executable under any other name is listed in Job.Indirect with
//     its arguments, for the loader to apply the same rules when its
//     symlink chain ends at an interpreter (see Indirect.Through);
//     when it is env(1), the utility env runs (record.TargetExec), to which the
//     interpreter rule applies in turn;
//   - WorkingDirectory (record.TargetWorkingDir), RootDirectory (record.TargetRootDir),
//     StandardOutPath and StandardErrorPath (record.TargetLogDir).
//
// No other argument is ever a target: URLs, "/health", "--config=/x" and
// the like are data for the program, not paths launchd needs. A word that
// holds an expansion other than ~ and $HOME cannot name a fixed path and
// is skipped silently.
//
// Values of the wrong type become Problems, never panics; so does a file
// that is not a property list. Lines are 1-based for XML plists and 0 for
// binary ones. Evidence tokens and Problem messages only ever carry target
// paths, labels and key names: argument and environment values (which may
// be credentials) are never copied into the result.
func ParsePlist(data []byte, file, home string) (job Job, probs []record.Problem) {
	p := &plistParser{file: file, home: home}
	defer func() {
		// A last guard: extraction is written not to panic (the fuzz
		// tests check it), but a bad file must never stop a run.
		if r := recover(); r != nil {
			job = Job{File: file}
			probs = append(p.probs, record.Problem{File: file, Message: "internal error reading the plist: " + redact.PanicText(r)})
		}
	}()
	p.parse(data)
	p.job.File = file
	p.job.Targets = p.targets.Targets()
	return p.job, p.probs
}

// Decode decodes a property list (XML, binary or OpenStep) with
// howett.net/plist into nil, bool, string, uint64, int64, float64,
// []byte, time.Time, plist.UID, []any and map[string]any values.
//
// Before the decoder sees the data, checkBounds refuses what would cost
// more than its size warrants: nesting deeper than 512 levels, which
// the decoder would recurse into until the stack overflows, and a binary
// plist whose shared references expand to more objects than
// expansionLimit allows, or that is malformed (a reference cycle, a
// reference or offset out of range). Such a refusal is a *LimitError,
// whose message may be printed, or an error Invalid explains.
//
// The decoder turns its own panics into errors but re-panics runtime
// errors (an index out of range on a corrupt binary plist); those are
// returned as errors too. Any other error may quote the file: never
// print it, use Invalid to say what is wrong.
func Decode(data []byte) (root any, format int, err error) {
	if err := checkBounds(data); err != nil {
		return nil, plist.InvalidFormat, err
	}
	type decoded struct {
		root   any
		format int
	}
	d, err := redact.Guard("the plist decoder", func() (decoded, error) {
		var d decoded
		var err error
		d.format, err = plist.Unmarshal(data, &d.root)
		return d, err
	})
	return d.root, d.format, err
}

// Invalid says why data, which Decode rejected, is not a property list,
// or which limit it is beyond, and on which line (0 when unknown), in
// words of our own: the decoder's message may quote values from the
// file (a malformed <integer> is echoed verbatim), so it is never
// copied. An XML document is scanned again to name the line and the
// cause. The message reads after "the plist is".
func Invalid(data []byte) (line int, msg string) {
	if err := checkBounds(data); err != nil {
		return explain(err)
	}
	return invalid(data)
}

// invalid is Invalid for data that checkBounds accepts.
func invalid(data []byte) (line int, msg string) {
	if bytes.HasPrefix(data, []byte("bplist")) {
		return 0, binaryError{}.Error()
	}
	if s := scanXML(data); s.errMsg != "" {
		return s.errLine, "not a valid property list: " + s.errMsg
	}
	return 0, "not a valid property list"
}

// refused reports whether err is checkBounds' refusal.
func refused(err error) bool {
	var le *LimitError
	return errors.As(err, &le) || errors.As(err, new(binaryError))
}

// explain returns the line and message of checkBounds' refusal.
func explain(err error) (int, string) {
	var le *LimitError
	if errors.As(err, &le) {
		return le.Line, le.Msg
	}
	return 0, binaryError{}.Error()
}

// plistParser holds the state of one ParsePlist call.
type plistParser struct {
	file, home string
	lines      map[string]int // line of each key path (see keyPath); nil for binary plists
	job        Job
	probs      []record.Problem
	targets    record.TargetSet

	// search lists the directories a bare program name is looked up in.
	search []string
	// cwd is the directory relative paths resolve against: the expanded
	// WorkingDirectory, or "/" (launchd's own working directory). It is
	// "" when WorkingDirectory cannot be expanded, and then relative
	// paths are not targets.
	cwd string
	// absoluteInStrings keeps only the absolute commands of a shell's -c
	// string (see RunTargets).
	absoluteInStrings bool
}

// keyPath joins the keys of nested dictionaries into the form used by the
// line index. Array elements are written as "Key[i]" (see scanXML).
func keyPath(keys ...string) string { return strings.Join(keys, "\x00") }

// line returns the line of a key path, or 0 when unknown.
func (p *plistParser) line(keys ...string) int { return p.lines[keyPath(keys...)] }

func (p *plistParser) problem(key string, line int, format string, args ...any) {
	p.probs = append(p.probs, record.Problem{File: p.file, Line: line, Key: key, Message: fmt.Sprintf(format, args...)})
}

func (p *plistParser) parse(data []byte) {
	if len(bytes.TrimSpace(data)) == 0 {
		p.problem("", 0, "empty file: not a property list")
		return
	}
	root, format, err := Decode(data)
	if err != nil {
		var line int
		var msg string
		if refused(err) {
			line, msg = explain(err) // no need to scan the file again
		} else {
			line, msg = invalid(data)
		}
		p.problem("", line, "%s", msg)
		return
	}
	if format == plist.XMLFormat {
		p.lines = scanXML(data).lines
	}
	dict, ok := root.(map[string]any)
	if !ok {
		p.problem("", p.line(""), "the root of the plist must be a dictionary, found %s", typeName(root))
		return
	}
	p.job.Label, p.job.LabelLine = p.label(dict)
	if v, ok := dict["Disabled"]; ok {
		if b, ok := v.(bool); ok {
			p.job.Disabled = b
		} else {
			p.problem("Disabled", p.line("Disabled"), "Disabled must be a boolean, found %s", typeName(v))
		}
	}
	p.environment(dict)
	p.program(dict)
	p.command(dict)
	p.start(dict)
	p.pathKey(dict, "WorkingDirectory", record.TargetWorkingDir)
	p.pathKey(dict, "RootDirectory", record.TargetRootDir)
	p.pathKey(dict, "StandardOutPath", record.TargetLogDir)
	p.pathKey(dict, "StandardErrorPath", record.TargetLogDir)
	p.otherJobs(dict)
}

// label extracts the Label key, which launchd requires.
func (p *plistParser) label(dict map[string]any) (string, int) {
	line := p.line("Label")
	v, ok := dict["Label"]
	if !ok {
		p.problem("Label", 0, "no Label: launchd requires one")
		return "", 0
	}
	s, ok := v.(string)
	if !ok {
		p.problem("Label", line, "Label must be a string, found %s", typeName(v))
		return "", line
	}
	if s == "" {
		p.problem("Label", line, "Label is empty")
	}
	return s, line
}

// environment reads EnvironmentVariables, which sets the search path
// (PATH) for a bare program name, and WorkingDirectory, against which
// relative paths resolve. It runs before any target is extracted.
func (p *plistParser) environment(dict map[string]any) {
	p.search = shell.DefaultSearchPath()
	p.cwd = "/"
	if v, ok := dict["WorkingDirectory"]; ok {
		if s, ok := v.(string); ok && s != "" {
			if e, ok := rootfs.Expand(s, p.home); ok {
				p.cwd = path.Join("/", e)
			} else {
				p.cwd = ""
			}
		}
	}
	v, ok := dict["EnvironmentVariables"]
	if !ok {
		return
	}
	env, ok := v.(map[string]any)
	if !ok {
		p.problem("EnvironmentVariables", p.line("EnvironmentVariables"),
			"EnvironmentVariables must be a dictionary, found %s", typeName(v))
		return
	}
	// launchd only accepts string values; report the others in key
	// order so the output is deterministic. Values are never quoted.
	for _, k := range sortedKeys(env) {
		if _, ok := env[k].(string); !ok {
			p.problem("EnvironmentVariables."+k, p.line("EnvironmentVariables", k),
				"EnvironmentVariables.%s must be a string, found %s", k, typeName(env[k]))
		}
	}
	if s, ok := env["PATH"].(string); ok {
		p.search = splitSearch(s, p.home)
	}
}

// splitSearch splits a PATH value into directories. Empty entries are
// dropped, ~ and $HOME are expanded, and entries that still hold another
// expansion or are not absolute are dropped too: no fixed directory can
// be searched for them. The result may be empty, and then a bare name is
// found nowhere, as it would be at run time.
func splitSearch(s, home string) []string {
	dirs := []string{}
	for _, e := range strings.Split(s, ":") {
		if e == "" {
			continue
		}
		x, ok := rootfs.Expand(e, home)
		if !ok || !path.IsAbs(x) {
			continue
		}
		dirs = append(dirs, path.Clean(x))
	}
	return dirs
}

// addPath adds a as a target of kind k. A name without a slash is looked
// up in search when search is non-nil (executables) and resolves against
// dir otherwise (a script named by an interpreter's operand); a relative
// path with a slash resolves against dir. Words holding an expansion
// other than ~ and $HOME, and relative words when dir is unknown, are
// skipped. A word holding a credential-like part (a whole command line
// written as Program: "/opt/bin/tool --password=X") is recorded, path and
// token, as redact.String shows it: launchd would look for a file of that
// name, which is missing either way, and the record never holds the
// secret.
func (p *plistParser) addPath(k record.TargetKind, a arg, search []string, dir string) (record.Target, bool) {
	a.val = redact.String(a.val)
	e, ok := rootfs.Expand(a.val, p.home)
	if !ok || e == "" {
		return record.Target{}, false
	}
	t := record.Target{Kind: k, Evidence: graph.Evidence{File: p.file, Line: a.line, Key: a.key, Token: a.val}}
	switch {
	case path.IsAbs(e):
		t.Path = path.Clean(e)
	case search != nil && !strings.Contains(e, "/"):
		t.Path, t.Search = e, slices.Clone(search)
	case dir == "":
		return record.Target{}, false
	default:
		t.Path, t.Dir = e, dir
	}
	p.targets.Add(t)
	return t, true
}

// pathKey adds the path-valued key as a target of kind k. Relative paths
// resolve against "/", launchd's own working directory, except for the
// standard output and error files, which the job opens after moving to
// its WorkingDirectory.
func (p *plistParser) pathKey(dict map[string]any, key string, k record.TargetKind) {
	v, ok := dict[key]
	if !ok {
		return
	}
	line := p.line(key)
	s, ok := v.(string)
	if !ok {
		p.problem(key, line, "%s must be a string, found %s", key, typeName(v))
		return
	}
	if s == "" {
		p.problem(key, line, "%s is empty", key)
		return
	}
	dir := "/"
	if k == record.TargetLogDir {
		dir = p.cwd
	}
	p.addPath(k, arg{val: s, key: key, line: line}, nil, dir)
}

// otherJobs reads KeepAlive.OtherJobEnabled: launchd keeps the job alive
// while each named job is loaded (true) or not loaded (false). Either
// way the job depends on the named labels. Any other form of KeepAlive
// (a boolean, or a dictionary without this key) names no other job.
func (p *plistParser) otherJobs(dict map[string]any) {
	ka, ok := dict["KeepAlive"].(map[string]any)
	if !ok {
		return
	}
	const key = "KeepAlive.OtherJobEnabled"
	v, ok := ka["OtherJobEnabled"]
	if !ok {
		return
	}
	jobs, ok := v.(map[string]any)
	if !ok {
		p.problem(key, p.line("KeepAlive", "OtherJobEnabled"),
			"KeepAlive.OtherJobEnabled must be a dictionary of labels to booleans, found %s", typeName(v))
		return
	}
	for _, label := range sortedKeys(jobs) {
		line := p.line("KeepAlive", "OtherJobEnabled", label)
		if _, ok := jobs[label].(bool); !ok {
			p.problem(key, line, "KeepAlive.OtherJobEnabled value for %q must be a boolean, found %s", label, typeName(jobs[label]))
			continue
		}
		p.job.OtherJobs = append(p.job.OtherJobs, graph.Evidence{File: p.file, Line: line, Key: key, Token: label})
	}
}

// sortedKeys returns the keys of m in order.
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// typeName names the plist type of a decoded value, with an article.
func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "nothing"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case uint64, int64:
		return "an integer"
	case float64:
		return "a real number"
	case []byte:
		return "data"
	case time.Time:
		return "a date"
	case []any:
		return "an array"
	case map[string]any:
		return "a dictionary"
	case plist.UID:
		return "a UID"
	default:
		return fmt.Sprintf("a %T", v)
	}
}

// command records what the job runs for comparison with what launchd
// has loaded (see Command): Program (or ProgramArguments[0]) and
// ProgramArguments, the strings up to the first that is not one.
func (p *plistParser) command(dict map[string]any) {
	var args []string
	if list, ok := dict["ProgramArguments"].([]any); ok {
		for _, e := range list {
			s, ok := e.(string)
			if !ok {
				break
			}
			args = append(args, s)
		}
	}
	prog, _ := dict["Program"].(string)
	c := Command{Key: "ProgramArguments", Line: p.line("ProgramArguments")}
	if prog != "" {
		c.Key, c.Line = "Program", p.line("Program")
		c.Program = words([]string{prog}, p.home)[0]
	} else if len(args) > 0 {
		c.Program = words(args[:1], p.home)[0]
	} else {
		return
	}
	c.Args = words(args, p.home)
	for i := range c.Args {
		c.Args[i].Line = p.line("ProgramArguments[" + strconv.Itoa(i) + "]")
	}
	p.job.Command = c
}

// start reads RunAtLoad and KeepAlive: whether launchd starts the job as
// soon as it loads it (a KeepAlive dictionary of conditions counts: the
// job is kept alive while they hold).
func (p *plistParser) start(dict map[string]any) {
	if b, ok := dict["RunAtLoad"].(bool); ok && b {
		p.job.RunAtLoad, p.job.StartLine = true, p.line("RunAtLoad")
	}
	switch v := dict["KeepAlive"].(type) {
	case bool:
		p.job.KeepAlive = v
	case map[string]any:
		p.job.KeepAlive = len(v) > 0
	}
	if p.job.KeepAlive && p.job.StartLine == 0 {
		p.job.StartLine = p.line("KeepAlive")
	}
}
