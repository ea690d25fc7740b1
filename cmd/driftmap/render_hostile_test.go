package main

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/driftmap/driftmap/sources/sourcetest"
)

// TestRenderNeverDestroys runs the driftmap binary on trees an attacker
// or a crash could leave: an unreadable manifest, an unlistable manifests
// directory, a .retired that is not a directory, and temporaries of a
// killed render. Permissions mean nothing to root, so when the test runs
// as root the binary runs as nobody (setpriv) on a tree nobody owns; as
// any other user it runs as that user. Every run is bounded, so the test
// fails rather than hangs.
func TestRenderNeverDestroys(t *testing.T) {
	run := runner(t)
	const svc = "root/Users/bert/.sanctum/services/"
	base := map[string]string{
		"workspace/sanctum/runtime_catalog.yaml": "version: 1\nservices:\n  voice-agent: {launchagent: com.sanctum.voice-agent}\n  qwen3-tts: {}\n",
		"root/Users/bert/.sanctum/instance.yaml": "services:\n  voice_agent: {port: 8765}\n  qwen3_tts: {port: 7788}\n  gone: {enabled: false}\n",
		svc + "voice-agent.yaml":                 "name: voice-agent\nport: 8765\nlaunchagent: com.sanctum.voice-agent\nhealth:\n  liveness: {type: http, path: /healthz}  # hand-kept\nremediation:\n  restart: true\n",
		svc + "stale.yaml":                       "name: gone\n",
	}
	type want struct {
		code           int
		stdout, stderr []string // substrings, each on its own line
	}
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, dir string)
		args  []string
		want  want
		wrote bool // the run may change the tree
	}{
		{"render with an unreadable manifest", chmod(svc+"voice-agent.yaml", 0), []string{"render"}, want{2,
			[]string{"/Users/bert/.sanctum/services/voice-agent.yaml: cannot be rendered: cannot be read (permission denied); render will not replace it"},
			[]string{"driftmap: error: cannot read /Users/bert/.sanctum/services/voice-agent.yaml, so render wrote nothing"}}, false},
		{"render --prune with an unreadable manifest", chmod(svc+"voice-agent.yaml", 0), []string{"render", "--prune"}, want{2,
			nil, []string{"driftmap: error: cannot read /Users/bert/.sanctum/services/voice-agent.yaml, so render wrote nothing"}}, false},
		{"render --check with an unreadable manifest", chmod(svc+"voice-agent.yaml", 0), []string{"render", "--check"}, want{1,
			[]string{
				"/Users/bert/.sanctum/services/voice-agent.yaml: cannot be rendered: cannot be read (permission denied); render will not replace it",
				"render --check: 1 to create, 0 to update, 0 unchanged, 1 extra, 1 unreadable in /Users/bert/.sanctum/services",
			}, nil}, false},
		{"render with an unreadable extra manifest", chmod(svc+"stale.yaml", 0), []string{"render"}, want{2,
			nil, []string{"driftmap: error: cannot read /Users/bert/.sanctum/services/stale.yaml, so render wrote nothing"}}, false},
		{"render into a directory it cannot list", chmod(svc, 0o300), []string{"render"}, want{2,
			[]string{"/Users/bert/.sanctum/services/voice-agent.yaml: cannot be rendered: the manifests directory /Users/bert/.sanctum/services cannot be read (permission denied); render will not write into it"},
			[]string{"driftmap: error: cannot list the manifests directory /Users/bert/.sanctum/services, so render wrote nothing"}}, false},
		{"render with many unreadable manifests", func(t *testing.T, dir string) {
			for _, n := range []string{"a", "b", "c", "d", "e"} {
				write(svc+n+".yaml", "name: "+n+"\n")(t, dir)
				chmod(svc+n+".yaml", 0)(t, dir)
			}
		}, []string{"render"}, want{2,
			nil, []string{"driftmap: error: cannot read /Users/bert/.sanctum/services/a.yaml, /Users/bert/.sanctum/services/b.yaml, /Users/bert/.sanctum/services/c.yaml and 2 more manifests, so render wrote nothing"}}, false},
		{"render --prune with .retired a regular file", write(svc+".retired", "not a directory"), []string{"render", "--prune"}, want{2,
			nil, []string{"driftmap: error: /Users/bert/.sanctum/services/.retired is a regular file, not a directory; refusing to retire manifests into it"}}, false},
		{"render --prune with .retired a symlink", symlink(svc+".retired", "/tmp"), []string{"render", "--prune"}, want{2,
			nil, []string{"driftmap: error: /Users/bert/.sanctum/services/.retired is a symlink, not a directory; refusing to retire manifests into it"}}, false},
		{"render after a killed render", write(svc+".voice-agent.yaml.driftmap-4242", "name: voice-ag"), []string{"render"}, want{0,
			[]string{"wrote /Users/bert/.sanctum/services/qwen3-tts.yaml", "render: 1 created, 0 updated, 1 unchanged, 1 extra in /Users/bert/.sanctum/services"},
			[]string{"driftmap: note: removed /Users/bert/.sanctum/services/.voice-agent.yaml.driftmap-4242, a temporary file left by an interrupted render"}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			sourcetest.WriteFiles(t, dir, base)
			tc.setup(t, dir)
			before := sourcetest.TreeState(t, dir)
			args := append(tc.args, "--root", filepath.Join(dir, "root"), "--home", "/Users/bert", "--workspace", filepath.Join(dir, "workspace"))
			code, stdout, stderr := run(t, dir, args...)
			if code != tc.want.code {
				t.Errorf("exit %d, want %d", code, tc.want.code)
			}
			for _, w := range tc.want.stdout {
				if !hasLine(stdout, w) {
					t.Errorf("stdout lacks the line %q", w)
				}
			}
			for _, w := range tc.want.stderr {
				if !hasLine(stderr, w) {
					t.Errorf("stderr lacks the line %q", w)
				}
			}
			after := sourcetest.TreeState(t, dir)
			if !tc.wrote && !reflect.DeepEqual(after, before) {
				t.Errorf("the tree changed:\nbefore %q\nafter  %q", before, after)
			}
			if after[svc+"voice-agent.yaml"] != before[svc+"voice-agent.yaml"] {
				t.Errorf("the hand-kept manifest changed: %q", after[svc+"voice-agent.yaml"])
			}
			for name := range after {
				if strings.Contains(name, ".driftmap-") {
					t.Errorf("a temporary is left: %s", name)
				}
			}
			if t.Failed() {
				t.Logf("stdout:\n%s\nstderr:\n%s", stdout, stderr)
			}
		})
	}
}

