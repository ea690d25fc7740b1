package shell

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources/record"
	"github.com/driftmap/driftmap/sources/sourcetest"
)

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
		sourcetest.CheckTargets(t, refs.Targets)
		sourcetest.CheckProblems(t, probs)
		for _, tg := range refs.Targets {
			if tg.Kind != record.TargetExec && tg.Kind != record.TargetSource {
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
		sourcetest.CheckTargets(t, got)
		sourcetest.CheckProblems(t, probs)
		for _, tg := range got {
			if tg.Evidence.File != ev.File || tg.Evidence.Line != ev.Line || tg.Evidence.Key != ev.Key {
				t.Fatalf("evidence not from ev: %+v", tg)
			}
		}
	})
}
