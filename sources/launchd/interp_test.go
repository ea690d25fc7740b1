package launchd

import (
	"fmt"
	"strings"
	"testing"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources/record"
	"github.com/driftmap/driftmap/sources/shell"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestInterpreterScripts checks the script each interpreter family finds,
// named directly by the job.
func TestInterpreterScripts(t *testing.T) {
	script := func(p, dir string, i int) record.Target {
		k := fmt.Sprintf("ProgramArguments[%d]", i)
		return target(record.TargetScript, p, dir, k, p)
	}
	tests := []struct {
		name string
		argv []string
		want []record.Target // beyond the exec target
	}{
		{"macruby script", []string{"/usr/local/bin/macruby", "-I", "lib", "/x/a.rb"}, []record.Target{script("/x/a.rb", "", 3)}},
		{"versioned ruby", []string{"/opt/bin/ruby3.3", "/x/a.rb"}, []record.Target{script("/x/a.rb", "", 1)}},
		{"php script", []string{"/usr/bin/php", "-d", "memory_limit=1G", "-c", "/etc/php.ini", "/x/cron.php", "--verbose"}, []record.Target{script("/x/cron.php", "", 5)}},
		{"php8.3 -f", []string{"/usr/bin/php8.3", "-n", "-f", "/x/cron.php", "--", "a"}, []record.Target{script("/x/cron.php", "", 3)}},
		{"php -r is inline", []string{"/usr/bin/php", "-r", "echo 1;", "/x/a.php"}, nil},
		{"php -S serves, no script", []string{"/usr/bin/php", "-S", "localhost:8000", "/x/router.php"}, nil},
		{"php -- reads stdin", []string{"/usr/bin/php", "--", "/x/arg"}, nil},
		{"php-fpm is not php", []string{"/usr/sbin/php-fpm", "/x/conf"}, nil},
		{"deno run", []string{"/opt/bin/deno", "run", "-A", "--config", "deno.json", "/x/main.ts", "--port", "80"}, []record.Target{script("/x/main.ts", "", 5)}},
		{"deno serve relative", []string{"/opt/bin/deno", "serve", "--allow-net", "main.ts"}, []record.Target{script("main.ts", "/", 3)}},
		{"deno bare file", []string{"/opt/bin/deno", "/x/main.ts"}, []record.Target{script("/x/main.ts", "", 1)}},
		{"deno URL is not a file", []string{"/opt/bin/deno", "run", "https://deno.land/std/http/file_server.ts"}, nil},
		{"deno npm specifier is not a file", []string{"/opt/bin/deno", "run", "-A", "npm:cowsay"}, nil},
		{"deno subcommand is not a file", []string{"/opt/bin/deno", "task", "start"}, nil},
		{"deno -e is inline", []string{"/opt/bin/deno", "eval", "console.log(1)"}, nil},
		{"bun file", []string{"/opt/bin/bun", "/x/server.ts"}, []record.Target{script("/x/server.ts", "", 1)}},
		{"bun run file with --cwd", []string{"/opt/bin/bun", "--cwd", "/srv/app", "run", "index.js"}, []record.Target{script("index.js", "/srv/app", 4)}},
		{"bun run package script is not a file", []string{"/opt/bin/bun", "run", "dev"}, nil},
		{"bun install is not a file", []string{"/opt/bin/bun", "install"}, nil},
		{"bun -e is inline", []string{"/opt/bin/bun", "-e", "1", "/x/a.ts"}, nil},
		{"java -jar", []string{"/usr/bin/java", "-Xmx1g", "-Dk=v", "-cp", "/x/lib", "-jar", "/x/app.jar", "--port", "1"}, []record.Target{script("/x/app.jar", "", 6)}},
		{"java main class is not a file", []string{"/usr/bin/java", "-cp", "/x/lib", "com.x.Main", "-jar", "/x/app.jar"}, nil},
		{"java -m module is not a file", []string{"/usr/bin/java", "-m", "x.mod/x.Main"}, nil},
		{"javac is not java", []string{"/usr/bin/javac", "-jar", "/x/a.jar"}, nil},
	}
	ignoreLines := cmpopts.IgnoreFields(graph.Evidence{}, "Line")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			job, probs := ParsePlist(xmlPlist(label, argv(tc.argv...)), "t.plist", testHome)
			if len(probs) > 0 {
				t.Fatalf("unexpected problems: %+v", probs)
			}
			want := append([]record.Target{exe(tc.argv[0], "ProgramArguments[0]", tc.argv[0])}, tc.want...)
			if diff := cmp.Diff(want, job.Targets, ignoreLines); diff != "" {
				t.Errorf("targets (-want +got):\n%s", diff)
			}
		})
	}
}

