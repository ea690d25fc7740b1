// Package shell finds the paths a shell script or a `sh -c` string depends
// on, with a real bash parser (mvdan.cc/sh): the programs it execs, the
// files it sources and, in command strings, every command it runs. It
// also says which programs are shells and which files are shell scripts.
//
// It reads nothing itself (callers pass the bytes), never writes, and
// never quotes a script's words in a message: parser errors are redacted.
package shell

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"

	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources/record"
	"github.com/driftmap/driftmap/sources/redact"
)

// ParseScript finds the paths a wrapper script (~/.sanctum/bin/...)
// depends on, using a real bash parser. Its targets are only:
//
//   - the program of each `exec` (after exec's own options -a NAME, -c,
//     -l), as TargetExec with Key "exec"; an exec with only redirections
//     replaces no process and has no target;
//   - the file read by each `source FILE` or `. FILE`, as TargetSource
//     with Key "source".
//
// Each Evidence names file, the line of the word and the word as written.
// A word is a target only when it names one fixed path: literal text,
// quotes, a leading ~ and $HOME or ${HOME} (expanded with home) are
// allowed, any other expansion or a glob is not. A bare name (no slash)
// is looked up in search, which should be the PATH the script runs with
// (nil means DefaultSearchPath); `source` and `.` search PATH too, as
// bash does. A relative path with a slash is skipped, since the wrapper's
// working directory is not known.
//
// A syntax error is a Problem with the line and the parser's message (any
// quoted word of the script in it is elided); targets found before it are
// still returned.
func ParseScript(src []byte, file, home string, search []string) (Refs, []record.Problem) {
	if search == nil {
		search = DefaultSearchPath()
	}
	s := &shellScan{src: src, home: home, search: search, file: file}
	probs := s.run(file, func(line int, msg string) record.Problem {
		return record.Problem{File: file, Line: line, Message: "shell syntax error: " + msg}
	})
	return Refs{Targets: s.targets.Targets(), Runs: s.runs}, probs
}

// CommandTargets finds the paths the command string of `sh -c STRING`
// (or bash -c, zsh -lc...) in a launchd job depends on: the targets of
// ParseScript (exec programs and sourced files) and, in addition, the
// command name of every simple command, wherever it appears (lists,
// pipelines, subshells, if/while/for/case bodies, functions, command
// substitutions), as TargetExec. Shell builtins and reserved words (cd,
// echo, test, export, ...) are never targets, nor are names of functions
// defined in the same string; `command NAME` makes NAME a target, since it
// skips functions, but not `command -v NAME`.
//
// Every target's Evidence is ev (the plist file, line and key such as
// "ProgramArguments[2]") with Token set to the word as written. Word
// rules are those of ParseScript; a bare name gets Search = search (nil
// means DefaultSearchPath), and a relative path with a slash resolves
// against dir, the job's absolute working directory, unless the string
// changes directory (cd, pushd, popd) anywhere or dir is "": then
// relative paths are skipped. Identical targets are reported once.
//
// A syntax error is a Problem at ev's line and key.
func CommandTargets(cmd string, ev graph.Evidence, home string, search []string, dir string) ([]record.Target, []record.Problem) {
	if search == nil {
		search = DefaultSearchPath()
	}
	if !path.IsAbs(dir) {
		dir = ""
	}
	s := &shellScan{src: []byte(cmd), home: home, search: search, dir: dir, ev: &ev, commands: true, file: ev.File}
	probs := s.run("", func(_ int, msg string) record.Problem {
		return record.Problem{File: ev.File, Line: ev.Line, Key: ev.Key, Message: "shell syntax error in the command string: " + msg}
	})
	return s.targets.Targets(), probs
}

// shellScan holds the state of one ParseScript or CommandTargets call.
type shellScan struct {
	src    []byte
	home   string
	search []string
	dir    string // directory relative paths resolve against; "" skips them
	file   string

	// ev is the fixed evidence of a -c string; nil for a script, whose
	// evidence is the line of each word.
	ev *graph.Evidence
	// commands: every simple command's name is a target (-c strings).
	commands bool
	// funcs holds the names of the functions the source defines.
	funcs map[string]bool

	targets record.TargetSet
	runs    []Run // exec'd programs and their words (scripts only)
}

