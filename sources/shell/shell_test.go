package shell

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources/record"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

const testHome = "/Users/bert"

func scriptTarget(k record.TargetKind, p string, line int, key, token string, search ...string) record.Target {
	t := record.Target{Kind: k, Path: p, Evidence: graph.Evidence{File: "w.sh", Line: line, Key: key, Token: token}}
	if search != nil {
		t.Search = search
	}
	return t
}

func TestParseScriptWrapper(t *testing.T) {
	src, err := os.ReadFile("testdata/shell/wrapper.sh")
	if err != nil {
		t.Fatal(err)
	}
	search := []string{"/opt/homebrew/bin", "/usr/bin"}
	refs, probs := ParseScript(src, "w.sh", testHome, search)
	if len(probs) > 0 {
		t.Errorf("problems: %+v", probs)
	}
	want := []record.Target{
		scriptTarget(record.TargetSource, "/Users/bert/.sanctum/env.sh", 4, "source", `"$HOME/.sanctum/env.sh"`),
		scriptTarget(record.TargetSource, "/Users/bert/.sanctum/lib/common.sh", 5, "source", "~/.sanctum/lib/common.sh"),
		scriptTarget(record.TargetExec, "/opt/voice/bin/server", 16, "exec", "/opt/voice/bin/server"),
		scriptTarget(record.TargetExec, "python3", 20, "exec", "python3", search...),
		scriptTarget(record.TargetExec, "/Applications/My App.app/Contents/MacOS/my app", 21, "exec", "'/Applications/My App.app/Contents/MacOS/my app'"),
		scriptTarget(record.TargetExec, "/Users/bert/bin/voice-agent", 22, "exec", "${HOME}/bin/voice-\\\nagent"),
	}
	if diff := cmp.Diff(want, refs.Targets); diff != "" {
		t.Errorf("targets (-want +got):\n%s", diff)
	}
}

