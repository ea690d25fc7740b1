package main

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGraphvizCache runs the binary with an empty TMPDIR and an empty
// user cache directory: go-graphviz, which compiles its embedded Graphviz
// when the program starts, keeps the result under the user's cache
// directory (internal/gvcache runs first), never in the shared temporary
// directory; a second run reuses it. Without a cache directory it still
// runs.
func TestGraphvizCache(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildDriftmap(t)
	tmp, home := t.TempDir(), t.TempDir()
	runWith := func(env ...string) {
		t.Helper()
		cmd := exec.Command(bin, "rules")
		cmd.Env = append(os.Environ(), env...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("driftmap rules (%v): %v\n%s", env, err, out)
		}
	}
	env := []string{"TMPDIR=" + tmp, "HOME=" + home, "XDG_CACHE_HOME=" + filepath.Join(home, ".cache")}
	runWith(env...)
	runWith(env...)
	if entries, _ := os.ReadDir(tmp); len(entries) > 0 {
		t.Errorf("the run wrote to TMPDIR: %s", entries[0].Name())
	}
	var cache []string
	filepath.WalkDir(home, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() && d.Name() == "go-graphviz" {
			cache = append(cache, p)
			if fi, err := os.Stat(filepath.Dir(p)); err != nil || fi.Mode().Perm()&0o077 != 0 {
				t.Errorf("%s is not private to the user", filepath.Dir(p))
			}
		}
		return nil
	})
	if len(cache) != 1 || !strings.Contains(cache[0], "driftmap") {
		t.Errorf("go-graphviz caches %q, want one under the user cache directory's driftmap/", cache)
	}
	// No cache directory to be had: compiles every time, but runs.
	runWith("TMPDIR="+tmp, "HOME=/nonexistent", "XDG_CACHE_HOME=")
}