// run parses the source and collects its targets. problem builds the
// Problem for a syntax error at a line.
func (s *shellScan) run(name string, problem func(line int, msg string) record.Problem) (probs []record.Problem) {
	f, err := parseBash(s.src, name)
	if err != nil {
		line, msg := syntaxErrorText(err)
		probs = append(probs, problem(line, msg))
	}
	if f == nil {
		return probs
	}
	if s.commands {
		s.funcs = map[string]bool{}
		changesDir := false
		walkSafe(f, err != nil, func(n syntax.Node) bool {
			switch n := n.(type) {
			case *syntax.FuncDecl:
				if n.Name != nil {
					s.funcs[n.Name.Value] = true
				}
				for _, l := range n.Names {
					s.funcs[l.Value] = true
				}
			case *syntax.CallExpr:
				// cd, or `builtin cd` / `command cd`.
				for _, w := range n.Args[:min(len(n.Args), 2)] {
					name, _ := s.fixed(w)
					if name == "cd" || name == "pushd" || name == "popd" {
						changesDir = true
					}
					if name != "builtin" && name != "command" {
						break
					}
				}
			}
			return true
		})
		if changesDir {
			s.dir = ""
		}
	}
	walkSafe(f, err != nil, func(n syntax.Node) bool {
		if c, ok := n.(*syntax.CallExpr); ok {
			s.call(c)
		}
		return true
	})
	return probs
}

// parseBash parses src as bash. On a syntax error the statements parsed
// before it are returned along with the error. A panic of the parser is
// returned as an error.
func parseBash(src []byte, name string) (*syntax.File, error) {
	if d := nesting(src); d > MaxNesting {
		// The parser recurses once per level: deep enough, it overflows
		// the stack, which no recover catches.
		return nil, fmt.Errorf("nested more than %d levels deep (brackets, braces, if, while, for, case): not parsed", MaxNesting)
	}
	return redact.Guard("the shell parser", func() (*syntax.File, error) {
		return syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(bytes.NewReader(src), name)
	})
}

// walkSafe walks each top-level statement of f, in order. After a syntax
// error (partial is set) the last statements may be incomplete: a
// statement whose walk panics is abandoned, keeping what was found
// before.
func walkSafe(f *syntax.File, partial bool, fn func(syntax.Node) bool) {
	for _, st := range f.Stmts {
		func() {
			if partial {
				defer func() { _ = recover() }()
			}
			syntax.Walk(st, fn)
		}()
	}
}

// syntaxErrorText returns the line and message of a parse error, with
// quoted words of the source elided (see redactQuoted).
func syntaxErrorText(err error) (int, string) {
	var pe syntax.ParseError
	if errors.As(err, &pe) {
		return int(pe.Pos.Line()), redactQuoted(pe.Text)
	}
	var le syntax.LangError
	if errors.As(err, &le) {
		return int(le.Pos.Line()), redactQuoted(le.Feature) + " cannot be parsed as bash"
	}
	return 0, err.Error()
}

// redactQuoted elides the quoted fragments of a parser message that could
// come from the source (a here-document delimiter, a test operator, a
// parameter name...): fragments made only of operator characters and
// shell reserved words are kept, every other becomes "…". The parser
// quotes with backquotes, or double quotes when a backquote is inside.
func redactQuoted(msg string) string {
	var b strings.Builder
	for {
		i := strings.IndexAny(msg, "`\"")
		if i < 0 {
			b.WriteString(msg)
			return b.String()
		}
		q := msg[i]
		j := strings.IndexByte(msg[i+1:], q)
		if j < 0 {
			b.WriteString(msg)
			return b.String()
		}
		frag := msg[i+1 : i+1+j]
		b.WriteString(msg[:i+1])
		if safeFragment(frag) {
			b.WriteString(frag)
		} else {
			b.WriteString("…")
		}
		b.WriteByte(q)
		msg = msg[i+2+j:]
	}
}

// safeFragment reports whether a quoted fragment of a parser message is an
// operator or a reserved word, which cannot carry data.
func safeFragment(frag string) bool {
	if isReservedWord(frag) {
		return true
	}
	for _, r := range frag {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r > 127 {
			return false
		}
	}
	return len(frag) <= 4
}

// call handles one simple command.
func (s *shellScan) call(c *syntax.CallExpr) {
	if len(c.Args) == 0 {
		return // assignments only: no command runs
	}
	name, ok := s.fixed(c.Args[0])
	if !ok {
		return
	}
	args := c.Args[1:]
	switch name {
	case "exec":
		s.exec(args)
	case "source", ".":
		s.source(args)
	case "command":
		if s.commands {
			s.command(args)
		}
	default:
		if s.commands && !isShellBuiltin(name) && !s.funcs[name] {
			s.add(record.TargetExec, "exec", c.Args[0], s.search)
		}
	}
}

