package rootfs

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestCachedSwap changes the tree under a cached RootFS between two
// reads: a directory it has a handle on swapped for a symlink leading
// outside the root, and a file it has looked at swapped for one. The
// cache may answer from before the swap (one audit is a snapshot), but
// no read may leave the root.
func TestCachedSwap(t *testing.T) {
	base := t.TempDir()
	root, out := filepath.Join(base, "root"), filepath.Join(base, "outside")
	must(t, os.Mkdir(root, 0o755))
	plantOutside(t, out)
	must(t, os.MkdirAll(filepath.Join(root, "d"), 0o755))
	must(t, os.WriteFile(filepath.Join(root, "d", "f"), []byte("inside"), 0o644))
	must(t, os.WriteFile(filepath.Join(root, "d", "g"), []byte("inside"), 0o644))
	fsys := RootFS{Dir: root}.Cached()
	defer fsys.Close()

	if data, err := fsys.ReadFile("/d/f", 1<<10); err != nil || string(data) != "inside" {
		t.Fatalf("ReadFile(/d/f) = %q, %v", data, err)
	}
	if _, err := fsys.Lstat("/d/g"); err != nil {
		t.Fatal(err)
	}
	// /d/g, looked at, becomes a symlink to a file outside; /d, held
	// open, is moved away and replaced by a symlink to the outside.
	must(t, os.Remove(filepath.Join(root, "d", "g")))
	must(t, os.Symlink(filepath.Join(out, "secret"), filepath.Join(root, "d", "g")))
	for _, q := range []string{"/d/g", "/d/f"} {
		if data, _ := fsys.ReadFile(q, 1<<10); bytes.Contains(data, []byte(sentinel)) {
			t.Fatalf("ReadFile(%s) read a file outside the root after the swap", q)
		}
	}
	must(t, os.Rename(filepath.Join(root, "d"), filepath.Join(root, "old")))
	must(t, os.Symlink(out, filepath.Join(root, "d")))
	for _, q := range []string{"/d/secret", "/d/f", "/d/g", "/d/d/secret"} {
		if data, _ := fsys.ReadFile(q, 1<<10); bytes.Contains(data, []byte(sentinel)) {
			t.Fatalf("ReadFile(%s) read a file outside the root after the swap", q)
		}
		if entries, err := fsys.ReadDir("/d"); err == nil {
			for _, e := range entries {
				if e.Name() == "sentinel-only" {
					t.Fatalf("ReadDir(/d) listed the directory outside the root")
				}
			}
		}
	}
	// A new cache sees the tree as it now is: /d is a symlink to an
	// absolute host path, re-rooted inside the root, where it leads
	// nowhere.
	fresh := RootFS{Dir: root}.Cached()
	defer fresh.Close()
	if _, err := fresh.ReadFile("/d/secret", 1<<10); !IsNotExist(err) {
		t.Fatalf("ReadFile(/d/secret) after the swap, fresh cache: %v, want not found", err)
	}
}

// TestCachedManyDirs reads files in more directories than the cache
// keeps handles for, twice, so that handles are dropped and reopened.
func TestCachedManyDirs(t *testing.T) {
	root := t.TempDir()
	n := maxHandles + 40
	for i := range n {
		d := filepath.Join(root, "a", fmt.Sprint(i), "bin")
		must(t, os.MkdirAll(d, 0o755))
		must(t, os.WriteFile(filepath.Join(d, "x"), []byte(fmt.Sprint(i)), 0o755))
	}
	fsys := RootFS{Dir: root}.Cached()
	defer fsys.Close()
	for range 2 {
		for i := range n {
			p := fmt.Sprintf("/a/%d/bin/x", i)
			data, err := fsys.ReadFile(p, 1<<10)
			if err != nil || string(data) != fmt.Sprint(i) {
				t.Fatalf("ReadFile(%s) = %q, %v", p, data, err)
			}
			if fi, err := fsys.Lstat(p); err != nil || !fi.Mode().IsRegular() {
				t.Fatalf("Lstat(%s) = %v, %v", p, fi, err)
			}
		}
	}
	fsys.Close()
	// Closed, it opens the root again.
	if data, err := fsys.ReadFile("/a/0/bin/x", 1<<10); err != nil || string(data) != "0" {
		t.Fatalf("ReadFile after Close = %q, %v", data, err)
	}
}

// TestReadHead peeks at the first bytes of a file of any size, never
// past the root, and reads a short file whole.
func TestReadHead(t *testing.T) {
	base := t.TempDir()
	root, out := filepath.Join(base, "root"), filepath.Join(base, "outside")
	must(t, os.Mkdir(root, 0o755))
	plantOutside(t, out)
	big := bytes.Repeat([]byte{0x7f, 'E', 'L', 'F', 0}, 1<<20) // 5 MiB, over MaxScript
	must(t, os.WriteFile(filepath.Join(root, "big"), big, 0o755))
	must(t, os.WriteFile(filepath.Join(root, "short"), []byte("#!/bin/sh\n"), 0o755))
	must(t, os.Symlink(filepath.Join(out, "secret"), filepath.Join(root, "escape")))
	for _, fsys := range []RootFS{{Dir: root}, RootFS{Dir: root}.Cached()} {
		if data, err := ReadHead(fsys, "/big", 8, MaxScript); err != nil || !bytes.Equal(data, big[:8]) {
			t.Errorf("ReadHead(/big) = %q, %v", data, err)
		}
		if _, err := fsys.ReadFile("/big", MaxScript); err == nil {
			t.Error("ReadFile(/big) read a file over its cap")
		}
		if data, err := ReadHead(fsys, "/short", 512, MaxScript); err != nil || string(data) != "#!/bin/sh\n" {
			t.Errorf("ReadHead(/short) = %q, %v", data, err)
		}
		if data, _ := ReadHead(fsys, "/escape", 512, MaxScript); bytes.Contains(data, []byte(sentinel[:8])) {
			t.Error("ReadHead(/escape) read a file outside the root")
		}
		fsys.Close()
	}
}
