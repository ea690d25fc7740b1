package launchd

import (
	"path"
	"strconv"
	"strings"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources/record"
	"github.com/driftmap/driftmap/sources/redact"
	"github.com/driftmap/driftmap/sources/rootfs"
	"github.com/driftmap/driftmap/sources/shell"
)

// arg is one word of a job's command line with where it was written.
type arg struct {
	val    string
	key    string // "Program", "ProgramArguments[3]"
	line   int
	secret bool // may hold a credential: val is blanked (see Indirect)
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
		p.job.Program = redact.String(argv[0].val)
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
	p.job.Program = redact.String(s) // a command line may hold a credential
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
	t, ok := p.addPath(record.TargetExec, exe, search, cwd)
	if depth >= maxExecDepth {
		return
	}
	name := path.Base(exe.val)
	fam := interpreterOf(name)
	switch fam {
	case notInterpreter:
		if ok && len(args) > 0 {
			p.job.Indirect = append(p.job.Indirect, newIndirect(t, args, p, search, cwd, depth))
		}
		return
	case envCommand:
		p.env(args, search, cwd, depth)
		return
	}
	p.interpret(fam, args, search, cwd)
}

// interpret applies the rules of interpreter family fam to its arguments:
// the script it runs, or the commands of a shell's -c string, are
// targets.
func (p *plistParser) interpret(fam interpreter, args []arg, search []string, cwd string) {
	var inv invocation
	switch fam {
	case javaFamily:
		inv = invokeJava(args)
	case denoFamily, bunFamily:
		inv = invokeJS(fam, args)
	default:
		inv = invoke(fam, args)
	}
	switch {
	case inv.command >= 0:
		a := args[inv.command]
		ev := graph.Evidence{File: p.file, Line: a.line, Key: a.key}
		ts, probs := shell.CommandTargets(a.val, ev, p.home, search, cwd)
		for _, t := range ts {
			if p.absoluteInStrings && len(t.Search) > 0 {
				continue
			}
			p.targets.Add(t)
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
			p.addPath(record.TargetScript, a, search, dir)
			return
		}
		p.addPath(record.TargetScript, a, nil, dir)
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
			search = shell.DefaultSearchPath()
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
					search = shell.DefaultSearchPath()
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
	e, ok := rootfs.Expand(dir, home)
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
		if !rootfs.IsNameByte(name[i]) {
			return false
		}
	}
	return true
}

// isSecretValue reports whether args[i] may hold a credential (see
// redact.Arg). Such a word is never made a target, so its value never
// reaches an Evidence token.
func isSecretValue(args []arg, i int) bool {
	if args[i].secret {
		return true
	}
	prev := ""
	if i > 0 {
		prev = args[i-1].val
	}
	return redact.Arg(prev, args[i].val)
}

// Arg is one word of a command line given to RunTargets, with the key
// and line that wrote it.
type Arg struct {
	Val  string
	Key  string
	Line int
}

// RunTargets applies the rules ParsePlist applies to a job's program
// and its arguments (interpreters and the scripts they run, env(1),
// `sh -c` strings) to a command line written in another kind of file,
// file: a systemd unit's Exec line. exe is the executable, found in
// search when it is a bare name; cwd is the directory relative scripts
// resolve against ("" when unknown). A bare name inside a -c string is
// not a target: the shell finds it in a PATH the file's environment may
// set. It returns the targets, exe's own first, and the programs run
// under another name (see Indirect).
func RunTargets(exe Arg, args []Arg, file, home string, search []string, cwd string) ([]record.Target, []Indirect, []record.Problem) {
	p := &plistParser{file: file, home: home, absoluteInStrings: true}
	as := make([]arg, len(args))
	for i, a := range args {
		as[i] = arg{val: a.Val, key: a.Key, line: a.Line}
	}
	p.exec(arg{val: exe.Val, key: exe.Key, line: exe.Line}, as, search, cwd, 0)
	return p.targets.Targets(), p.job.Indirect, p.probs
}
