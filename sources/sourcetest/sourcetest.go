// Package sourcetest is test support for driftmap's sources, queries and
// commands, in the manner of analysistest: it writes small machines (an
// audited root and a workspace, from a map or a txtar archive) into
// temporary directories, and checks the invariants every parser's
// results must keep.
//
// Only tests import it (a test in package render fails if any other file
// does). It writes, but only below the directories its callers get from
// t.TempDir.
package sourcetest

import (
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/driftmap/driftmap/sources/record"
)

// WriteFiles writes files under dir: keys are slash-separated paths
// relative to dir, values their contents. A file whose content starts
// with "#!" gets an execute bit. Parent directories are created.
func WriteFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		writeFile(t, filepath.Join(dir, filepath.FromSlash(name)), []byte(files[name]))
	}
}

// Tree writes files (see WriteFiles) into a new temporary directory,
// creates the directories dirs in it (typically "root" and the
// workspace), and returns its path.
func Tree(t testing.TB, files map[string]string, dirs ...string) string {
	t.Helper()
	dir := t.TempDir()
	WriteFiles(t, dir, files)
	for _, d := range dirs {
		Must(t, os.MkdirAll(filepath.Join(dir, filepath.FromSlash(d)), 0o755))
	}
	return dir
}

// WriteArchive writes the files of a txtar archive under dir, as
// WriteFiles does, with two special names: a file ".symlinks" lists
// "path -> target" lines, each made a symbolic link (path relative to
// dir, target as written), and a file named ".keep" only creates its
// directory. Files named in skip (such as "want") are not written.
func WriteArchive(t testing.TB, dir string, files []txtar.File, skip ...string) {
	t.Helper()
	for _, f := range files {
		switch {
		case slices.Contains(skip, f.Name):
		case f.Name == ".symlinks":
			for _, line := range strings.Split(strings.TrimSpace(string(f.Data)), "\n") {
				name, target, ok := strings.Cut(line, " -> ")
				if !ok {
					t.Fatalf("bad .symlinks line %q", line)
				}
				p := filepath.Join(dir, filepath.FromSlash(name))
				Must(t, os.MkdirAll(filepath.Dir(p), 0o755))
				Must(t, os.Symlink(target, p))
			}
		case path.Base(f.Name) == ".keep":
			Must(t, os.MkdirAll(filepath.Join(dir, filepath.FromSlash(path.Dir(f.Name))), 0o755))
		default:
			writeFile(t, filepath.Join(dir, filepath.FromSlash(f.Name)), f.Data)
		}
	}
}

func writeFile(t testing.TB, p string, data []byte) {
	t.Helper()
	Must(t, os.MkdirAll(filepath.Dir(p), 0o755))
	mode := os.FileMode(0o644)
	if strings.HasPrefix(string(data), "#!") {
		mode = 0o755
	}
	Must(t, os.WriteFile(p, data, mode))
}

// Must fails the test at once when err is not nil.
func Must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// CheckTargets asserts the invariants every caller relies on: a known
// kind, a non-empty path, and a path that is absolute, a bare name with a
// search list, or relative with a directory.
func CheckTargets(t testing.TB, targets []record.Target) {
	t.Helper()
	for _, tg := range targets {
		switch tg.Kind {
		case record.TargetExec, record.TargetScript, record.TargetSource, record.TargetWorkingDir, record.TargetRootDir, record.TargetLogDir:
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

// CheckProblems asserts that no problem comes from the last-resort panic
// guards, which would hide a bug.
func CheckProblems(t testing.TB, probs []record.Problem) {
	t.Helper()
	for _, p := range probs {
		if strings.Contains(p.Message, "internal error") {
			t.Fatalf("recovered panic: %+v", p)
		}
	}
}

// YAMLSeeds are fuzz seeds: small documents in the shapes driftmap reads, plus a few
// hostile ones (anchors, deep nesting, duplicate keys, wrong types).
var YAMLSeeds = []string{
	"services:\n  voice_agent: {enabled: true, port: 8765}\n  qwen3_tts: {enabled: false}\n",
	"version: 1\nservices:\n  a: {launchagent: com.sanctum.a, requires: [b, {service: c}], renamed_from: [x]}\nauxiliary:\n  t: {port: 1}\n",
	"name: a\nport: 1\nrequires:\n  - b\n  - service: c\nlaunchagent: com.sanctum.a\n",
	"manifests: ~/svc\nlabel_prefixes: [a., b.]\nwatchdog_patterns: [w]\n",
	"a: &x {b: *x}\n",
	"services: &s\n  a: *s\n",
	"services:\n  a: 1\n  a: 2\n",
	strings.Repeat("[", 200) + strings.Repeat("]", 200),
	"services: !!binary aGVsbG8=\n",
	"---\nservices: {}\n---\nservices: {a: {}}\n",
}
