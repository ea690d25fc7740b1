package sources

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/driftmap/driftmap/graph"
	"howett.net/plist"
)

// DefaultSearchPath returns the directories launchd searches for a bare
// program name when the job sets no PATH in EnvironmentVariables (launchd's
// _PATH_STDPATH). It returns a fresh slice on every call.
func DefaultSearchPath() []string {
	return []string{"/usr/bin", "/bin", "/usr/sbin", "/sbin"}
}

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
//     absent (TargetExec). A bare name is looked up in the job's
//     EnvironmentVariables.PATH, or in DefaultSearchPath;
//   - when the executable is an interpreter (sh, bash, python3, ruby,
//     perl, node, osascript, ...), the script it runs (TargetScript), and
//     for `sh -c STRING` the commands of STRING (see CommandTargets);
//     when it is env(1), the utility env runs (TargetExec), to which the
//     interpreter rule applies in turn;
//   - WorkingDirectory (TargetWorkingDir), RootDirectory (TargetRootDir),
//     StandardOutPath and StandardErrorPath (TargetLogDir).
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
func ParsePlist(data []byte, file, home string) (job PlistJob, probs []Problem) {
	p := &plistParser{file: file, home: home}
	defer func() {
		// A last guard: extraction is written not to panic (the fuzz
		// tests check it), but a bad file must never stop a run.
		if r := recover(); r != nil {
			job = PlistJob{File: file}
			probs = append(p.probs, Problem{File: file, Message: "internal error reading the plist: " + panicText(r)})
		}
	}()
	p.parse(data)
	p.job.File = file
	return p.job, p.probs
}

// decodePlist decodes data with howett.net/plist. The decoder turns its
// own panics into errors but re-panics runtime errors (an index out of
// range on a corrupt binary plist); those are returned as errors too.
func decodePlist(data []byte) (root any, format int, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("decoder failure: %s", panicText(r))
		}
	}()
	format, err = plist.Unmarshal(data, &root)
	return root, format, err
}

// plistParser holds the state of one ParsePlist call.
type plistParser struct {
	file, home string
	lines      map[string]int // line of each key path (see keyPath); nil for binary plists
	job        PlistJob
	probs      []Problem
	seen       map[string]bool // targets already added, for de-duplication

	// search lists the directories a bare program name is looked up in.
	search []string
	// cwd is the directory relative paths resolve against: the expanded
	// WorkingDirectory, or "/" (launchd's own working directory). It is
	// "" when WorkingDirectory cannot be expanded, and then relative
	// paths are not targets.
	cwd string
}

// keyPath joins the keys of nested dictionaries into the form used by the
// line index. Array elements are written as "Key[i]" (see scanXML).
func keyPath(keys ...string) string { return strings.Join(keys, "\x00") }

// line returns the line of a key path, or 0 when unknown.
func (p *plistParser) line(keys ...string) int { return p.lines[keyPath(keys...)] }

func (p *plistParser) problem(key string, line int, format string, args ...any) {
	p.probs = append(p.probs, Problem{File: p.file, Line: line, Key: key, Message: fmt.Sprintf(format, args...)})
}

