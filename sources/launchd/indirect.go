package launchd

import (
	"slices"

	"github.com/driftmap/driftmap/sources/record"
	"github.com/driftmap/driftmap/sources/redact"
	"github.com/driftmap/driftmap/sources/shell"
)

// Indirect is a program a job runs under a name that is not an
// interpreter's ("~/.sanctum/bin/xtts-server server.py --port 8020"),
// with the arguments it is given. This package reads no file, so it
// cannot know that the name is a symlink to an interpreter; the loader,
// which follows symlink chains, can, and then asks Through for the
// targets the interpreter's rules give.
//
// An Indirect never holds a credential-like argument (redact.Arg,
// redact.Args, redact.String): such a word is kept only as a blank marked
// secret, which is never a target, so the option syntax around it still
// reads right. A password option that only a known program has (mysql
// -pSECRET) cannot be recognised behind an unknown name; such a word is
// kept, but an interpreter's script is never an option word, so it can
// only reach a record as the operand after "--".
type Indirect struct {
	// Exec is the program's exec target, as in Job.Targets.
	Exec record.Target

	args       []arg
	file, home string
	search     []string
	cwd        string
	depth      int
	// absoluteInStrings is the parser's (see RunTargets).
	absoluteInStrings bool
}

func newIndirect(exe record.Target, args []arg, p *plistParser, search []string, cwd string, depth int) Indirect {
	x := indirect(exe, args, p.file, p.home, search, cwd, depth)
	x.absoluteInStrings = p.absoluteInStrings
	return x
}

// WrapperRun returns the Indirect of a program that the wrapper script
// file execs (see shell.Refs.Runs). A word that is not a fixed string is
// never a target; the script's working directory is unknown, so a
// relative script is skipped, and so is a bare script name. Targets have
// the key "script".
func WrapperRun(r shell.Run, file, home string) Indirect {
	args := make([]arg, len(r.Args))
	for i, w := range r.Args {
		args[i] = arg{val: w.Val, key: "script", line: w.Line, secret: !w.Fixed}
	}
	return indirect(r.Exec, args, file, home, nil, "", 0)
}

func indirect(exe record.Target, args []arg, file, home string, search []string, cwd string, depth int) Indirect {
	words := make([]string, len(args))
	for i, a := range args {
		words[i] = a.val
	}
	secret := redact.Args(words)
	kept := make([]arg, len(args))
	for i, a := range args {
		if secret[i] || isSecretValue(args, i) || redact.String(a.val) != a.val {
			a = arg{key: a.key, line: a.line, secret: true}
		}
		kept[i] = a
	}
	return Indirect{Exec: exe, args: kept, file: file, home: home,
		search: slices.Clone(search), cwd: cwd, depth: depth}
}

// Through returns the targets of the program's arguments when it is the
// interpreter named interp (a base name such as "python3.12"): the script
// it runs is a record.TargetScript, exactly as if the job had named the
// interpreter itself, and a shell's -c string gives its commands. It
// returns nothing when interp is not an interpreter; env(1) is not one:
// a symlink to env is not followed further.
func (x Indirect) Through(interp string) ([]record.Target, []record.Problem) {
	fam := interpreterOf(interp)
	if fam == notInterpreter || fam == envCommand || x.depth >= maxExecDepth {
		return nil, nil
	}
	p := &plistParser{file: x.file, home: x.home, absoluteInStrings: x.absoluteInStrings}
	p.interpret(fam, x.args, x.search, x.cwd)
	return p.targets.Targets(), p.probs
}

// IsInterpreter reports whether a program's base name is one whose
// script argument Through finds.
func IsInterpreter(name string) bool {
	f := interpreterOf(name)
	return f != notInterpreter && f != envCommand
}