// TestIndirectThrough checks that a program named otherwise gets the
// interpreter rules when the loader says which interpreter it is.
func TestIndirectThrough(t *testing.T) {
	ignoreLines := cmpopts.IgnoreFields(graph.Evidence{}, "Line")
	xtts := argv("/Users/bert/.sanctum/bin/sanctum-xtts-server", "/Users/bert/Projects/xtts/server.py", "--port", "8020")
	tests := []struct {
		name, body, interp string
		want               []record.Target
	}{
		{"python shim", xtts, "python",
			[]record.Target{target(record.TargetScript, "/Users/bert/Projects/xtts/server.py", "", "ProgramArguments[1]", "/Users/bert/Projects/xtts/server.py")}},
		{"versioned python shim", xtts, "python3.12",
			[]record.Target{target(record.TargetScript, "/Users/bert/Projects/xtts/server.py", "", "ProgramArguments[1]", "/Users/bert/Projects/xtts/server.py")}},
		{"not an interpreter", xtts, "xtts-server", nil},
		{"env is not followed", xtts, "env", nil},
		{"options before the script", argv("~/bin/py", "-u", "-W", "ignore", "~/srv/app.py", "/health"), "python3",
			[]record.Target{target(record.TargetScript, "/Users/bert/srv/app.py", "", "ProgramArguments[4]", "~/srv/app.py")}},
		{"a URL path argument is never the script", argv("~/bin/probe", "-m", "http.client", "/health"), "python3", nil},
		{"shell -c string", argv("~/bin/mysh", "-c", "exec /x/run"), "bash",
			[]record.Target{exe("/x/run", "ProgramArguments[2]", "/x/run")}},
		{"bare name keeps the job's PATH for the program, not the script", argv("tool", "app.py"), "python", []record.Target{target(record.TargetScript, "app.py", "/", "ProgramArguments[1]", "app.py")}},
		{"java -jar behind a name", argv("/opt/bin/svc", "-jar", "/x/app.jar"), "java",
			[]record.Target{target(record.TargetScript, "/x/app.jar", "", "ProgramArguments[2]", "/x/app.jar")}},
		{"Program with ProgramArguments", str("Program", "/opt/bin/svc") + argv("svc", "/x/a.rb"), "ruby",
			[]record.Target{target(record.TargetScript, "/x/a.rb", "", "ProgramArguments[1]", "/x/a.rb")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			job, probs := ParsePlist(xmlPlist(label, tc.body), "t.plist", testHome)
			if len(probs) > 0 {
				t.Fatalf("unexpected problems: %+v", probs)
			}
			if len(job.Indirect) != 1 {
				t.Fatalf("Indirect = %+v, want one", job.Indirect)
			}
			if !cmp.Equal(job.Indirect[0].Exec, job.Targets[0]) {
				t.Errorf("Indirect.Exec = %+v, want the exec target %+v", job.Indirect[0].Exec, job.Targets[0])
			}
			got, probs := job.Indirect[0].Through(tc.interp)
			if len(probs) > 0 {
				t.Fatalf("unexpected problems: %+v", probs)
			}
			if diff := cmp.Diff(tc.want, got, ignoreLines, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Through(%q) (-want +got):\n%s", tc.interp, diff)
			}
			for _, tg := range got {
				if tg.Evidence.Line == 0 {
					t.Errorf("target %+v has no line", tg)
				}
			}
		})
	}
}

