package launchd

import (
	"path"
	"slices"
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
	p.addPath(record.TargetExec, exe, search, cwd)
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
		ts, probs := shell.CommandTargets(a.val, ev, p.home, search, cwd)
		for _, t := range ts {
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
	prev := ""
	if i > 0 {
		prev = args[i-1].val
	}
	return redact.Arg(prev, args[i].val)
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
	if shell.IsShell(name) {
		return shellFamily
	}
	switch name {
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