func TestParseScript(t *testing.T) {
	search := []string{"/usr/bin", "/bin"}
	tests := []struct {
		name  string
		src   string
		want  []record.Target
		probs []record.Problem
	}{
		{
			name: "exec options",
			src:  "exec -a name -cl /x/one\nexec -l -- /x/two\nexec -aname /x/three\nexec -x /x/invalid\n",
			want: []record.Target{
				scriptTarget(record.TargetExec, "/x/one", 1, "exec", "/x/one"),
				scriptTarget(record.TargetExec, "/x/two", 2, "exec", "/x/two"),
				scriptTarget(record.TargetExec, "/x/three", 3, "exec", "/x/three"),
			},
		},
		{
			name: "command names are not targets in a script",
			src:  "/usr/local/bin/helper --now\ngit pull\n",
		},
		{
			name: "source searches PATH for a bare name",
			src:  "source env.sh\n. /x/lib.sh\nsource -- /x/other.sh\n",
			want: []record.Target{
				scriptTarget(record.TargetSource, "env.sh", 1, "source", "env.sh", search...),
				scriptTarget(record.TargetSource, "/x/lib.sh", 2, "source", "/x/lib.sh"),
				scriptTarget(record.TargetSource, "/x/other.sh", 3, "source", "/x/other.sh"),
			},
		},
		{
			name: "relative paths are skipped in a script",
			src:  "exec ./bin/server\n. lib/x.sh\n",
		},
		{
			name: "exec inside functions, subshells and substitutions",
			src:  "main() {\n  ( exec /x/sub )\n}\necho \"$(exec /x/subst)\"\nmain\n",
			want: []record.Target{
				scriptTarget(record.TargetExec, "/x/sub", 2, "exec", "/x/sub"),
				scriptTarget(record.TargetExec, "/x/subst", 4, "exec", "/x/subst"),
			},
		},
		{
			name: "here-documents are data",
			src:  "cat <<'EOF' >/tmp/x\nexec /x/no\n. /x/no\nEOF\ncat <<-EOF\n\texec /x/no2\n\tEOF\nexec /x/yes\n",
			want: []record.Target{scriptTarget(record.TargetExec, "/x/yes", 8, "exec", "/x/yes")},
		},
		{
			name: "identical targets on one line are reported once",
			src:  "exec /x/a || exec /x/a\nexec /x/a\n",
			want: []record.Target{
				scriptTarget(record.TargetExec, "/x/a", 1, "exec", "/x/a"),
				scriptTarget(record.TargetExec, "/x/a", 2, "exec", "/x/a"),
			},
		},
		{
			name: "syntax error keeps the targets before it",
			src:  "#!/bin/sh\nexec /x/a\nif then\nexec /x/b\n",
			want: []record.Target{scriptTarget(record.TargetExec, "/x/a", 2, "exec", "/x/a")},
			probs: []record.Problem{{File: "w.sh", Line: 3,
				Message: "shell syntax error: `if` must be followed by a statement list"}},
		},
		{
			name: "unclosed quote",
			src:  "exec /x/a\necho 'oops\n",
			want: []record.Target{scriptTarget(record.TargetExec, "/x/a", 1, "exec", "/x/a")},
			probs: []record.Problem{{File: "w.sh", Line: 2,
				Message: "shell syntax error: reached EOF without closing quote `'`"}},
		},
		{
			name: "quoted words of the source are elided from parser messages",
			src:  "cat <<SECRETVALUE\n",
			probs: []record.Problem{{File: "w.sh", Line: 1,
				Message: "shell syntax error: unclosed here-document `…`"}},
		},
		{
			name: "empty script",
			src:  "",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			refs, probs := ParseScript([]byte(tc.src), "w.sh", testHome, search)
			if diff := cmp.Diff(tc.want, refs.Targets, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("targets (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.probs, probs, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseScriptBrokenFixture(t *testing.T) {
	src, err := os.ReadFile("testdata/shell/broken.sh")
	if err != nil {
		t.Fatal(err)
	}
	refs, probs := ParseScript(src, "broken.sh", testHome, nil)
	want := []record.Target{{Kind: record.TargetExec, Path: "/x/a", Evidence: graph.Evidence{File: "broken.sh", Line: 2, Key: "exec", Token: "/x/a"}}}
	if diff := cmp.Diff(want, refs.Targets); diff != "" {
		t.Errorf("targets (-want +got):\n%s", diff)
	}
	if len(probs) != 1 || probs[0].Line != 3 || probs[0].File != "broken.sh" {
		t.Errorf("problems = %+v, want one at broken.sh:3", probs)
	}
}

func TestCommandTargets(t *testing.T) {
	ev := graph.Evidence{File: "t.plist", Line: 9, Key: "ProgramArguments[2]", Token: "ignored"}
	search := []string{"/opt/bin", "/usr/bin"}
	cmdT := func(p, token string, search ...string) record.Target {
		t := record.Target{Kind: record.TargetExec, Path: p, Evidence: graph.Evidence{File: "t.plist", Line: 9, Key: "ProgramArguments[2]", Token: token}}
		if search != nil {
			t.Search = search
		}
		return t
	}
	relT := func(p, dir string) record.Target {
		t := cmdT(p, p)
		t.Dir = dir
		return t
	}
	srcT := func(p, token string, search ...string) record.Target {
		t := cmdT(p, token, search...)
		t.Kind = record.TargetSource
		return t
	}
	tests := []struct {
		name string
		cmd  string
		dir  string // "/srv" when empty; "-" for ""
		want []record.Target
	}{
		{name: "exec", cmd: "exec /x/run", want: []record.Target{cmdT("/x/run", "/x/run")}},
		{name: "dedupe", cmd: "git pull --rebase && git push", want: []record.Target{cmdT("git", "git", search...)}},
		{name: "cd skips relative paths", cmd: "cd /x && ./venv/bin/python app.py"},
		{name: "pushd skips relative paths", cmd: "pushd /x; bin/run; popd"},
		{name: "builtin cd skips relative paths", cmd: "builtin cd /x; bin/run"},
		{name: "relative path without cd", cmd: "./venv/bin/python app.py", want: []record.Target{relT("./venv/bin/python", "/srv")}},
		{name: "relative path with unknown dir", cmd: "./venv/bin/python app.py", dir: "-"},
		{name: "builtins and keywords",
			cmd: "echo hi; printf x; true; false; test -f /x; [ -f /x ]; [[ -f /x ]]; export A=1; set -e; unset B; : ; eval x; read a; shift; trap '' INT; wait; ulimit -n 1; umask 022; alias a=b; local x; declare y; typeset z; let i=1; type git; hash git; kill 1; getopts a b; times; pwd; exit 0"},
		{name: "functions are not targets", cmd: "f() { /x/helper; }; f; function h { return 1; }; h; g",
			want: []record.Target{cmdT("/x/helper", "/x/helper"), cmdT("g", "g", search...)}},
		{name: "function used before it is defined", cmd: "f; f() { :; }"},
		{name: "assignments", cmd: "A=1 B=2; C=3 /x/run", want: []record.Target{cmdT("/x/run", "/x/run")}},
		{name: "pipelines, subshells and compound commands",
			cmd: "a | b |& c; ( /x/sub ); { /x/block; }; if /x/check; then /x/yes; elif /x/maybe; then :; else /x/no; fi; while /x/wait; do sleep 1; done; for i in 1 2; do /x/loop \"$i\"; done; case $x in a) /x/case;; esac; ! /x/not; time /x/timed",
			want: []record.Target{
				cmdT("a", "a", search...), cmdT("b", "b", search...), cmdT("c", "c", search...),
				cmdT("/x/sub", "/x/sub"), cmdT("/x/block", "/x/block"), cmdT("/x/check", "/x/check"),
				cmdT("/x/yes", "/x/yes"), cmdT("/x/maybe", "/x/maybe"), cmdT("/x/no", "/x/no"),
				cmdT("/x/wait", "/x/wait"), cmdT("sleep", "sleep", search...), cmdT("/x/loop", "/x/loop"),
				cmdT("/x/case", "/x/case"), cmdT("/x/not", "/x/not"), cmdT("/x/timed", "/x/timed"),
			}},
		{name: "command substitution", cmd: "echo $(/x/inner) `/x/old`", want: []record.Target{cmdT("/x/inner", "/x/inner"), cmdT("/x/old", "/x/old")}},
		{name: "command builtin",
			cmd:  "command -v git >/dev/null && command git status; command echo hi; command -p ls; command -V x",
			want: []record.Target{cmdT("git", "git", search...), cmdT("ls", "ls", DefaultSearchPath()...)}},
		{name: "exec options", cmd: "exec -a name -- /x/run", want: []record.Target{cmdT("/x/run", "/x/run")}},
		{name: "exec of a bare name", cmd: "exec redis-server /etc/redis.conf", want: []record.Target{cmdT("redis-server", "redis-server", search...)}},
		{name: "exec with only redirections", cmd: "exec >/tmp/log 2>&1; /x/run", want: []record.Target{cmdT("/x/run", "/x/run")}},
		{name: "source", cmd: ". /x/env.sh; source env2.sh; /x/run",
			want: []record.Target{srcT("/x/env.sh", "/x/env.sh"), srcT("env2.sh", "env2.sh", search...), cmdT("/x/run", "/x/run")}},
		{name: "here-document", cmd: "cat <<EOF\n/x/not\nEOF", want: []record.Target{cmdT("cat", "cat", search...)}},
		{name: "arguments are not targets", cmd: "curl -fsS http://localhost/health -o /tmp/out --config=/x", want: []record.Target{cmdT("curl", "curl", search...)}},
		{name: "empty", cmd: ""},

		// Word handling.
		{name: "tilde", cmd: "~/bin/x", want: []record.Target{cmdT("/Users/bert/bin/x", "~/bin/x")}},
		{name: "tilde alone", cmd: "exec ~", want: []record.Target{cmdT("/Users/bert", "~")}},
		{name: "quoted HOME", cmd: `"$HOME"/bin/x`, want: []record.Target{cmdT("/Users/bert/bin/x", `"$HOME"/bin/x`)}},
		{name: "braced HOME", cmd: "${HOME}/bin/x", want: []record.Target{cmdT("/Users/bert/bin/x", "${HOME}/bin/x")}},
		{name: "braced HOME in quotes", cmd: `"${HOME}/bin/my x"`, want: []record.Target{cmdT("/Users/bert/bin/my x", `"${HOME}/bin/my x"`)}},
		{name: "other variable", cmd: "$HOMEBREW_PREFIX/bin/x; ${HOME:-/tmp}/x; ${#HOME}/x; $HOME$X/y"},
		{name: "glob", cmd: "/x/*.sh; /x/a?; /x/[ab]; {/a,/b}/x"},
		{name: "substitutions", cmd: "$(which python3) -V; $((1+2)); <(true)",
			want: []record.Target{cmdT("which", "which", search...)}},
		{name: "other user's home", cmd: "~other/bin/x; ~+/x"},
		{name: "tilde followed by quotes", cmd: `~"/bin/x"`},
		{name: "cleaned", cmd: "/usr//bin/../bin/x", want: []record.Target{cmdT("/usr/bin/x", "/usr//bin/../bin/x")}},
		{name: "quotes and escapes", cmd: `'/a b/c'; /d\ e/f; "/g\"h"; $'/i/j'; $'/k\tl'`,
			want: []record.Target{cmdT("/a b/c", "'/a b/c'"), cmdT("/d e/f", `/d\ e/f`), cmdT(`/g"h`, `"/g\"h"`), cmdT("/i/j", "$'/i/j'")}},
		{name: "escaped glob is skipped", cmd: `/x/\*`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := "/srv"
			switch tc.dir {
			case "-":
				dir = ""
			case "":
			default:
				dir = tc.dir
			}
			got, probs := CommandTargets(tc.cmd, ev, testHome, search, dir)
			if len(probs) > 0 {
				t.Errorf("problems: %+v", probs)
			}
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("targets (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCommandTargetsSyntaxError(t *testing.T) {
	ev := graph.Evidence{File: "t.plist", Line: 12, Key: "ProgramArguments[2]"}
	got, probs := CommandTargets("exec /x/a; if", ev, testHome, nil, "/")
	wantProbs := []record.Problem{{File: "t.plist", Line: 12, Key: "ProgramArguments[2]",
		Message: "shell syntax error in the command string: `if` must be followed by a statement list"}}
	if diff := cmp.Diff(wantProbs, probs); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	for _, tg := range got {
		if tg.Path != "/x/a" {
			t.Errorf("unexpected target %+v", tg)
		}
	}
}

func TestShellSecrets(t *testing.T) {
	cmds := []string{
		"API_TOKEN=SECRETVALUE /x/run --password SECRETVALUE",
		"export GITHUB_TOKEN=SECRETVALUE; exec /x/run",
		"[[ $x SECRETVALUE y ]]",
		"cat <<SECRETVALUE",
		"echo \"SECRETVALUE",
		"x=( SECRETVALUE",
	}
	for _, c := range cmds {
		got, probs := CommandTargets(c, graph.Evidence{File: "t.plist"}, testHome, nil, "/")
		refs, probs2 := ParseScript([]byte(c), "w.sh", testHome, nil)
		out := fmt.Sprintf("%+v %+v %+v %+v", got, probs, refs, probs2)
		if strings.Contains(out, "SECRETVALUE") {
			t.Errorf("%q leaks a value: %s", c, out)
		}
	}
}

func TestRedactQuoted(t *testing.T) {
	tests := []struct{ in, want string }{
		{"`&&` must be followed by a statement", "`&&` must be followed by a statement"},
		{"`then` can only be used in an `if`", "`then` can only be used in an `if`"},
		{"not a valid test operator: `secret`", "not a valid test operator: `…`"},
		{`invalid func name: "a` + "`" + `b"`, `invalid func name: "…"`},
		{"unbalanced `quote", "unbalanced `quote"},
	}
	for _, tc := range tests {
		if got := redactQuoted(tc.in); got != tc.want {
			t.Errorf("redactQuoted(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