// exec handles `exec [-cl] [-a name] [command [arguments]]`.
func (s *shellScan) exec(args []*syntax.Word) {
	for i := 0; i < len(args); i++ {
		w, ok := s.fixed(args[i])
		if !ok {
			return // the program is not a fixed word
		}
		if w == "--" {
			if i+1 < len(args) {
				s.execRun(args[i+1], args[i+2:])
			}
			return
		}
		if len(w) < 2 || w[0] != '-' {
			s.execRun(args[i], args[i+1:])
			return
		}
		for j := 1; j < len(w); j++ {
			switch w[j] {
			case 'c', 'l':
			case 'a':
				if j == len(w)-1 {
					i++ // -a NAME: NAME is argv[0], not a path
				}
				j = len(w)
			default:
				return // an invalid option: exec fails, nothing runs
			}
		}
	}
}

// execRun adds the program exec runs as a target and, in a script,
// records it with its words as a Run.
func (s *shellScan) execRun(prog *syntax.Word, args []*syntax.Word) {
	t, ok := s.add(record.TargetExec, "exec", prog, s.search)
	if !ok || s.ev != nil {
		return
	}
	r := Run{Exec: t, Args: make([]Word, len(args))}
	for i, a := range args {
		v, fixed := s.fixed(a)
		if !fixed {
			v = ""
		}
		r.Args[i] = Word{Val: v, Line: int(a.Pos().Line()), Fixed: fixed}
	}
	s.runs = append(s.runs, r)
}

// source handles `source FILE` and `. FILE`.
func (s *shellScan) source(args []*syntax.Word) {
	if len(args) > 0 {
		if w, ok := s.fixed(args[0]); ok && w == "--" {
			args = args[1:]
		}
	}
	if len(args) > 0 {
		s.add(record.TargetSource, "source", args[0], s.search)
	}
}

// command handles `command [-p] NAME`: NAME runs as a program, skipping
// functions (builtins still win). -p searches the default path; -v and
// -V only look NAME up.
func (s *shellScan) command(args []*syntax.Word) {
	search := s.search
	for i, a := range args {
		w, ok := s.fixed(a)
		if !ok {
			return
		}
		switch {
		case w == "--":
			continue
		case len(w) > 1 && w[0] == '-':
			if strings.ContainsAny(w, "vV") {
				return
			}
			if strings.Contains(w, "p") {
				search = DefaultSearchPath()
			}
			continue
		}
		if !isShellBuiltin(w) {
			s.add(record.TargetExec, "exec", args[i], search)
		}
		return
	}
}

// add adds word w as a target of kind k: a bare name is looked up in
// search, an absolute path is cleaned, a relative path with a slash
// resolves against s.dir (and is skipped when s.dir is "").
func (s *shellScan) add(k record.TargetKind, key string, w *syntax.Word, search []string) (record.Target, bool) {
	v, ok := s.fixed(w)
	if !ok || v == "" {
		return record.Target{}, false
	}
	ev := graph.Evidence{File: s.file, Line: int(w.Pos().Line()), Key: key}
	if s.ev != nil {
		ev = *s.ev
	}
	ev.Token = s.text(w, v)
	t := record.Target{Kind: k, Evidence: ev}
	switch {
	case !strings.Contains(v, "/"):
		t.Path, t.Search = v, slices.Clone(search)
	case path.IsAbs(v):
		t.Path = path.Clean(v)
	case s.dir == "":
		return record.Target{}, false
	default:
		t.Path, t.Dir = v, s.dir
	}
	s.targets.Add(t)
	return t, true
}

// text returns the source text of w as written, or value when the
// positions do not fit the source.
func (s *shellScan) text(w *syntax.Word, value string) string {
	from, to := w.Pos().Offset(), w.End().Offset()
	if from < to && to <= uint(len(s.src)) {
		return string(s.src[from:to])
	}
	return value
}

