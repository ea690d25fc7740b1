package launchd

import (
	"path"
	"slices"
	"strings"

	"github.com/driftmap/driftmap/sources/shell"
)

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
	phpFamily
	denoFamily
	bunFamily
	javaFamily // java -jar FILE: FILE is the target; java CLASS is not a file
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
	case "ruby", "macruby":
		return rubyFamily
	case "deno":
		return denoFamily
	case "bun":
		return bunFamily
	case "java":
		return javaFamily
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
	if versioned(name, "php") {
		return phpFamily
	}
	if versioned(name, "ruby") {
		return rubyFamily // ruby3.3, as some package managers install it
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
	// scriptFlag lists short options whose separate value is the script
	// (php -f FILE).
	scriptFlag string
	// dashDashIsStdin: "--" ends the options and the program is read
	// from standard input, the words after it being its arguments (php).
	dashDashIsStdin bool
	// cwd lists long options giving the directory the script is relative
	// to (bun --cwd DIR).
	cwd []string
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
	case phpFamily:
		// php [options] [-f] FILE [--] [args]. -r, -B, -R, -E run code
		// given inline, -S serves a directory, -a is interactive, and
		// -i, -m, -v, -h print and exit: no script file.
		return optSyntax{value: "cdztF", inline: "rBREaSimvh", scriptFlag: "f",
			longValue: []string{"--php-ini", "--define", "--zend-extension", "--docroot", "--process-file"},
			longInline: []string{"--run", "--process-begin", "--process-code", "--process-end",
				"--server", "--interactive", "--info", "--modules", "--version", "--help",
				"--rf", "--rc", "--re", "--rz", "--ri"},
			dashIsStdin: true, dashDashIsStdin: true}
	case denoFamily:
		// deno [options] run|serve [options] FILE: only options taking a
		// separate value are listed; deno's optional values need "=".
		return optSyntax{value: "cL", inline: "e",
			longValue: []string{"--config", "--import-map", "--cert", "--location", "--seed",
				"--log-level", "--ext"},
			longInline: []string{"--eval"}, dashIsStdin: true}
	case bunFamily:
		return optSyntax{value: "rdl", inline: "ep",
			longValue: []string{"--preload", "--cwd", "--env-file", "--tsconfig-override",
				"--define", "--loader", "--port", "--conditions", "--main-fields"},
			longInline: []string{"--eval", "--print"}, dashIsStdin: true, cwd: []string{"--cwd"}}
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
			if syn.dashDashIsStdin {
				return inv
			}
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
			if slices.Contains(syn.longValue, name) {
				v := strings.TrimPrefix(a, name+"=")
				if !hasVal {
					i++
					v = ""
					if i < len(args) {
						v = args[i].val
					}
				}
				if slices.Contains(syn.cwd, name) {
					inv.chdir = v
				}
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
				case strings.ContainsRune(syn.scriptFlag, c):
					if j+1 < len(a) || i+1 >= len(args) {
						return inv // an attached script name is not analysed
					}
					operand = i + 1
					break scan
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

// invokeJS finds the script of deno and bun: `deno [run|serve] FILE`,
// `bun [run] FILE`. Their other subcommands, package.json script names
// (`bun run dev`) and URL or registry specifiers (https://..., npm:x,
// jsr:x) are not files: only an operand with a slash or a JavaScript or
// TypeScript extension, and without a colon, is a script.
func invokeJS(f interpreter, args []arg) invocation {
	inv := invoke(f, args)
	if inv.script < 0 {
		return inv
	}
	if v := args[inv.script].val; v == "run" || f == denoFamily && v == "serve" {
		off := inv.script + 1
		sub := invoke(f, args[off:])
		if sub.chdir == "" {
			sub.chdir = inv.chdir
		}
		inv = sub
		if inv.script < 0 {
			return inv
		}
		inv.script += off
	}
	v := args[inv.script].val
	ext := path.Ext(v)
	if strings.Contains(v, ":") || !strings.Contains(v, "/") &&
		!slices.Contains([]string{".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".jsx", ".tsx"}, ext) {
		inv.script = -1
	}
	return inv
}

// javaSeparate lists java's options whose value is the next argument.
var javaSeparate = []string{"-cp", "-classpath", "--class-path", "-p", "--module-path",
	"--upgrade-module-path", "--add-modules", "--add-reads", "--add-exports", "--add-opens",
	"--limit-modules", "--patch-module", "--source", "--enable-native-access"}

// invokeJava finds the jar of `java [options] -jar FILE [args]`. java
// options are whole words (-Xmx1g, -Dk=v), never clusters. A main class
// (`java Main`), a module (-m) or a source file is not treated as a
// target: only -jar names a file.
func invokeJava(args []arg) invocation {
	inv := invocation{script: -1, command: -1}
	for i := 0; i < len(args); i++ {
		a := args[i].val
		switch {
		case a == "-jar":
			if i+1 < len(args) {
				inv.script = i + 1
			}
			return inv
		case slices.Contains(javaSeparate, a):
			i++
		case strings.HasPrefix(a, "-"):
		default:
			return inv // the main class: no file
		}
	}
	return inv
}
