package sources

import (
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/driftmap/driftmap/graph"
)

// checkTargets asserts the invariants every caller relies on: a known
// kind, a non-empty path, and a path that is absolute, a bare name with a
// search list, or relative with a directory.
func checkTargets(t *testing.T, targets []Target) {
	t.Helper()
	for _, tg := range targets {
		switch tg.Kind {
		case TargetExec, TargetScript, TargetSource, TargetWorkingDir, TargetRootDir, TargetLogDir:
		default:
			t.Fatalf("invalid kind in %+v", tg)
		}
		if tg.Path == "" {
			t.Fatalf("empty path in %+v", tg)
		}
		switch {
		case path.IsAbs(tg.Path):
			if tg.Dir != "" || tg.Search != nil || tg.Path != path.Clean(tg.Path) {
				t.Fatalf("absolute path with a directory, a search list or not clean: %+v", tg)
			}
		case tg.Search != nil:
			if strings.Contains(tg.Path, "/") || tg.Dir != "" {
				t.Fatalf("searched name with a slash or a directory: %+v", tg)
			}
		case !path.IsAbs(tg.Dir):
			t.Fatalf("relative path without an absolute directory: %+v", tg)
		}
	}
}

// checkProblems asserts that no problem comes from the last-resort panic
// guards, which would hide a bug.
func checkProblems(t *testing.T, probs []Problem) {
	t.Helper()
	for _, p := range probs {
		if strings.Contains(p.Message, "internal error") {
			t.Fatalf("recovered panic: %+v", p)
		}
	}
}

func FuzzParsePlist(f *testing.F) {
	files, _ := filepath.Glob("testdata/plist/*.plist")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add(xmlPlist(label, argv("/usr/bin/env", "-S", "python3 -u", "/x/a.py")))
	f.Add(xmlPlist(label, str("Program", "/bin/sh"), argv("sh", "-lc", "cd /x && exec ./run")))
	f.Add(xmlPlist(label, str("WorkingDirectory", "~/x"), argv("perl", "-lne", "print", "x.pl")))
	f.Add(xmlPlist(label, `<key>KeepAlive</key><dict><key>OtherJobEnabled</key><dict><key>a</key><true/></dict></dict>`))
	f.Add([]byte("<plist><dict><key>Label</key><integer>1</integer></dict></plist>"))
	f.Add(binaryPlist(f, map[string]any{
		"Label":                "com.sanctum.bin",
		"ProgramArguments":     []any{"/usr/bin/env", "PATH=/opt/bin", "ruby", "-S", "rake"},
		"EnvironmentVariables": map[string]any{"PATH": "/usr/bin"},
		"KeepAlive":            map[string]any{"OtherJobEnabled": map[string]any{"x": true}},
	}))
	f.Fuzz(func(t *testing.T, data []byte) {
		job, probs := ParsePlist(data, "f.plist", testHome)
		checkTargets(t, job.Targets)
		checkProblems(t, probs)
		if job.File != "f.plist" {
			t.Fatalf("File = %q", job.File)
		}
		for _, p := range probs {
			if p.File != "f.plist" || p.Message == "" {
				t.Fatalf("bad problem %+v", p)
			}
		}
	})
}

func FuzzParseScript(f *testing.F) {
	files, _ := filepath.Glob("testdata/shell/*.sh")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("exec -a x -- ~/bin/y\n. \"$HOME/env\"\n"))
	f.Add([]byte("f() { exec \"${HOME}\"/x; }\ncat <<EOF\nexec /x\nEOF\n"))
	f.Add([]byte("if then"))
	f.Fuzz(func(t *testing.T, src []byte) {
		refs, probs := ParseScript(src, "f.sh", testHome, DefaultSearchPath())
		checkTargets(t, refs.Targets)
		checkProblems(t, probs)
		for _, tg := range refs.Targets {
			if tg.Kind != TargetExec && tg.Kind != TargetSource {
				t.Fatalf("unexpected kind %+v", tg)
			}
			if tg.Dir != "" {
				t.Fatalf("relative target in a script: %+v", tg)
			}
		}
	})
}

func FuzzCommandTargets(f *testing.F) {
	f.Add("git pull --rebase && git push", "/srv")
	f.Add("cd /x && ./venv/bin/python app.py", "/srv")
	f.Add("f() { /x/y; }; f; command -p ls; exec -a n ~/bin/z", "")
	f.Add("echo $(/x/inner) `a` \"$HOME\"/b ${HOME:-x}", "/")
	f.Add("case $x in a) b;; esac; [[ -f x ]]", "/srv")
	f.Fuzz(func(t *testing.T, cmd, dir string) {
		ev := graph.Evidence{File: "f.plist", Line: 3, Key: "ProgramArguments[2]"}
		got, probs := CommandTargets(cmd, ev, testHome, []string{"/usr/bin"}, dir)
		checkTargets(t, got)
		checkProblems(t, probs)
		for _, tg := range got {
			if tg.Evidence.File != ev.File || tg.Evidence.Line != ev.Line || tg.Evidence.Key != ev.Key {
				t.Fatalf("evidence not from ev: %+v", tg)
			}
		}
	})
}