// An interpreter named directly, or a program without arguments, needs
// no Indirect.
func TestIndirectOnlyWhenNeeded(t *testing.T) {
	for _, body := range []string{argv("/usr/bin/python3", "/x/a.py"), argv("/x/bin/tool"), argv("/usr/bin/env", "python3", "/x/a.py")} {
		job, _ := ParsePlist(xmlPlist(label, body), "t.plist", testHome)
		if len(job.Indirect) != 0 {
			t.Errorf("%s: Indirect = %+v, want none", body, job.Indirect)
		}
	}
}

// An Indirect never keeps a credential-like argument, and never makes one
// a target, whatever the interpreter turns out to be.
func TestIndirectSecrets(t *testing.T) {
	bodies := []string{
		argv("/x/bin/shim", "--token", "SECRETVALUE", "/x/app.py"),
		argv("/x/bin/shim", "--password=SECRETVALUE"),
		argv("/x/bin/shim", "-u", "root", "-pSECRETVALUE"), // kept (see Indirect), never a target
		argv("/x/bin/shim", "https://u:SECRETVALUE@host/x"),
		argv("/x/bin/shim", "-c", "DB_PASSWORD=SECRETVALUE exec /x/run"),
	}
	for _, body := range bodies {
		job, _ := ParsePlist(xmlPlist(label, body), "t.plist", testHome)
		out := fmt.Sprintf("%+v %+v", job.Targets, job.Program)
		for _, x := range job.Indirect {
			for _, a := range x.args {
				if strings.Contains(a.val, "SECRETVALUE") && !strings.HasPrefix(a.val, "-p") {
					t.Errorf("%s: Indirect keeps %q", body, a.val)
				}
			}
		}
		for _, interp := range []string{"python3", "bash", "ruby", "php", "node", "java", "deno"} {
			for _, x := range job.Indirect {
				ts, probs := x.Through(interp)
				out += fmt.Sprintf("%+v %+v", ts, probs)
			}
		}
		if strings.Contains(out, "SECRETVALUE") {
			t.Errorf("%s leaks a secret: %s", body, out)
		}
	}
}

// TestWrapperRun checks the interpreter rules on a wrapper script's exec:
// a word that is not a fixed string is never the script, and a
// credential-like word is not kept.
func TestWrapperRun(t *testing.T) {
	exe := record.Target{Kind: record.TargetExec, Path: "/x/shim"}
	tests := []struct {
		name   string
		words  []shell.Word
		interp string
		want   []string
	}{
		{"script after options", []shell.Word{{Val: "-u", Line: 3, Fixed: true}, {Val: "/x/app.py", Line: 3, Fixed: true}, {Val: "/health", Line: 3, Fixed: true}}, "python3", []string{"/x/app.py"}},
		{"unfixed word is never the script", []shell.Word{{Line: 3}, {Val: "/x/app.py", Line: 3, Fixed: true}}, "python3", nil},
		{"relative script: the wrapper's directory is unknown", []shell.Word{{Val: "app.py", Line: 3, Fixed: true}}, "python3", nil},
		{"not an interpreter", []shell.Word{{Val: "/x/app.py", Line: 3, Fixed: true}}, "curl", nil},
		{"secret after --token", []shell.Word{{Val: "--token", Line: 3, Fixed: true}, {Val: "/x/SECRETVALUE", Line: 3, Fixed: true}}, "php", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x := WrapperRun(shell.Run{Exec: exe, Args: tc.words}, "/w", testHome)
			ts, probs := x.Through(tc.interp)
			if len(probs) > 0 {
				t.Fatalf("problems: %+v", probs)
			}
			var got []string
			for _, tg := range ts {
				got = append(got, tg.Path)
				if tg.Kind != record.TargetScript || tg.Evidence.File != "/w" || tg.Evidence.Key != "script" || tg.Evidence.Line != 3 {
					t.Errorf("target %+v", tg)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("scripts (-want +got):\n%s", diff)
			}
			if out := fmt.Sprintf("%+v", x); strings.Contains(out, "SECRETVALUE") {
				t.Errorf("keeps a secret: %s", out)
			}
		})
	}
}