func (p *plistParser) parse(data []byte) {
	if len(bytes.TrimSpace(data)) == 0 {
		p.problem("", 0, "empty file: not a property list")
		return
	}
	root, format, err := decodePlist(data)
	isXML := !bytes.HasPrefix(data, []byte("bplist"))
	if err != nil {
		// The decoder's own message may quote values from the file (a
		// malformed <integer> is echoed verbatim), so it is never
		// copied: the XML is scanned again to name the line and the
		// cause in words of our own.
		line, msg := 0, "not a valid property list"
		if !isXML {
			msg = "not a valid binary property list"
		} else if s := scanXML(data); s.errMsg != "" {
			line, msg = s.errLine, "not a valid property list: "+s.errMsg
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
	p.pathKey(dict, "WorkingDirectory", TargetWorkingDir)
	p.pathKey(dict, "RootDirectory", TargetRootDir)
	p.pathKey(dict, "StandardOutPath", TargetLogDir)
	p.pathKey(dict, "StandardErrorPath", TargetLogDir)
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
	p.search = DefaultSearchPath()
	p.cwd = "/"
	if v, ok := dict["WorkingDirectory"]; ok {
		if s, ok := v.(string); ok && s != "" {
			if e, ok := Expand(s, p.home); ok {
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
		x, ok := Expand(e, home)
		if !ok || !path.IsAbs(x) {
			continue
		}
		dirs = append(dirs, path.Clean(x))
	}
	return dirs
}

// arg is one word of a job's command line with where it was written.
type arg struct {
	val  string
	key  string // "Program", "ProgramArguments[3]"
	line int
}

// program extracts the executable and, through the interpreter rules,
// the script or command string it runs.
func (p *plistParser) program(dict map[string]any) {
	progV, hasProg := dict["Program"]
	argsV, hasArgs := dict["ProgramArguments"]
	var argv []arg
	if hasArgs {
		argv = p.arguments(argsV)
	}
	if !hasProg {
		if list, ok := argsV.([]any); !hasArgs || ok && len(list) == 0 {
			p.problem("ProgramArguments", p.line("ProgramArguments"),
				"no Program and no ProgramArguments: launchd has nothing to run")
		}
		if len(argv) == 0 {
			return
		}
		p.job.Program = argv[0].val
		p.exec(argv[0], argv[1:], p.search, p.cwd, 0)
		return
	}
	// launchd execs Program with ProgramArguments as argv:
	// ProgramArguments[0] is then only the name the program sees, and
	// not a target.
	line := p.line("Program")
	s, ok := progV.(string)
	switch {
	case !ok:
		p.problem("Program", line, "Program must be a string, found %s", typeName(progV))
		return
	case s == "":
		p.problem("Program", line, "Program is empty")
		return
	}
	var rest []arg
	if len(argv) > 0 {
		rest = argv[1:]
	}
	p.job.Program = s
	p.exec(arg{val: s, key: "Program", line: line}, rest, p.search, p.cwd, 0)
}

// arguments extracts ProgramArguments. launchd requires an array of
// strings; the arguments are kept up to the first element of another
// type, since nothing after it can be read reliably.
func (p *plistParser) arguments(v any) []arg {
	const key = "ProgramArguments"
	list, ok := v.([]any)
	if !ok {
		p.problem(key, p.line(key), "ProgramArguments must be an array of strings, found %s", typeName(v))
		return nil
	}
	args := make([]arg, 0, len(list))
	for i, e := range list {
		k := key + "[" + strconv.Itoa(i) + "]"
		s, ok := e.(string)
		if !ok {
			p.problem(k, p.line(k), "%s must be a string, found %s", k, typeName(e))
			break
		}
		args = append(args, arg{val: s, key: k, line: p.line(k)})
	}
	return args
}

// maxExecDepth bounds nested env(1) invocations ("env env env ...").
const maxExecDepth = 8

// exec adds the executable exe as a target, then applies the interpreter
// rules to its arguments. search and cwd are those exe is run with.
func (p *plistParser) exec(exe arg, args []arg, search []string, cwd string, depth int) {
	p.addPath(TargetExec, exe, search, cwd)
	if depth >= maxExecDepth {
		return
	}
	name := path.Base(exe.val)
	fam := interpreterOf(name)
	switch fam {
	case notInterpreter:
		return
	case envCommand:
		p.env(args, search, cwd, depth)
		return
	}
	inv := invoke(fam, args)
	switch {
	case inv.command >= 0:
		a := args[inv.command]
		ev := graph.Evidence{File: p.file, Line: a.line, Key: a.key}
		ts, probs := CommandTargets(a.val, ev, p.home, search, cwd)
		for _, t := range ts {
			p.add(t)
		}
		p.probs = append(p.probs, probs...)
	case inv.script >= 0:
		a := args[inv.script]
		if isSecretValue(args, inv.script) {
			return
		}
		dir := cwd
		if inv.chdir != "" {
			dir = chdir(inv.chdir, cwd, p.home)
		}
		if inv.searchScript && !strings.Contains(a.val, "/") {
			// ruby -S, perl -S: the script is looked up in PATH.
			p.addPath(TargetScript, a, search, dir)
			return
		}
		p.addPath(TargetScript, a, nil, dir)
	}
}

// env follows env(1) [options] [NAME=value ...] utility [argument ...] to
// the utility it runs. The utility is looked up in the PATH env passes on
// (a PATH=... word), in -P altpath, or in the default path after -i.
func (p *plistParser) env(args []arg, search []string, cwd string, depth int) {
	altpath := false // -P given: it wins over PATH=
	for i := 0; i < len(args); i++ {
		a := args[i]
		v := a.val
		switch {
		case v == "--":
			// Only NAME=value words and the utility follow.
			for i++; i < len(args) && isAssignment(args[i].val); i++ {
				if s, ok := strings.CutPrefix(args[i].val, "PATH="); ok && !altpath {
					search = splitSearch(s, p.home)
				}
			}
			if i < len(args) && !isSecretValue(args, i) {
				p.exec(args[i], args[i+1:], search, cwd, depth+1)
			}
			return
		case v == "-" || v == "--ignore-environment":
			search = DefaultSearchPath()
		case strings.HasPrefix(v, "--"):
			name, val, hasVal := strings.Cut(v[2:], "=")
			switch name {
			case "unset", "chdir", "split-string":
				if !hasVal {
					i++
					if i >= len(args) {
						return
					}
					val = args[i].val
				}
				switch name {
				case "chdir":
					cwd = chdir(val, cwd, p.home)
				case "split-string":
					words, ok := splitEnvString(val, args[i])
					if !ok {
						return
					}
					args = append(words, args[i+1:]...)
					i = -1
				}
			}
		case strings.HasPrefix(v, "-") && len(v) > 1:
			for j := 1; j < len(v); j++ {
				c := v[j]
				if c == 'i' {
					search = DefaultSearchPath()
					continue
				}
				if !strings.ContainsRune("uPSCLU", rune(c)) {
					continue // -0, -v and unknown flags take no value
				}
				val := v[j+1:]
				if val == "" {
					i++
					if i >= len(args) {
						return
					}
					val = args[i].val
				}
				switch c {
				case 'P':
					search, altpath = splitSearch(val, p.home), true
				case 'C':
					cwd = chdir(val, cwd, p.home)
				case 'S':
					words, ok := splitEnvString(val, args[i])
					if !ok {
						return
					}
					args = append(words, args[i+1:]...)
					i = -1
				}
				break
			}
		case isAssignment(v):
			if s, ok := strings.CutPrefix(v, "PATH="); ok && !altpath {
				search = splitSearch(s, p.home)
			}
		default:
			if !isSecretValue(args, i) {
				p.exec(a, args[i+1:], search, cwd, depth+1)
			}
			return
		}
	}
}

// chdir returns the directory env -C or ruby -C moves to, relative to
// cwd; "" when it cannot be known.
func chdir(dir, cwd, home string) string {
	e, ok := Expand(dir, home)
	if !ok {
		return ""
	}
	if path.IsAbs(e) {
		return path.Clean(e)
	}
	if cwd == "" {
		return ""
	}
	return path.Join(cwd, e)
}

// splitEnvString splits the operand of env -S into words. Only plain
// whitespace splitting is done; a string that relies on env's quoting,
// escapes or ${VAR} substitution is not analysed further (ok is false).
// Every word keeps the key and line of the -S operand.
func splitEnvString(s string, at arg) ([]arg, bool) {
	if strings.ContainsAny(s, "'\"\\$#") {
		return nil, false
	}
	var words []arg
	for _, f := range strings.Fields(s) {
		words = append(words, arg{val: f, key: at.key, line: at.line})
	}
	return words, true
}

// isAssignment reports whether w has the form NAME=value.
func isAssignment(w string) bool {
	name, _, ok := strings.Cut(w, "=")
	if !ok || name == "" || name[0] >= '0' && name[0] <= '9' {
		return false
	}
	for i := 0; i < len(name); i++ {
		if !isNameByte(name[i]) {
			return false
		}
	}
	return true
}

// isSecretValue reports whether args[i] may hold a credential: it follows
// an option such as --token or --api-key, or it is NAME=value with a
// credential-like NAME. Such a word is never made a target, so its value
// never reaches an Evidence token.
func isSecretValue(args []arg, i int) bool {
	if i > 0 {
		prev := args[i-1].val
		if strings.HasPrefix(prev, "-") && !strings.Contains(prev, "=") && secretName(strings.TrimLeft(prev, "-")) {
			return true
		}
	}
	w := args[i].val
	name, _, ok := strings.Cut(strings.TrimLeft(w, "-"), "=")
	return ok && secretName(name)
}

// secretName reports whether an option or variable name looks like it
// names a credential.
func secretName(name string) bool {
	n := strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
	for _, s := range []string{"TOKEN", "SECRET", "PASSWORD", "PASSWD", "API_KEY", "APIKEY", "AUTHKEY", "CREDENTIAL", "PRIVATE_KEY"} {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

// addPath adds a as a target of kind k. A name without a slash is looked
// up in search when search is non-nil (executables) and resolves against
// dir otherwise (a script named by an interpreter's operand); a relative
// path with a slash resolves against dir. Words holding an expansion
// other than ~ and $HOME, and relative words when dir is unknown, are
// skipped.
func (p *plistParser) addPath(k TargetKind, a arg, search []string, dir string) {
	e, ok := Expand(a.val, p.home)
	if !ok || e == "" {
		return
	}
	t := Target{Kind: k, Evidence: graph.Evidence{File: p.file, Line: a.line, Key: a.key, Token: a.val}}
	switch {
	case path.IsAbs(e):
		t.Path = path.Clean(e)
	case search != nil && !strings.Contains(e, "/"):
		t.Path, t.Search = e, slices.Clone(search)
	case dir == "":
		return
	default:
		t.Path, t.Dir = e, dir
	}
	p.add(t)
}

// add appends t unless an identical target (same kind, path, directory
// and evidence) is already there.
func (p *plistParser) add(t Target) {
	k := targetKey(t)
	if p.seen[k] {
		return
	}
	if p.seen == nil {
		p.seen = map[string]bool{}
	}
	p.seen[k] = true
	p.job.Targets = append(p.job.Targets, t)
}

// targetKey identifies a target for de-duplication.
func targetKey(t Target) string {
	return strings.Join([]string{string(t.Kind), t.Path, t.Dir, strings.Join(t.Search, ":"),
		t.Evidence.File, strconv.Itoa(t.Evidence.Line), t.Evidence.Key, t.Evidence.Token}, "\x00")
}

// pathKey adds the path-valued key as a target of kind k. Relative paths
// resolve against "/", launchd's own working directory, except for the
// standard output and error files, which the job opens after moving to
// its WorkingDirectory.
func (p *plistParser) pathKey(dict map[string]any, key string, k TargetKind) {
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
	if k == TargetLogDir {
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

// interpreter is a family of programs that share a command-line syntax
// for naming the script they run.
type interpreter int

const (
	notInterpreter interpreter = iota
	shellFamily                // sh, bash, zsh, dash, ksh: -c STRING is shell
	fishFamily                 // fish: -c STRING is fish, not POSIX shell
	pythonFamily
	rubyFamily
	perlFamily
	nodeFamily
	osascriptFamily
	envCommand // env(1): runs another program
)

// interpreterOf classifies a program by its base name.
func interpreterOf(name string) interpreter {
	switch name {
	case "sh", "bash", "zsh", "dash", "ksh":
		return shellFamily
	case "fish":
		return fishFamily
	case "ruby":
		return rubyFamily
	case "node", "nodejs":
		return nodeFamily
	case "osascript":
		return osascriptFamily
	case "env":
		return envCommand
	}
	if versioned(name, "python") {
		return pythonFamily
	}
	if versioned(name, "perl") {
		return perlFamily
	}
	return notInterpreter
}

// versioned reports whether name is base followed only by a version
// ("python3", "python3.12", "perl5.34").
func versioned(name, base string) bool {
	v, ok := strings.CutPrefix(name, base)
	return ok && strings.Trim(v, "0123456789.") == ""
}

// invocation is what an interpreter's command line asks it to run.
type invocation struct {
	script       int    // index of the script operand, -1 when none
	command      int    // index of the -c STRING operand of a shell, -1 when none
	searchScript bool   // ruby -S, perl -S: the script is looked up in PATH
	chdir        string // ruby -C DIR: the script is relative to DIR
}

// optSyntax describes an interpreter's options, as far as needed to find
// its first operand.
type optSyntax struct {
	// value lists the short options that take a value: the rest of the
	// cluster ("-Idir") or, when nothing follows, the next argument.
	value string
	// separate lists short options whose value is always the next
	// argument, the cluster going on (sh -eo pipefail).
	separate string
	// attached lists short options whose optional value can only be
	// attached: the rest of the cluster is theirs (perl -i.bak).
	attached string
	// digits lists short options followed by optional digits, the
	// cluster going on (perl -l, -0).
	digits string
	// inline lists short options that run code given on the command line
	// or a module (python -c, -m): there is no script file.
	inline string
	// command lists the shell's -c: the first operand is a command string.
	command string
	// stdin lists options that read the program from standard input
	// (sh -s): there is no script file.
	stdin string
	// search lists options that look the script up in PATH (ruby -S).
	search string
	// longValue lists long options taking a separate value unless written
	// --opt=value; longInline lists those that run inline code.
	longValue, longInline []string
	// dashIsStdin: a lone "-" reads the program from standard input. For
	// shells it only ends the options, like "--".
	dashIsStdin bool
	// plus: options may also start with "+" (sh +o name).
	plus bool
}

// syntaxOf returns the option syntax of an interpreter family.
func syntaxOf(f interpreter) optSyntax {
	switch f {
	case shellFamily:
		return optSyntax{separate: "oO", command: "c", stdin: "s",
			longValue: []string{"--rcfile", "--init-file", "--emulate"}, plus: true}
	case fishFamily:
		// fish -c runs fish code, which is not parsed here.
		return optSyntax{value: "Cpodf", inline: "c",
			longValue:  []string{"--init-command", "--profile", "--debug", "--debug-output", "--features"},
			longInline: []string{"--command"}, dashIsStdin: true}
	case pythonFamily:
		return optSyntax{value: "WXQ", inline: "cm",
			longValue: []string{"--check-hash-based-pycs"}, dashIsStdin: true}
	case rubyFamily:
		return optSyntax{value: "IrCEF", attached: "0xTWK", inline: "e", search: "S",
			longValue: []string{"--encoding", "--external-encoding", "--internal-encoding",
				"--enable", "--disable", "--dump"}, dashIsStdin: true}
	case perlFamily:
		return optSyntax{value: "IMm", attached: "ixCDFV", digits: "0l", inline: "eE", search: "S",
			dashIsStdin: true}
	case nodeFamily:
		return optSyntax{value: "rC", inline: "ep",
			longValue: []string{"--require", "--import", "--loader", "--experimental-loader",
				"--conditions", "--input-type", "--env-file", "--title", "--redirect-warnings",
				"--watch-path", "--cpu-prof-dir", "--cpu-prof-name", "--heap-prof-dir",
				"--heap-prof-name", "--diagnostic-dir", "--report-dir", "--report-directory",
				"--report-filename", "--icu-data-dir", "--openssl-config", "--tls-cipher-list",
				"--disable-warning"},
			longInline: []string{"--eval", "--print", "--run"}, dashIsStdin: true}
	case osascriptFamily:
		return optSyntax{value: "ls", inline: "e", dashIsStdin: true}
	}
	return optSyntax{}
}

// invoke finds the script (or shell command string) an interpreter runs
// from its arguments.
func invoke(f interpreter, args []arg) invocation {
	syn := syntaxOf(f)
	inv := invocation{script: -1, command: -1}
	cmdMode, stdinMode := false, false
	operand := -1
scan:
	for i := 0; i < len(args); i++ {
		a := args[i].val
		switch {
		case a == "--":
			operand = i + 1
			break scan
		case a == "-":
			if syn.dashIsStdin {
				return inv
			}
			operand = i + 1
			break scan
		case strings.HasPrefix(a, "--"):
			name, _, hasVal := strings.Cut(a, "=")
			if slices.Contains(syn.longInline, name) {
				return inv
			}
			if slices.Contains(syn.longValue, name) && !hasVal {
				i++
			}
		case len(a) > 1 && (a[0] == '-' || syn.plus && a[0] == '+'):
			for j := 1; j < len(a); j++ {
				c := rune(a[j])
				switch {
				case strings.ContainsRune(syn.inline, c):
					return inv
				case strings.ContainsRune(syn.command, c):
					cmdMode = true
				case strings.ContainsRune(syn.stdin, c):
					stdinMode = true
				case strings.ContainsRune(syn.search, c):
					inv.searchScript = true
				case strings.ContainsRune(syn.separate, c):
					i++
				case strings.ContainsRune(syn.digits, c):
					// perl -l[octal], -0[octal] or -0x[hex].
					digits := "01234567"
					if c == '0' && j+1 < len(a) && (a[j+1] == 'x' || a[j+1] == 'X') {
						j++
						digits = "0123456789abcdefABCDEF"
					}
					for j+1 < len(a) && strings.IndexByte(digits, a[j+1]) >= 0 {
						j++
					}
				case strings.ContainsRune(syn.attached, c):
					continue scan
				case strings.ContainsRune(syn.value, c):
					val := a[j+1:]
					if val == "" {
						i++
						if i < len(args) {
							val = args[i].val
						}
					}
					if f == rubyFamily && c == 'C' {
						inv.chdir = val
					}
					continue scan
				}
			}
		default:
			operand = i
			break scan
		}
	}
	if operand < 0 || operand >= len(args) {
		return inv
	}
	switch {
	case cmdMode:
		inv.command = operand
	case stdinMode:
	default:
		inv.script = operand
	}
	return inv
}

// xmlIndex is what scanXML learns about an XML plist.
type xmlIndex struct {
	// lines maps key paths to 1-based lines: a dictionary entry to the
	// line of its <key>, an array element to the line of its element.
	// Nested keys are joined by keyPath; array elements are written
	// "Key[i]". The root value is at "".
	lines map[string]int
	// errLine and errMsg describe the first reason the document is not a
	// valid plist; errMsg is "" when none was found. errMsg never quotes
	// text from the file other than element names.
	errLine int
	errMsg  string
}

// maxScanDepth bounds the nesting scanXML follows; deeper values are
// skipped (their lines are never reported).
const maxScanDepth = 32

// scanXML scans an XML plist with encoding/xml, mirroring howett.net/plist's
// reading of it (the first element, or the first element inside <plist>,
// is the root value; in a <dict> the last <key> before a value names it)
// to record the line of every key and array element. Comments and
// whitespace are separate tokens, so they never shift array indexes.
func scanXML(data []byte) xmlIndex {
	s := &xmlScanner{d: xml.NewDecoder(bytes.NewReader(data)), idx: xmlIndex{lines: map[string]int{}}}
	for inPlist := false; s.idx.errMsg == ""; {
		line, _ := s.d.InputPos()
		tok, err := s.d.Token()
		if errors.Is(err, io.EOF) {
			s.bad(0, "no property list element found: neither XML nor binary plist")
			break
		}
		if err != nil {
			s.fail(line, err)
			break
		}
		if el, isStart := tok.(xml.StartElement); isStart {
			if el.Name.Local == "plist" && !inPlist {
				inPlist = true
				continue
			}
			s.idx.lines[""] = line
			s.value(el, "", line, 0)
			break
		}
	}
	return s.idx
}

type xmlScanner struct {
	d   *xml.Decoder
	idx xmlIndex
}

// next reads a token and returns the line it starts on. Between two
// tokens the decoder sits at the start of the next one, so its position
// before reading is the token's first line.
func (s *xmlScanner) next() (xml.Token, int, bool) {
	line, _ := s.d.InputPos()
	tok, err := s.d.Token()
	if err != nil {
		s.fail(line, err)
		return nil, line, false
	}
	return tok, line, true
}

// fail records a decoding error, keeping only the first one.
func (s *xmlScanner) fail(line int, err error) {
	var se *xml.SyntaxError
	switch {
	case errors.As(err, &se):
		s.bad(se.Line, xmlReason(se.Msg))
	case errors.Is(err, io.EOF):
		s.bad(line, "unexpected end of file (truncated?)")
	default:
		s.bad(line, "malformed XML")
	}
}

func (s *xmlScanner) bad(line int, msg string) {
	if s.idx.errMsg == "" {
		s.idx.errLine, s.idx.errMsg = line, msg
	}
}

// xmlReason rewrites an encoding/xml syntax error in safe words: messages
// naming only elements are kept, any other (which may quote file content,
// such as an entity or attribute value) becomes a generic one.
func xmlReason(msg string) string {
	switch {
	case msg == "unexpected EOF":
		return "unexpected end of file (truncated?)"
	case strings.HasPrefix(msg, "element <") && strings.Contains(msg, "> closed by </"),
		strings.HasPrefix(msg, "unexpected end element </"):
		return msg
	case strings.Contains(msg, "entity"):
		return "malformed XML: invalid character entity (a bare & must be written &amp;)"
	}
	return "malformed XML"
}

// value scans one plist value whose start element el is on line line.
func (s *xmlScanner) value(el xml.StartElement, at string, line, depth int) {
	switch el.Name.Local {
	case "dict", "array":
		if depth >= maxScanDepth {
			if err := s.d.Skip(); err != nil {
				s.fail(line, err)
			}
			return
		}
		if el.Name.Local == "dict" {
			s.dict(at, depth)
		} else {
			s.array(at, depth)
		}
	case "integer", "real":
		var text string
		if err := s.d.DecodeElement(&text, &el); err != nil {
			s.fail(line, err)
			return
		}
		if !validNumber(el.Name.Local, strings.TrimSpace(text)) {
			s.bad(line, fmt.Sprintf("<%s> does not hold a number", el.Name.Local))
		}
	case "string", "true", "false", "date", "data":
		if err := s.d.Skip(); err != nil {
			s.fail(line, err)
		}
	default:
		s.bad(line, fmt.Sprintf("unknown element <%s>", el.Name.Local))
	}
}

func validNumber(kind, text string) bool {
	if kind == "real" {
		_, err := strconv.ParseFloat(text, 64)
		return err == nil
	}
	if _, err := strconv.ParseInt(text, 0, 64); err == nil {
		return true
	}
	_, err := strconv.ParseUint(text, 0, 64)
	return err == nil
}

func (s *xmlScanner) dict(at string, depth int) {
	key, keyLine, haveKey := "", 0, false
	for s.idx.errMsg == "" {
		tok, line, ok := s.next()
		if !ok {
			return
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if haveKey {
				s.bad(keyLine, "a <key> has no value")
			}
			return
		case xml.StartElement:
			if t.Name.Local == "key" {
				if err := s.d.DecodeElement(&key, &t); err != nil {
					s.fail(line, err)
					return
				}
				keyLine, haveKey = line, true
				continue
			}
			if !haveKey {
				s.bad(line, fmt.Sprintf("a <%s> in a <dict> has no <key>", t.Name.Local))
				return
			}
			p := key
			if at != "" {
				p = keyPath(at, key)
			}
			s.idx.lines[p] = keyLine
			s.value(t, p, line, depth+1)
			haveKey = false
		}
	}
}

func (s *xmlScanner) array(at string, depth int) {
	for i := 0; s.idx.errMsg == ""; {
		tok, line, ok := s.next()
		if !ok {
			return
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return
		case xml.StartElement:
			p := at + "[" + strconv.Itoa(i) + "]"
			s.idx.lines[p] = line
			s.value(t, p, line, depth+1)
			i++
		}
	}
}