func chmod(name string, mode os.FileMode) func(*testing.T, string) {
	return func(t *testing.T, dir string) {
		sourcetest.Must(t, os.Chmod(filepath.Join(dir, name), mode))
		t.Cleanup(func() { os.Chmod(filepath.Join(dir, name), 0o755) }) // so TempDir can be removed
	}
}

func write(name, data string) func(*testing.T, string) {
	return func(t *testing.T, dir string) {
		sourcetest.Must(t, os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644))
	}
}

func symlink(name, target string) func(*testing.T, string) {
	return func(t *testing.T, dir string) { sourcetest.Must(t, os.Symlink(target, filepath.Join(dir, name))) }
}

func hasLine(out, line string) bool {
	for l := range strings.Lines(out) {
		if strings.TrimSuffix(l, "\n") == line {
			return true
		}
	}
	return false
}

// runner builds the driftmap binary and returns a function that runs it
// in dir as a user permissions apply to, for at most a minute.
func runner(t *testing.T) func(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	binary := buildDriftmap(t)
	var prefix []string
	var uid, gid int
	if os.Geteuid() == 0 {
		prefix, uid, gid = sourcetest.AsNobody(t)
		t.Logf("running driftmap as nobody (uid %d) through %s", uid, prefix[0])
	}
	return func(t *testing.T, dir string, args ...string) (int, string, string) {
		t.Helper()
		if prefix != nil {
			// nobody owns the tree (so the directories are writable to it,
			// as a user's own are) and can reach it.
			for p := dir; p != filepath.Dir(p) && strings.HasPrefix(p, os.TempDir()) && p != os.TempDir(); p = filepath.Dir(p) {
				if fi, err := os.Stat(p); err == nil && fi.Mode().Perm()&0o005 != 0o005 {
					sourcetest.Must(t, os.Chmod(p, fi.Mode().Perm()|0o005))
				}
			}
			sourcetest.Must(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				return os.Lchown(p, uid, gid)
			}))
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		argv := append(append(append([]string(nil), prefix...), binary), args...)
		cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
		cmd.Dir = dir
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		if ctx.Err() != nil {
			t.Fatalf("driftmap %s did not finish within a minute", strings.Join(args, " "))
		}
		code := 0
		if ee, ok := errors.AsType[*exec.ExitError](err); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return code, stdout.String(), stderr.String()
	}
}
