package render

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestApplyNeverWritesOutsideRoot: the manifests directory reached
// through ~/.sanctum, a symlink whose absolute target goes through a
// component missing inside the root and then "..". Resolved as text, the
// target is the manifests directory itself; on the host it names a
// directory outside the root (issue 7). Apply must refuse, and write
// nothing anywhere.
func TestApplyNeverWritesOutsideRoot(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "root")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(root, "Users/bert"), 0o755))
	// On the host, base/lnk is a symlink to base/a1/.../aN; N ".." from
	// there lead back to base, where Users/bert/.sanctum waits, outside
	// the root. Inside the root, base's first component is missing, and
	// the same ".." collapse the text to /Users/bert/.sanctum.
	n := len(strings.Split(strings.Trim(base, "/"), "/")) + 1
	deep := base
	for i := range n {
		deep = filepath.Join(deep, "a"+string(rune('0'+i%10)))
	}
	must(os.MkdirAll(deep, 0o755))
	must(os.Symlink(deep, filepath.Join(base, "lnk")))
	outside := filepath.Join(base, "Users/bert/.sanctum")
	must(os.MkdirAll(outside, 0o755))
	target := filepath.Join(base, "lnk") + strings.Repeat("/..", n) + "/Users/bert/.sanctum"
	must(os.Symlink(target, filepath.Join(root, "Users/bert/.sanctum")))

	dir := "/Users/bert/.sanctum/services"
	plan := []Planned{{Action: Create, File: dir + "/a.yaml", New: []byte("name: a\n")}}
	done, err := Apply(root, dir, plan, false, "2026-01-01")
	var refused *RefusedError
	if !errors.As(err, &refused) || len(done.Written) != 0 {
		t.Errorf("Apply = %v, %v; want a refusal", done, err)
	}
	if entries, _ := os.ReadDir(outside); len(entries) != 0 {
		t.Errorf("Apply wrote outside the root: %s holds %d entries", outside, len(entries))
	}
}

// TestApplyCreatesMissingDirectory: a manifests directory whose parents
// do not exist yet is created inside the root.
func TestApplyCreatesMissingDirectory(t *testing.T) {
	root := t.TempDir()
	dir := "/Users/bert/.sanctum/services"
	plan := []Planned{{Action: Create, File: dir + "/a.yaml", New: []byte("name: a\n")}}
	done, err := Apply(root, dir, plan, false, "2026-01-01")
	if err != nil || len(done.Written) != 1 {
		t.Fatalf("Apply = %v, %v", done, err)
	}
	data, err := os.ReadFile(filepath.Join(root, "Users/bert/.sanctum/services/a.yaml"))
	if err != nil || string(data) != "name: a\n" {
		t.Errorf("written: %q, %v", data, err)
	}
}