// fixed returns the value of w when it names one fixed string: literal
// text and quotes, a leading ~ or ~/, and $HOME or ${HOME} (bare or in
// double quotes), which expand to s.home. ok is false for any other
// expansion (another parameter, command or process substitution,
// arithmetic, ~user), for an unquoted glob (* ? [) and for a brace
// expansion ({a,b}).
func (s *shellScan) fixed(w *syntax.Word) (string, bool) {
	var b strings.Builder
	for i, part := range w.Parts {
		switch p := part.(type) {
		case *syntax.Lit:
			v := p.Value
			if i == 0 && strings.HasPrefix(v, "~") {
				// A tilde prefix runs to the first slash; only the
				// user's own home (~ alone) has a fixed value here.
				if v != "~" && !strings.HasPrefix(v, "~/") || v == "~" && len(w.Parts) > 1 {
					return "", false
				}
				b.WriteString(s.home)
				v = v[1:]
			}
			if strings.ContainsAny(v, "*?[") || strings.Contains(v, "{") && strings.Contains(v, "}") {
				return "", false
			}
			b.WriteString(unescape(v))
		case *syntax.SglQuoted:
			if p.Dollar && strings.Contains(p.Value, `\`) {
				return "", false // $'...' with escapes
			}
			b.WriteString(p.Value)
		case *syntax.DblQuoted:
			for _, q := range p.Parts {
				switch q := q.(type) {
				case *syntax.Lit:
					b.WriteString(unescapeDouble(q.Value))
				case *syntax.ParamExp:
					if !isHomeParam(q) {
						return "", false
					}
					b.WriteString(s.home)
				default:
					return "", false
				}
			}
		case *syntax.ParamExp:
			if !isHomeParam(p) {
				return "", false
			}
			b.WriteString(s.home)
		default:
			return "", false
		}
	}
	return b.String(), true
}

// isHomeParam reports whether p is exactly $HOME or ${HOME}.
func isHomeParam(p *syntax.ParamExp) bool {
	return p.Param != nil && p.Param.Value == "HOME" && p.Flags == nil &&
		!p.Excl && !p.Length && !p.Width && !p.IsSet &&
		p.Split == syntax.OptUnset && p.GlobSubst == syntax.OptUnset && p.RcExpand == syntax.OptUnset &&
		p.NestedParam == nil && p.Index == nil && len(p.Modifiers) == 0 &&
		p.Slice == nil && p.Repl == nil && p.Names == 0 && p.Exp == nil
}

// unescape removes the backslashes of an unquoted literal: \x is x.
func unescape(v string) string {
	if !strings.Contains(v, `\`) {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] == '\\' && i+1 < len(v) {
			i++
			if v[i] == '\n' {
				continue // line continuation
			}
		}
		b.WriteByte(v[i])
	}
	return b.String()
}

// unescapeDouble removes the backslashes that escape a character inside
// double quotes: only before $ ` " \ and newline; others are literal.
func unescapeDouble(v string) string {
	if !strings.Contains(v, `\`) {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] == '\\' && i+1 < len(v) && strings.IndexByte("$`\"\\\n", v[i+1]) >= 0 {
			i++
			if v[i] == '\n' {
				continue
			}
		}
		b.WriteByte(v[i])
	}
	return b.String()
}

// isShellBuiltin reports whether name is a shell builtin or reserved
// word: such a command runs inside the shell, so it names no file.
func isShellBuiltin(name string) bool {
	return interp.IsBuiltin(name) || isReservedWord(name)
}

// isReservedWord reports whether name is a bash reserved word.
// syntax.IsKeyword (mvdan.cc/sh v3.14) leaves out "elif", which bash
// reserves too.
func isReservedWord(name string) bool {
	return syntax.IsKeyword(name) || name == "elif"
}

// MaxNesting bounds how deep a script or -c string may nest before it is
// parsed. Real scripts nest a few levels; the parser recurses once per
// level, and some ten thousand times that overflows the stack.
const MaxNesting = 1000

// nesting estimates, without parsing, how deeply src nests: each (, {,
// [ and each if, while, until, for, case, select opens a level; ), }, ],
// fi, done and esac close one. Quotes and comments are not told apart,
// so the estimate may be off for text inside them, never by a factor.
func nesting(src []byte) int {
	depth, deepest := 0, 0
	open := func() {
		depth++
		deepest = max(deepest, depth)
	}
	closeLevel := func() {
		if depth > 0 {
			depth--
		}
	}
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '(' || c == '{' || c == '[':
			open()
			i++
		case c == ')' || c == '}' || c == ']':
			closeLevel()
			i++
		case c >= 'a' && c <= 'z':
			j := i
			for j < len(src) && src[j] >= 'a' && src[j] <= 'z' {
				j++
			}
			if i == 0 || !isWordByte(src[i-1]) {
				if j == len(src) || !isWordByte(src[j]) {
					switch string(src[i:j]) {
					case "if", "while", "until", "for", "case", "select":
						open()
					case "fi", "done", "esac":
						closeLevel()
					}
				}
			}
			i = j
		default:
			i++
		}
	}
	return deepest
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}
