package launchd

import (
	"fmt"
	"html"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources/record"
	"github.com/driftmap/driftmap/sources/shell"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"howett.net/plist"
)

const testHome = "/Users/bert"

// xmlPlist wraps body lines in the usual four header lines and two footer
// lines of a launchd plist: the first body line is line 5.
func xmlPlist(body ...string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
` + strings.Join(body, "\n") + `
</dict>
</plist>
`)
}

// str writes a string-valued key on one line.
func str(key, val string) string {
	return "<key>" + key + "</key><string>" + html.EscapeString(val) + "</string>"
}

// argv writes ProgramArguments on one line.
func argv(words ...string) string {
	var b strings.Builder
	b.WriteString("<key>ProgramArguments</key><array>")
	for _, w := range words {
		b.WriteString("<string>" + html.EscapeString(w) + "</string>")
	}
	b.WriteString("</array>")
	return b.String()
}

// env writes EnvironmentVariables on one line.
func env(kv ...string) string {
	var b strings.Builder
	b.WriteString("<key>EnvironmentVariables</key><dict>")
	for i := 0; i+1 < len(kv); i += 2 {
		b.WriteString(str(kv[i], kv[i+1]))
	}
	b.WriteString("</dict>")
	return b.String()
}

const label = "<key>Label</key><string>com.sanctum.test</string>"

func exe(p, key, token string, search ...string) record.Target {
	t := record.Target{Kind: record.TargetExec, Path: p, Evidence: graph.Evidence{File: "t.plist", Key: key, Token: token}}
	if search != nil {
		t.Search = search
	}
	return t
}

func target(k record.TargetKind, p, dir, key, token string) record.Target {
	return record.Target{Kind: k, Path: p, Dir: dir, Evidence: graph.Evidence{File: "t.plist", Key: key, Token: token}}
}

func TestParsePlistTargets(t *testing.T) {
	tests := []struct {
		name    string
		body    []string
		program string
		want    []record.Target
	}{
		{
			name:    "Program wins over ProgramArguments[0]",
			body:    []string{str("Program", "/usr/local/bin/real"), argv("/bin/fake", "--verbose")},
			program: "/usr/local/bin/real",
			want:    []record.Target{exe("/usr/local/bin/real", "Program", "/usr/local/bin/real")},
		},
		{
			name:    "ProgramArguments[0] without Program",
			body:    []string{argv("/opt/x/bin/server", "--verbose")},
			program: "/opt/x/bin/server",
			want:    []record.Target{exe("/opt/x/bin/server", "ProgramArguments[0]", "/opt/x/bin/server")},
		},
		{
			name: "Program alone",
			body: []string{str("Program", "/opt/x/bin/server")},
			want: []record.Target{exe("/opt/x/bin/server", "Program", "/opt/x/bin/server")},
		},
		{
			name: "arguments are never targets",
			body: []string{argv("/opt/x/bin/probe", "/health", "/v1/models", "https://example.com/v1/models",
				"--config=/etc/x.conf", "-c", "/etc/x.conf", "/usr/local/etc/data")},
			want: []record.Target{exe("/opt/x/bin/probe", "ProgramArguments[0]", "/opt/x/bin/probe")},
		},
		{
			name: "bare name with launchd's default path",
			body: []string{argv("redis-server", "/opt/redis.conf")},
			want: []record.Target{exe("redis-server", "ProgramArguments[0]", "redis-server", shell.DefaultSearchPath()...)},
		},
		{
			name: "bare name with the job's PATH",
			body: []string{env("PATH", "~/bin:/opt/homebrew/bin::$HOME/.local/bin:${HOME}/x/../y:$HOMEBREW_PREFIX/bin:relative"),
				argv("redis-server")},
			want: []record.Target{exe("redis-server", "ProgramArguments[0]", "redis-server",
				"/Users/bert/bin", "/opt/homebrew/bin", "/Users/bert/.local/bin", "/Users/bert/y")},
		},
		{
			name: "bare name with an unusable PATH is searched nowhere",
			body: []string{env("PATH", "$PREFIX/bin"), argv("redis-server")},
			want: []record.Target{exe("redis-server", "ProgramArguments[0]", "redis-server", []string{}...)},
		},
		{
			name: "home expansion",
			body: []string{str("Program", "$HOME/bin/x"), argv("x", "~/bin/y")},
			want: []record.Target{exe("/Users/bert/bin/x", "Program", "$HOME/bin/x")},
		},
		{
			name: "tilde",
			body: []string{argv("~/bin/x")},
			want: []record.Target{exe("/Users/bert/bin/x", "ProgramArguments[0]", "~/bin/x")},
		},
		{
			name: "braced HOME, cleaned",
			body: []string{argv("${HOME}/bin/../libexec//x")},
			want: []record.Target{exe("/Users/bert/libexec/x", "ProgramArguments[0]", "${HOME}/bin/../libexec//x")},
		},
		{
			name:    "another variable is not a target",
			body:    []string{argv("$HOMEBREW_PREFIX/bin/x", "--flag")},
			program: "$HOMEBREW_PREFIX/bin/x",
		},
		{
			name: "relative program resolves against WorkingDirectory",
			body: []string{str("WorkingDirectory", "~/srv/app"), argv("./run.sh")},
			want: []record.Target{
				target(record.TargetExec, "./run.sh", "/Users/bert/srv/app", "ProgramArguments[0]", "./run.sh"),
				target(record.TargetWorkingDir, "/Users/bert/srv/app", "", "WorkingDirectory", "~/srv/app"),
			},
		},
		{
			name: "relative program without WorkingDirectory resolves against /",
			body: []string{argv("bin/x")},
			want: []record.Target{target(record.TargetExec, "bin/x", "/", "ProgramArguments[0]", "bin/x")},
		},
		{
			name:    "relative program with an unknown WorkingDirectory is not a target",
			body:    []string{str("WorkingDirectory", "$APP"), argv("bin/x")},
			program: "bin/x",
		},
		{
			name: "directory and log keys",
			body: []string{
				argv("/bin/x"),
				str("WorkingDirectory", "/srv/app/"),
				str("RootDirectory", "/"),
				str("StandardOutPath", "~/Library/Logs/x.log"),
				str("StandardErrorPath", "logs/x.err"),
			},
			want: []record.Target{
				exe("/bin/x", "ProgramArguments[0]", "/bin/x"),
				target(record.TargetWorkingDir, "/srv/app", "", "WorkingDirectory", "/srv/app/"),
				target(record.TargetRootDir, "/", "", "RootDirectory", "/"),
				target(record.TargetLogDir, "/Users/bert/Library/Logs/x.log", "", "StandardOutPath", "~/Library/Logs/x.log"),
				target(record.TargetLogDir, "logs/x.err", "/srv/app", "StandardErrorPath", "logs/x.err"),
			},
		},
		{
			name: "keys that are never targets",
			body: []string{
				argv("/bin/x"),
				str("StandardInPath", "/dev/null"),
				"<key>WatchPaths</key><array><string>/etc/hosts</string></array>",
				"<key>QueueDirectories</key><array><string>/var/spool/x</string></array>",
				"<key>KeepAlive</key><dict><key>PathState</key><dict><key>/tmp/flag</key><true/></dict></dict>",
				"<key>Sockets</key><dict><key>Listeners</key><dict><key>SockPathName</key><string>/tmp/x.sock</string></dict></dict>",
			},
			want: []record.Target{exe("/bin/x", "ProgramArguments[0]", "/bin/x")},
		},
		{
			name: "same path under two keys is kept twice",
			body: []string{argv("/bin/x"), str("StandardOutPath", "/tmp/x.log"), str("StandardErrorPath", "/tmp/x.log")},
			want: []record.Target{
				exe("/bin/x", "ProgramArguments[0]", "/bin/x"),
				target(record.TargetLogDir, "/tmp/x.log", "", "StandardOutPath", "/tmp/x.log"),
				target(record.TargetLogDir, "/tmp/x.log", "", "StandardErrorPath", "/tmp/x.log"),
			},
		},

		// env(1)
		{
			name: "env python3 script",
			body: []string{argv("/usr/bin/env", "python3", "/x/y.py")},
			want: []record.Target{
				exe("/usr/bin/env", "ProgramArguments[0]", "/usr/bin/env"),
				exe("python3", "ProgramArguments[1]", "python3", shell.DefaultSearchPath()...),
				target(record.TargetScript, "/x/y.py", "", "ProgramArguments[2]", "/x/y.py"),
			},
		},
		{
			name: "env with options, assignments and PATH",
			body: []string{str("WorkingDirectory", "/srv/app"),
				argv("/usr/bin/env", "-u", "LANG", "-i", "PATH=/opt/py/bin:~/bin", "DEBUG=1", "python3", "-u", "app.py")},
			want: []record.Target{
				exe("/usr/bin/env", "ProgramArguments[0]", "/usr/bin/env"),
				exe("python3", "ProgramArguments[6]", "python3", "/opt/py/bin", "/Users/bert/bin"),
				target(record.TargetScript, "app.py", "/srv/app", "ProgramArguments[8]", "app.py"),
				target(record.TargetWorkingDir, "/srv/app", "", "WorkingDirectory", "/srv/app"),
			},
		},
		{
			name: "env -i uses the default path",
			body: []string{env("PATH", "/opt/bin"), argv("env", "-i", "node", "/srv/app.js")},
			want: []record.Target{
				exe("env", "ProgramArguments[0]", "env", "/opt/bin"),
				exe("node", "ProgramArguments[2]", "node", shell.DefaultSearchPath()...),
				target(record.TargetScript, "/srv/app.js", "", "ProgramArguments[3]", "/srv/app.js"),
			},
		},
		{
			name: "env -P altpath wins over PATH=",
			body: []string{argv("/usr/bin/env", "-P", "/opt/alt", "PATH=/opt/other", "--", "tool")},
			want: []record.Target{
				exe("/usr/bin/env", "ProgramArguments[0]", "/usr/bin/env"),
				exe("tool", "ProgramArguments[5]", "tool", "/opt/alt"),
			},
		},
		{
			name: "env -S splits its operand",
			body: []string{argv("/usr/bin/env", "-S", "python3 -u", "/x/a.py")},
			want: []record.Target{
				exe("/usr/bin/env", "ProgramArguments[0]", "/usr/bin/env"),
				exe("python3", "ProgramArguments[2]", "python3", shell.DefaultSearchPath()...),
				target(record.TargetScript, "/x/a.py", "", "ProgramArguments[3]", "/x/a.py"),
			},
		},
		{
			name: "env -C changes the script's directory",
			body: []string{argv("/usr/bin/env", "--chdir=/srv", "/usr/bin/ruby", "app.rb")},
			want: []record.Target{
				exe("/usr/bin/env", "ProgramArguments[0]", "/usr/bin/env"),
				exe("/usr/bin/ruby", "ProgramArguments[2]", "/usr/bin/ruby"),
				target(record.TargetScript, "app.rb", "/srv", "ProgramArguments[3]", "app.rb"),
			},
		},
		{
			name: "env with nothing to run",
			body: []string{argv("/usr/bin/env", "A=1")},
			want: []record.Target{exe("/usr/bin/env", "ProgramArguments[0]", "/usr/bin/env")},
		},

		// Shells.
		{
			name: "sh -c exec",
			body: []string{argv("/bin/sh", "-c", "exec /x/run")},
			want: []record.Target{
				exe("/bin/sh", "ProgramArguments[0]", "/bin/sh"),
				exe("/x/run", "ProgramArguments[2]", "/x/run"),
			},
		},
		{
			name: "bash -lc with cd skips relative paths",
			body: []string{argv("/bin/bash", "-lc", "cd /x && ./venv/bin/python app.py")},
			want: []record.Target{exe("/bin/bash", "ProgramArguments[0]", "/bin/bash")},
		},
		{
			name: "sh -c without cd resolves relative paths against WorkingDirectory",
			body: []string{str("WorkingDirectory", "/srv"), argv("sh", "-ec", "./venv/bin/python app.py")},
			want: []record.Target{
				exe("sh", "ProgramArguments[0]", "sh", shell.DefaultSearchPath()...),
				target(record.TargetExec, "./venv/bin/python", "/srv", "ProgramArguments[2]", "./venv/bin/python"),
				target(record.TargetWorkingDir, "/srv", "", "WorkingDirectory", "/srv"),
			},
		},
		{
			name: "sh -c commands are deduplicated",
			body: []string{env("PATH", "/opt/homebrew/bin:/usr/bin"), argv("/bin/sh", "-c", "git pull --rebase && git push")},
			want: []record.Target{
				exe("/bin/sh", "ProgramArguments[0]", "/bin/sh"),
				exe("git", "ProgramArguments[2]", "git", "/opt/homebrew/bin", "/usr/bin"),
			},
		},
		{
			name: "arguments after the -c string are $0 and $1",
			body: []string{argv("/bin/sh", "-c", `exec "$0" "$@"`, "/x/y", "/x/z")},
			want: []record.Target{exe("/bin/sh", "ProgramArguments[0]", "/bin/sh")},
		},
		{
			name: "-c string comes after the other options",
			body: []string{argv("/bin/bash", "-c", "-o", "pipefail", "--", "exec /x/run")},
			want: []record.Target{
				exe("/bin/bash", "ProgramArguments[0]", "/bin/bash"),
				exe("/x/run", "ProgramArguments[5]", "/x/run"),
			},
		},
		{
			name: "-cl",
			body: []string{argv("/bin/zsh", "-cl", "/x/run --now")},
			want: []record.Target{
				exe("/bin/zsh", "ProgramArguments[0]", "/bin/zsh"),
				exe("/x/run", "ProgramArguments[2]", "/x/run"),
			},
		},
		{
			name: "shell script with options",
			body: []string{argv("/bin/bash", "-e", "-o", "pipefail", "+O", "extglob", "--rcfile", "/x/rc", "~/bin/job.sh", "/arg")},
			want: []record.Target{
				exe("/bin/bash", "ProgramArguments[0]", "/bin/bash"),
				target(record.TargetScript, "/Users/bert/bin/job.sh", "", "ProgramArguments[8]", "~/bin/job.sh"),
			},
		},
		{
			name: "shell: - ends the options",
			body: []string{argv("/bin/sh", "-", "/x/job.sh")},
			want: []record.Target{
				exe("/bin/sh", "ProgramArguments[0]", "/bin/sh"),
				target(record.TargetScript, "/x/job.sh", "", "ProgramArguments[2]", "/x/job.sh"),
			},
		},
		{
			name: "shell -s reads standard input",
			body: []string{argv("/bin/sh", "-s", "/x/arg")},
			want: []record.Target{exe("/bin/sh", "ProgramArguments[0]", "/bin/sh")},
		},
		{
			name: "fish -c is not parsed",
			body: []string{argv("/opt/homebrew/bin/fish", "-c", "exec /x/run")},
			want: []record.Target{exe("/opt/homebrew/bin/fish", "ProgramArguments[0]", "/opt/homebrew/bin/fish")},
		},
		{
			name: "Program with ProgramArguments as argv",
			body: []string{str("Program", "/bin/sh"), argv("sh", "-c", "exec /x/run")},
			want: []record.Target{
				exe("/bin/sh", "Program", "/bin/sh"),
				exe("/x/run", "ProgramArguments[2]", "/x/run"),
			},
		},

		// Other interpreters.
		{
			name: "python -m is inline",
			body: []string{argv("python3", "-m", "http.server", "8000")},
			want: []record.Target{exe("python3", "ProgramArguments[0]", "python3", shell.DefaultSearchPath()...)},
		},
		{
			name: "python -c is inline",
			body: []string{argv("/usr/bin/python3", "-Bc", "import x", "/x/y.py")},
			want: []record.Target{exe("/usr/bin/python3", "ProgramArguments[0]", "/usr/bin/python3")},
		},
		{
			name: "python script after options",
			body: []string{argv("/usr/bin/python3", "-u", "/x/app.py", "--port", "80")},
			want: []record.Target{
				exe("/usr/bin/python3", "ProgramArguments[0]", "/usr/bin/python3"),
				target(record.TargetScript, "/x/app.py", "", "ProgramArguments[2]", "/x/app.py"),
			},
		},
		{
			name: "python options with values",
			body: []string{argv("/opt/py/bin/python3.12", "-W", "ignore", "-Xdev", "-X", "utf8", "/x/app.py")},
			want: []record.Target{
				exe("/opt/py/bin/python3.12", "ProgramArguments[0]", "/opt/py/bin/python3.12"),
				target(record.TargetScript, "/x/app.py", "", "ProgramArguments[6]", "/x/app.py"),
			},
		},
		{
			name: "python - reads standard input",
			body: []string{argv("/usr/bin/python3", "-", "/x/app.py")},
			want: []record.Target{exe("/usr/bin/python3", "ProgramArguments[0]", "/usr/bin/python3")},
		},
		{
			name: "python venv script relative to WorkingDirectory",
			body: []string{str("WorkingDirectory", "/srv/app"), argv("/srv/app/venv/bin/python", "main.py")},
			want: []record.Target{
				exe("/srv/app/venv/bin/python", "ProgramArguments[0]", "/srv/app/venv/bin/python"),
				target(record.TargetScript, "main.py", "/srv/app", "ProgramArguments[1]", "main.py"),
				target(record.TargetWorkingDir, "/srv/app", "", "WorkingDirectory", "/srv/app"),
			},
		},
		{
			name: "python-config is not an interpreter",
			body: []string{argv("/usr/bin/python3-config", "/x/y")},
			want: []record.Target{exe("/usr/bin/python3-config", "ProgramArguments[0]", "/usr/bin/python3-config")},
		},
		{
			name: "osascript script",
			body: []string{argv("/usr/bin/osascript", "-l", "JavaScript", "/x/a.scpt", "arg")},
			want: []record.Target{
				exe("/usr/bin/osascript", "ProgramArguments[0]", "/usr/bin/osascript"),
				target(record.TargetScript, "/x/a.scpt", "", "ProgramArguments[3]", "/x/a.scpt"),
			},
		},
		{
			name: "osascript -e is inline",
			body: []string{argv("/usr/bin/osascript", "-e", `tell application "Finder" to quit`)},
			want: []record.Target{exe("/usr/bin/osascript", "ProgramArguments[0]", "/usr/bin/osascript")},
		},
		{
			name: "ruby -e is inline",
			body: []string{argv("/usr/bin/ruby", "-rjson", "-e", "puts 1", "/x/y.rb")},
			want: []record.Target{exe("/usr/bin/ruby", "ProgramArguments[0]", "/usr/bin/ruby")},
		},
		{
			name: "ruby options with values",
			body: []string{argv("/usr/bin/ruby", "-I", "lib", "-r", "bundler/setup", "-W0", "/srv/app.rb")},
			want: []record.Target{
				exe("/usr/bin/ruby", "ProgramArguments[0]", "/usr/bin/ruby"),
				target(record.TargetScript, "/srv/app.rb", "", "ProgramArguments[6]", "/srv/app.rb"),
			},
		},
		{
			name: "ruby -C changes the script's directory",
			body: []string{str("WorkingDirectory", "/srv"), argv("/usr/bin/ruby", "-C", "app", "main.rb")},
			want: []record.Target{
				exe("/usr/bin/ruby", "ProgramArguments[0]", "/usr/bin/ruby"),
				target(record.TargetScript, "main.rb", "/srv/app", "ProgramArguments[3]", "main.rb"),
				target(record.TargetWorkingDir, "/srv", "", "WorkingDirectory", "/srv"),
			},
		},
		{
			name: "ruby -S searches PATH",
			body: []string{argv("/usr/bin/ruby", "-S", "rake", "jobs:work")},
			want: []record.Target{
				exe("/usr/bin/ruby", "ProgramArguments[0]", "/usr/bin/ruby"),
				{Kind: record.TargetScript, Path: "rake", Search: shell.DefaultSearchPath(), Evidence: graph.Evidence{File: "t.plist", Key: "ProgramArguments[2]", Token: "rake"}},
			},
		},
		{
			name: "perl -e and -lne are inline",
			body: []string{argv("/usr/bin/perl", "-lne", "print", "/x/in.txt")},
			want: []record.Target{exe("/usr/bin/perl", "ProgramArguments[0]", "/usr/bin/perl")},
		},
		{
			name: "perl script",
			body: []string{argv("/usr/bin/perl", "-w", "-I", "/x/lib", "-MJSON", "-l0", "/x/s.pl")},
			want: []record.Target{
				exe("/usr/bin/perl", "ProgramArguments[0]", "/usr/bin/perl"),
				target(record.TargetScript, "/x/s.pl", "", "ProgramArguments[6]", "/x/s.pl"),
			},
		},
		{
			name: "node script after --require",
			body: []string{argv("/opt/homebrew/bin/node", "--require", "ts-node/register", "--max-old-space-size=4096", "/srv/app.js")},
			want: []record.Target{
				exe("/opt/homebrew/bin/node", "ProgramArguments[0]", "/opt/homebrew/bin/node"),
				target(record.TargetScript, "/srv/app.js", "", "ProgramArguments[4]", "/srv/app.js"),
			},
		},
		{
			name: "node --eval is inline",
			body: []string{argv("node", "--eval", "require('x')")},
			want: []record.Target{exe("node", "ProgramArguments[0]", "node", shell.DefaultSearchPath()...)},
		},
		{
			name: "node -e is inline",
			body: []string{argv("node", "-e", "1", "/srv/app.js")},
			want: []record.Target{exe("node", "ProgramArguments[0]", "node", shell.DefaultSearchPath()...)},
		},
		{
			name: "interpreter with an unexpandable script",
			body: []string{argv("/usr/bin/python3", "$APP/main.py")},
			want: []record.Target{exe("/usr/bin/python3", "ProgramArguments[0]", "/usr/bin/python3")},
		},
		{
			name:    "interpreter named through a variable still runs a script",
			body:    []string{argv("$VENV/bin/python3", "/srv/main.py")},
			program: "$VENV/bin/python3",
			want:    []record.Target{target(record.TargetScript, "/srv/main.py", "", "ProgramArguments[1]", "/srv/main.py")},
		},
	}
	// Lines are checked by TestParsePlistLines.
	ignoreLines := cmpopts.IgnoreFields(graph.Evidence{}, "Line")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := append([]string{label}, tc.body...)
			job, probs := ParsePlist(xmlPlist(body...), "t.plist", testHome)
			if len(probs) > 0 {
				t.Fatalf("unexpected problems: %+v", probs)
			}
			if diff := cmp.Diff(tc.want, job.Targets, ignoreLines); diff != "" {
				t.Errorf("targets (-want +got):\n%s", diff)
			}
			want := tc.program
			if want == "" && len(tc.want) > 0 {
				want = tc.want[0].Evidence.Token
			}
			if job.Program != want {
				t.Errorf("Program = %q, want %q", job.Program, want)
			}
			for _, tg := range job.Targets {
				if tg.Evidence.Line == 0 {
					t.Errorf("target %+v has no line", tg)
				}
			}
		})
	}
}

func TestParsePlistLines(t *testing.T) {
	data := xmlPlist(
		`<key>Label</key>`, // 5
		`<string>com.sanctum.voice</string>`,
		`<key>Disabled</key>`, // 7
		`<false/>`,
		`<key>ProgramArguments</key>`, // 9
		`<array>`,
		`  <!-- the interpreter -->`,
		`  <string>/usr/bin/env</string>`, // 12
		`  <!-- <string>not an element</string> -->`,
		`  <string>python3</string>`, // 14
		``,
		`  <string>/srv/voice/main.py</string>`, // 16
		``,
		`</array>`,
		`<key>WorkingDirectory</key>`, // 19
		`<string>/srv/voice</string>`,
		`<key>KeepAlive</key>`,
		`<dict>`,
		`  <key>OtherJobEnabled</key>`,
		`  <dict>`,
		`    <key>com.sanctum.ollama</key><true/>`, // 25
		`    <key>com.sanctum.db</key>`,            // 26
		`    <false/>`,
		`  </dict>`,
		`</dict>`,
		`<key>EnvironmentVariables</key>`, // 30
		`<dict><key>PATH</key><integer>3</integer></dict>`,
	)
	job, probs := ParsePlist(data, "t.plist", testHome)
	wantJob := Job{
		File:      "t.plist",
		Label:     "com.sanctum.voice",
		LabelLine: 5,
		Program:   "/usr/bin/env",
		Targets: []record.Target{
			{Kind: record.TargetExec, Path: "/usr/bin/env", Evidence: graph.Evidence{File: "t.plist", Line: 12, Key: "ProgramArguments[0]", Token: "/usr/bin/env"}},
			{Kind: record.TargetExec, Path: "python3", Search: shell.DefaultSearchPath(), Evidence: graph.Evidence{File: "t.plist", Line: 14, Key: "ProgramArguments[1]", Token: "python3"}},
			{Kind: record.TargetScript, Path: "/srv/voice/main.py", Evidence: graph.Evidence{File: "t.plist", Line: 16, Key: "ProgramArguments[2]", Token: "/srv/voice/main.py"}},
			{Kind: record.TargetWorkingDir, Path: "/srv/voice", Evidence: graph.Evidence{File: "t.plist", Line: 19, Key: "WorkingDirectory", Token: "/srv/voice"}},
		},
		OtherJobs: []graph.Evidence{
			{File: "t.plist", Line: 26, Key: "KeepAlive.OtherJobEnabled", Token: "com.sanctum.db"},
			{File: "t.plist", Line: 25, Key: "KeepAlive.OtherJobEnabled", Token: "com.sanctum.ollama"},
		},
	}
	if diff := cmp.Diff(wantJob, job, cmpopts.IgnoreFields(Job{}, "RunAtLoad", "KeepAlive", "StartLine", "Command")); diff != "" {
		t.Errorf("job (-want +got):\n%s", diff)
	}
	wantProbs := []record.Problem{{File: "t.plist", Line: 31, Key: "EnvironmentVariables.PATH", Message: "EnvironmentVariables.PATH must be a string, found an integer"}}
	if diff := cmp.Diff(wantProbs, probs); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

func TestParsePlistFixtures(t *testing.T) {
	tests := []struct {
		file      string
		label     string
		disabled  bool
		targets   []record.Target
		otherJobs []graph.Evidence
		probs     []record.Problem
	}{
		{
			file:  "testdata/plist/voice-agent.plist",
			label: "com.sanctum.voice-agent",
			targets: []record.Target{
				{Kind: record.TargetExec, Path: "/Users/bert/.sanctum/bin/voice-agent", Evidence: graph.Evidence{Line: 9, Key: "ProgramArguments[0]", Token: "/Users/bert/.sanctum/bin/voice-agent"}},
				{Kind: record.TargetWorkingDir, Path: "/Users/bert/sanctum/voice", Evidence: graph.Evidence{Line: 19, Key: "WorkingDirectory", Token: "/Users/bert/sanctum/voice"}},
				{Kind: record.TargetLogDir, Path: "/Users/bert/Library/Logs/sanctum/voice-agent.log", Evidence: graph.Evidence{Line: 21, Key: "StandardOutPath", Token: "/Users/bert/Library/Logs/sanctum/voice-agent.log"}},
				{Kind: record.TargetLogDir, Path: "/Users/bert/Library/Logs/sanctum/voice-agent.err", Evidence: graph.Evidence{Line: 23, Key: "StandardErrorPath", Token: "/Users/bert/Library/Logs/sanctum/voice-agent.err"}},
			},
			otherJobs: []graph.Evidence{{Line: 30, Key: "KeepAlive.OtherJobEnabled", Token: "com.sanctum.ollama"}},
		},
		{
			file:     "testdata/plist/watchdog.plist",
			label:    "com.sanctum.watchdog",
			disabled: true,
			targets: []record.Target{
				{Kind: record.TargetExec, Path: "/bin/bash", Evidence: graph.Evidence{Line: 10, Key: "ProgramArguments[0]", Token: "/bin/bash"}},
				{Kind: record.TargetExec, Path: "curl", Search: []string{"/opt/homebrew/bin", "/usr/bin", "/bin"}, Evidence: graph.Evidence{Line: 12, Key: "ProgramArguments[2]", Token: "curl"}},
				{Kind: record.TargetExec, Path: "/Users/bert/.sanctum/bin/watchdog", Evidence: graph.Evidence{Line: 12, Key: "ProgramArguments[2]", Token: `"$HOME/.sanctum/bin/watchdog"`}},
			},
		},
		{
			file: "testdata/plist/broken-types.plist",
			probs: []record.Problem{
				{Line: 5, Key: "Label", Message: "Label must be a string, found an integer"},
				{Line: 7, Key: "Disabled", Message: "Disabled must be a boolean, found a string"},
				{Line: 11, Key: "EnvironmentVariables", Message: "EnvironmentVariables must be a dictionary, found an array"},
				{Line: 9, Key: "ProgramArguments", Message: "ProgramArguments must be an array of strings, found a string"},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			job, probs := ParsePlist(data, tc.file, testHome)
			for i := range tc.targets {
				tc.targets[i].Evidence.File = tc.file
			}
			for i := range tc.otherJobs {
				tc.otherJobs[i].File = tc.file
			}
			for i := range tc.probs {
				tc.probs[i].File = tc.file
			}
			if job.Label != tc.label || job.Disabled != tc.disabled {
				t.Errorf("Label, Disabled = %q, %v; want %q, %v", job.Label, job.Disabled, tc.label, tc.disabled)
			}
			if diff := cmp.Diff(tc.targets, job.Targets, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("targets (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.otherJobs, job.OtherJobs, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("other jobs (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.probs, probs, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParsePlistOtherJobsAndDisabled(t *testing.T) {
	data := xmlPlist(label,
		`<key>Disabled</key><true/>`,
		argv("/bin/x"),
		`<key>KeepAlive</key><dict><key>SuccessfulExit</key><false/><key>OtherJobEnabled</key><dict>`,
		`<key>com.b</key><true/>`,
		`<key>com.a</key><false/>`,
		`<key>com.c</key><string>yes</string>`,
		`</dict></dict>`)
	job, probs := ParsePlist(data, "t.plist", testHome)
	if !job.Disabled {
		t.Error("Disabled = false, want true")
	}
	wantJobs := []graph.Evidence{
		{File: "t.plist", Line: 10, Key: "KeepAlive.OtherJobEnabled", Token: "com.a"},
		{File: "t.plist", Line: 9, Key: "KeepAlive.OtherJobEnabled", Token: "com.b"},
	}
	if diff := cmp.Diff(wantJobs, job.OtherJobs); diff != "" {
		t.Errorf("other jobs (-want +got):\n%s", diff)
	}
	wantProbs := []record.Problem{{File: "t.plist", Line: 11, Key: "KeepAlive.OtherJobEnabled",
		Message: `KeepAlive.OtherJobEnabled value for "com.c" must be a boolean, found a string`}}
	if diff := cmp.Diff(wantProbs, probs); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

func TestParsePlistProblems(t *testing.T) {
	tests := []struct {
		name  string
		data  []byte
		want  []record.Problem
		label string
	}{
		{
			name: "ProgramArguments as a string",
			data: xmlPlist(label, str("ProgramArguments", "/bin/x --flag")),
			want: []record.Problem{
				{Line: 6, Key: "ProgramArguments", Message: "ProgramArguments must be an array of strings, found a string"},
			},
			label: "com.sanctum.test",
		},
		{
			name: "ProgramArguments element of the wrong type",
			data: xmlPlist(label, `<key>ProgramArguments</key><array>`, `<string>/bin/x</string>`, `<integer>3</integer>`, `</array>`),
			want: []record.Problem{
				{Line: 8, Key: "ProgramArguments[1]", Message: "ProgramArguments[1] must be a string, found an integer"},
			},
			label: "com.sanctum.test",
		},
		{
			name: "Label as an integer",
			data: xmlPlist(`<key>Label</key><integer>42</integer>`, argv("/bin/x")),
			want: []record.Problem{{Line: 5, Key: "Label", Message: "Label must be a string, found an integer"}},
		},
		{
			name: "no Label",
			data: xmlPlist(argv("/bin/x")),
			want: []record.Problem{{Key: "Label", Message: "no Label: launchd requires one"}},
		},
		{
			name:  "empty Label",
			data:  xmlPlist(`<key>Label</key><string></string>`, argv("/bin/x")),
			want:  []record.Problem{{Line: 5, Key: "Label", Message: "Label is empty"}},
			label: "",
		},
		{
			name:  "KeepAlive as a string is ignored",
			data:  xmlPlist(label, argv("/bin/x"), str("KeepAlive", "always")),
			label: "com.sanctum.test",
		},
		{
			name: "EnvironmentVariables as an array",
			data: xmlPlist(label, argv("/bin/x"), `<key>EnvironmentVariables</key><array><string>PATH=/bin</string></array>`),
			want: []record.Problem{
				{Line: 7, Key: "EnvironmentVariables", Message: "EnvironmentVariables must be a dictionary, found an array"},
			},
			label: "com.sanctum.test",
		},
		{
			name: "Program as an integer",
			data: xmlPlist(label, `<key>Program</key><integer>1</integer>`, argv("/bin/x")),
			want: []record.Problem{
				{Line: 6, Key: "Program", Message: "Program must be a string, found an integer"},
			},
			label: "com.sanctum.test",
		},
		{
			name: "Program empty",
			data: xmlPlist(label, str("Program", "")),
			want: []record.Problem{
				{Line: 6, Key: "Program", Message: "Program is empty"},
			},
			label: "com.sanctum.test",
		},
		{
			name: "empty ProgramArguments without Program",
			data: xmlPlist(label, `<key>ProgramArguments</key><array/>`),
			want: []record.Problem{
				{Line: 6, Key: "ProgramArguments", Message: "no Program and no ProgramArguments: launchd has nothing to run"},
			},
			label: "com.sanctum.test",
		},
		{
			name: "neither Program nor ProgramArguments",
			data: xmlPlist(label, str("WorkingDirectory", "/srv")),
			want: []record.Problem{
				{Key: "ProgramArguments", Message: "no Program and no ProgramArguments: launchd has nothing to run"},
			},
			label: "com.sanctum.test",
		},
		{
			name: "path keys of the wrong type",
			data: xmlPlist(label, argv("/bin/x"), `<key>WorkingDirectory</key><true/>`, `<key>StandardOutPath</key><array/>`),
			want: []record.Problem{
				{Line: 7, Key: "WorkingDirectory", Message: "WorkingDirectory must be a string, found a boolean"},
				{Line: 8, Key: "StandardOutPath", Message: "StandardOutPath must be a string, found an array"},
			},
			label: "com.sanctum.test",
		},
		{
			name: "OtherJobEnabled as an array",
			data: xmlPlist(label, argv("/bin/x"), `<key>KeepAlive</key><dict>`, `<key>OtherJobEnabled</key><array/></dict>`),
			want: []record.Problem{
				{Line: 8, Key: "KeepAlive.OtherJobEnabled", Message: "KeepAlive.OtherJobEnabled must be a dictionary of labels to booleans, found an array"},
			},
			label: "com.sanctum.test",
		},
		{
			name: "not a plist",
			data: []byte("hello world\nthis is not a plist\n"),
			want: []record.Problem{{Message: "not a valid property list: no property list element found: neither XML nor binary plist"}},
		},
		{
			name: "empty file",
			data: []byte("\n"),
			want: []record.Problem{{Message: "empty file: not a property list"}},
		},
		{
			name: "truncated XML",
			data: truncate(xmlPlist(label, argv("/bin/x", "/etc/x.conf")), "x.conf"),
			want: []record.Problem{{Line: 6, Message: "not a valid property list: unexpected end of file (truncated?)"}},
		},
		{
			name: "mismatched element",
			data: xmlPlist(label, `<key>Program</key><string>/bin/x</strin>`),
			want: []record.Problem{{Line: 6, Message: "not a valid property list: element <string> closed by </strin>"}},
		},
		{
			name: "root is not a dictionary",
			data: []byte("<?xml version=\"1.0\"?>\n<plist version=\"1.0\">\n<array><string>/bin/x</string></array>\n</plist>\n"),
			want: []record.Problem{{Line: 3, Message: "the root of the plist must be a dictionary, found an array"}},
		},
		{
			name: "empty plist element",
			data: []byte("<plist></plist>"),
			want: []record.Problem{{Message: "the root of the plist must be a dictionary, found nothing"}},
		},
		{
			name: "truncated binary",
			data: binaryPlist(t, map[string]any{"Label": "x"})[:20],
			want: []record.Problem{{Message: "not a valid binary property list"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			job, probs := ParsePlist(tc.data, "t.plist", testHome)
			for i := range tc.want {
				tc.want[i].File = "t.plist"
			}
			if diff := cmp.Diff(tc.want, probs, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if job.Label != tc.label {
				t.Errorf("Label = %q, want %q", job.Label, tc.label)
			}
			if job.File != "t.plist" {
				t.Errorf("File = %q", job.File)
			}
		})
	}
}

// TestParsePlistValueErrors checks that values the decoder rejects are
// reported with their line but never quoted.
func TestParsePlistValueErrors(t *testing.T) {
	tests := []struct {
		name string
		line string
		want record.Problem
	}{
		{"bad integer", `<key>Nice</key><integer>SECRETVALUE</integer>`,
			record.Problem{Line: 6, Message: "not a valid property list: <integer> does not hold a number"}},
		{"bare ampersand", `<key>Pass</key><string>pa&SECRETVALUE</string>`,
			record.Problem{Line: 6, Message: "not a valid property list: malformed XML: invalid character entity (a bare & must be written &amp;)"}},
		{"unknown element", `<key>X</key><strung>SECRETVALUE</strung>`,
			record.Problem{Line: 6, Message: "not a valid property list: unknown element <strung>"}},
		{"key without value", `<key>SECRETVALUE</key>`,
			record.Problem{Line: 6, Message: "not a valid property list: a <key> has no value"}},
		{"value without key", `<string>SECRETVALUE</string>`,
			record.Problem{Line: 6, Message: "not a valid property list: a <string> in a <dict> has no <key>"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			job, probs := ParsePlist(xmlPlist(label, tc.line), "t.plist", testHome)
			tc.want.File = "t.plist"
			if diff := cmp.Diff([]record.Problem{tc.want}, probs); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if s := fmt.Sprintf("%+v %+v", job, probs); strings.Contains(s, "SECRETVALUE") {
				t.Errorf("output leaks a value: %s", s)
			}
		})
	}
}

// truncate cuts data just before the first occurrence of at.
func truncate(data []byte, at string) []byte {
	return data[:strings.Index(string(data), at)]
}

func binaryPlist(t testing.TB, v any) []byte {
	t.Helper()
	data, err := plist.Marshal(v, plist.BinaryFormat)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestParsePlistBinary(t *testing.T) {
	data := binaryPlist(t, map[string]any{
		"Label":            "com.sanctum.bin",
		"Disabled":         false,
		"ProgramArguments": []any{"/bin/sh", "-c", "exec ~/bin/run"},
		"StandardOutPath":  "/tmp/bin.log",
		"KeepAlive":        map[string]any{"OtherJobEnabled": map[string]any{"com.sanctum.db": true}},
	})
	job, probs := ParsePlist(data, "b.plist", testHome)
	if len(probs) > 0 {
		t.Fatalf("problems: %+v", probs)
	}
	want := Job{
		File:    "b.plist",
		Label:   "com.sanctum.bin",
		Program: "/bin/sh",
		Targets: []record.Target{
			{Kind: record.TargetExec, Path: "/bin/sh", Evidence: graph.Evidence{File: "b.plist", Key: "ProgramArguments[0]", Token: "/bin/sh"}},
			{Kind: record.TargetExec, Path: "/Users/bert/bin/run", Evidence: graph.Evidence{File: "b.plist", Key: "ProgramArguments[2]", Token: "~/bin/run"}},
			{Kind: record.TargetLogDir, Path: "/tmp/bin.log", Evidence: graph.Evidence{File: "b.plist", Key: "StandardOutPath", Token: "/tmp/bin.log"}},
		},
		OtherJobs: []graph.Evidence{{File: "b.plist", Key: "KeepAlive.OtherJobEnabled", Token: "com.sanctum.db"}},
	}
	if diff := cmp.Diff(want, job, cmpopts.IgnoreFields(Job{}, "RunAtLoad", "KeepAlive", "StartLine", "Command")); diff != "" {
		t.Errorf("job (-want +got):\n%s", diff)
	}

	// A binary plist whose values have the wrong types.
	data = binaryPlist(t, map[string]any{"Label": 7, "ProgramArguments": "/bin/x"})
	_, probs = ParsePlist(data, "b.plist", testHome)
	wantProbs := []record.Problem{
		{File: "b.plist", Key: "Label", Message: "Label must be a string, found an integer"},
		{File: "b.plist", Key: "ProgramArguments", Message: "ProgramArguments must be an array of strings, found a string"},
	}
	if diff := cmp.Diff(wantProbs, probs); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

// TestParsePlistSecrets checks that credentials passed as arguments or
// environment variables never reach the job or its problems.
func TestParsePlistSecrets(t *testing.T) {
	bodies := [][]string{
		{label, env("ASANA_API_KEY", "SECRETVALUE", "PATH", "/usr/bin"), argv("/usr/bin/python3", "/x/app.py", "--token", "SECRETVALUE")},
		{label, argv("/usr/bin/python3", "--token", "SECRETVALUE")},
		{label, argv("/usr/bin/python3", "--password=SECRETVALUE")},
		{label, argv("/usr/bin/env", "OPENAI_API_KEY=SECRETVALUE", "--", "GITHUB_TOKEN=SECRETVALUE", "/x/bin/tool", "--api-key", "SECRETVALUE")},
		{label, argv("/usr/bin/env", "-u", "X", "--api-key", "SECRETVALUE")},
		{label, argv("/bin/sh", "-c", "DB_PASSWORD=SECRETVALUE exec /x/run --secret SECRETVALUE")},
		{label, argv("/bin/sh", "-c", "export API_TOKEN=SECRETVALUE; /x/run")},
		{label, argv("/bin/sh", "-c", "cat <<SECRETVALUE")},
		{label, `<key>EnvironmentVariables</key><dict><key>API_KEY</key><integer>12345</integer></dict>`, argv("/x/run")},
		// A whole command line written as Program or ProgramArguments[0].
		{label, str("Program", "/opt/bin/tool --password=SECRETVALUE")},
		{label, str("Program", "/opt/bin/tool --token SECRETVALUE --port 1")},
		{label, argv("/opt/bin/mysql -u root -pSECRETVALUE")},
		{label, argv("/usr/bin/python3", "/x/app.py https://u:SECRETVALUE@host/")},
		{label, str("WorkingDirectory", "/x --api-key SECRETVALUE"), argv("/x/run")},
	}
	for i, body := range bodies {
		job, probs := ParsePlist(xmlPlist(body...), "t.plist", testHome)
		out := fmt.Sprintf("%+v %+v", job, probs)
		if strings.Contains(out, "SECRETVALUE") || strings.Contains(out, "12345") {
			t.Errorf("case %d leaks a secret: %s", i, out)
		}
		if len(job.Targets) == 0 {
			t.Errorf("case %d: no targets", i)
		}
	}
}

// A Program that holds a command line keeps its readable part: the
// finding still names the tool.
func TestParsePlistProgramRedacted(t *testing.T) {
	job, _ := ParsePlist(xmlPlist(label, str("Program", "/opt/bin/tool --password=SECRETVALUE")), "t.plist", testHome)
	const want = "/opt/bin/tool --password=<redacted>"
	if job.Program != want {
		t.Errorf("Program = %q, want %q", job.Program, want)
	}
	if len(job.Targets) != 1 || job.Targets[0].Path != want || job.Targets[0].Evidence.Token != want {
		t.Errorf("targets = %+v, want one exec target %q", job.Targets, want)
	}
}

// TestParsePlistOpenStep checks that an old-style (OpenStep) plist, which
// CoreFoundation still reads, is decoded too, without lines.
func TestParsePlistOpenStep(t *testing.T) {
	data := []byte(`{ Label = "com.sanctum.old"; ProgramArguments = ( "/bin/x", "/health" ); }`)
	job, probs := ParsePlist(data, "o.plist", testHome)
	if len(probs) > 0 {
		t.Fatalf("problems: %+v", probs)
	}
	want := []record.Target{{Kind: record.TargetExec, Path: "/bin/x", Evidence: graph.Evidence{File: "o.plist", Key: "ProgramArguments[0]", Token: "/bin/x"}}}
	if diff := cmp.Diff(want, job.Targets); diff != "" {
		t.Errorf("targets (-want +got):\n%s", diff)
	}
	if job.Label != "com.sanctum.old" {
		t.Errorf("Label = %q", job.Label)
	}
}

// TestCommandAndStart: what a job runs is kept as printable words and
// digests, credentials redacted, and RunAtLoad/KeepAlive say whether
// launchd starts it on load.
func TestCommandAndStart(t *testing.T) {
	for _, tc := range []struct {
		name, body   string
		program      string
		args         []string
		key          string
		run, keep    bool
		start        int
		matches, not string // a word that matches ProgramArguments[last], and one that does not
	}{
		{"args", `<key>ProgramArguments</key><array><string>/usr/bin/ssh</string><string>-L</string><string>70707:localhost:22</string></array>
<key>RunAtLoad</key><true/>`, "/usr/bin/ssh", []string{"/usr/bin/ssh", "-L", "70707:localhost:22"}, "ProgramArguments", true, false, 3, "70707:localhost:22", "18092:localhost:22"},
		{"program", `<key>Program</key><string>/opt/x/bin/x</string><key>ProgramArguments</key><array><string>x</string><string>--token=hunter2secret</string></array>
<key>KeepAlive</key><dict><key>SuccessfulExit</key><false/></dict>`, "/opt/x/bin/x", []string{"x", "--token=<redacted>"}, "Program", false, true, 3, "--token=hunter2secret", "<redacted>x"},
		{"none", `<key>KeepAlive</key><false/>`, "", nil, "", false, false, 0, "", "x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := []byte("<plist version=\"1.0\"><dict><key>Label</key><string>com.sanctum.x</string>\n" + tc.body + "\n</dict></plist>\n")
			job, _ := ParsePlist(data, "t.plist", "/Users/bert")
			c := job.Command
			if c.Program.Shown != tc.program || !slices.Equal(shownWords(c.Args), tc.args) || c.Key != tc.key {
				t.Errorf("command %q %q %q, want %q %q %q", c.Program.Shown, shownWords(c.Args), c.Key, tc.program, tc.args, tc.key)
			}
			if job.RunAtLoad != tc.run || job.KeepAlive != tc.keep || job.StartLine != tc.start {
				t.Errorf("RunAtLoad %v KeepAlive %v line %d, want %v %v %d", job.RunAtLoad, job.KeepAlive, job.StartLine, tc.run, tc.keep, tc.start)
			}
			if len(c.Args) > 0 {
				last := c.Args[len(c.Args)-1]
				if !last.Matches(tc.matches) || last.Matches(tc.not) {
					t.Errorf("the last word matches %q: %v, %q: %v", tc.matches, last.Matches(tc.matches), tc.not, last.Matches(tc.not))
				}
				if strings.Contains(fmt.Sprint(c), "hunter2") {
					t.Error("a credential is kept in the command")
				}
			}
		})
	}
}

// shownWords returns the words as they may be printed.
func shownWords(ws []Word) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.Shown
	}
	return out
}
