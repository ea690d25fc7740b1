//go:build unix

package rootfs

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// sentinel is the content of every file planted outside the root: no
// read through a RootFS may ever return it.
const sentinel = "SENTINEL-OUTSIDE-THE-ROOT"

// fuzzNames are the components of fuzzed paths; "outside" and "secret"
// also name the planted files outside the root, so that a resolution
// that climbed out would find them.
var fuzzNames = []string{"a", "b", "c", "outside", "secret"}

// fuzzTargets are symlink targets: relative, absolute, climbing, through
// missing components, at the host paths of the outside directory (which
// must be re-rooted), with trailing slashes; "{out}" is replaced by the
// host path of the directory outside the root, "{root}" by the root's.
var fuzzTargets = []string{
	".", "..", "../..", "../../..", "a", "b/c", "../a", "../../a/b", "a/", "c/secret/",
	"nx/../a", "nx/../../outside/secret", "a/nx/../../secret", "b/../../../../secret",
	"/", "/a", "/a/b", "/b/../c", "/nx/../a", "/../../outside/secret", "/outside/secret",
	"../outside/secret", "../../outside/secret", "../../../outside/d/secret",
	"{out}", "{out}/secret", "{out}/d", "{out}/nx/../secret", "{root}/a", "{root}/../outside/secret",
	"l", "../l", "/a/l", "a/l/l",
	"nx/../b/secret", "nx/../l/d/secret", "/nx/../b",
}

// fuzzTree builds a tree under root from data, four bytes per entry: the
// kind (directory, file, symlink, FIFO), two bytes choosing the path and
// one the target. It returns the paths it made, inside the root.
//
// The tree holds symlinks to the host's "/" and to places above the
// root, so it is built only through real directories (madeParents) and
// never writes through a symlink: no write can leave the temporary
// directory.
func fuzzTree(root, out string, data []byte) []string {
	var made []string
	for i := 0; i+4 <= len(data) && len(made) < 24; i += 4 {
		op, p1, p2, tg := data[i], data[i+1], data[i+2], data[i+3]
		comps := []string{fuzzNames[int(p1)%len(fuzzNames)]}
		for j, b := range []byte{p1 / 5, p2} {
			if int(p1)%3 > j {
				comps = append(comps, fuzzNames[int(b)%len(fuzzNames)])
			}
		}
		if op&0x10 != 0 {
			comps[len(comps)-1] = "l"
		}
		p := "/" + strings.Join(comps, "/")
		made = append(made, p)
		if !madeParents(root, comps) {
			continue
		}
		host := filepath.Join(root, filepath.FromSlash(p))
		// None of these follows a symlink in the last component.
		switch op % 4 {
		case 0:
			os.Mkdir(host, 0o755)
		case 1:
			if f, err := os.OpenFile(host, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644); err == nil {
				f.WriteString("inside:" + p)
				f.Close()
			}
		case 2:
			t := fuzzTargets[int(tg)%len(fuzzTargets)]
			t = strings.ReplaceAll(strings.ReplaceAll(t, "{out}", out), "{root}", root)
			os.Symlink(t, host)
		case 3:
			syscall.Mkfifo(host, 0o644)
		}
	}
	return made
}

// madeParents makes the directories above comps under root and reports
// whether each is a real directory (not a symlink, not a file), so that
// creating the last component follows no symlink.
func madeParents(root string, comps []string) bool {
	dir := root
	for _, c := range comps[:len(comps)-1] {
		dir = filepath.Join(dir, c)
		fi, err := os.Lstat(dir)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			if os.Mkdir(dir, 0o755) != nil {
				return false
			}
		case err != nil || !fi.IsDir():
			return false
		}
	}
	return true
}

// plantOutside fills the directory outside the root with sentinel files
// at the names a climbing resolution would reach.
func plantOutside(t *testing.T, out string) {
	for _, p := range []string{"secret", "d/secret", "outside/secret", "a/secret", "sentinel-only"} {
		host := filepath.Join(out, p)
		must(t, os.MkdirAll(filepath.Dir(host), 0o755))
		must(t, os.WriteFile(host, []byte(sentinel), 0o644))
	}
}

// FuzzResolve builds random symlink graphs inside a temporary root (with
// the outside directory next to it full of sentinel files) and checks,
// for every path made and a few more:
//
//   - Resolve returns a clean path with no symlink on the host, so that
//     opening it cannot leave the root;
//   - where the kernel can say (Linux openat2 with RESOLVE_IN_ROOT,
//     which has exactly RootFS's semantics), Resolve agrees with it;
//   - ReadFile never returns a sentinel, returns what the resolved
//     file holds, and never blocks (FIFOs are in the mix);
//   - ReadDir never lists the outside directory, and Lstat, Readlink and
//     Dangling never fail unexpectedly.
func FuzzResolve(f *testing.F) {
	f.Add([]byte{2, 0, 0, 11, 2, 1, 0, 24})                                      // a -> nx/../../outside/secret; b -> {out}
	f.Add([]byte{2, 0, 0, 10, 1, 3, 0, 0, 2, 0x11, 0, 30})                       // a -> nx/../a (self), outside file, l -> l
	f.Add([]byte{0, 0, 0, 0, 2, 3, 3, 21, 2, 1, 0, 25, 3, 2, 0, 0})              // dir a, outside/outside -> ../outside/secret, b -> {out}/secret, FIFO c
	f.Add([]byte{2, 0x10, 0, 31, 2, 2, 0, 33, 0, 0, 0, 0, 2, 0x13, 0, 32})       // l -> ../l, c -> a/l/l, dir a, a/l -> /a/l
	f.Add([]byte{0, 0, 0, 0, 1, 4, 0, 0, 2, 1, 0, 27, 2, 2, 0, 28, 2, 8, 0, 29}) // re-rooted absolute host paths
	f.Add([]byte{1, 0, 0, 0, 2, 1, 0, 8, 2, 2, 0, 9})                            // a file, b -> a/, c -> c/secret/
	f.Add([]byte{2, 6, 0, 24, 2, 12, 0, 34})                                     // issue 7: b -> {out}, c -> nx/../b/secret
	f.Add([]byte{2, 0x10, 0, 24, 2, 0, 0, 35, 2, 12, 0, 36})                     // l -> {out}, a -> nx/../l/d/secret, c -> /nx/../b
	f.Fuzz(func(t *testing.T, data []byte) {
		base := t.TempDir()
		root, out := filepath.Join(base, "root"), filepath.Join(base, "outside")
		must(t, os.Mkdir(root, 0o755))
		plantOutside(t, out)
		made := fuzzTree(root, out, data)
		fsys := RootFS{Dir: root}
		queries := append(made, "/", "/a", "/a/b/c", "/outside/secret", "/secret", "/l", "/a/l", "/b/c/secret")
		for _, q := range queries {
			checkResolve(t, root, fsys, q)
		}
		// A cached RootFS answers the same, first and from its cache.
		cached := fsys.Cached()
		defer cached.Close()
		for range 2 {
			for _, q := range queries {
				checkResolve(t, root, cached, q)
			}
		}
	})
}

func checkResolve(t *testing.T, root string, fsys RootFS, q string) {
	t.Helper()
	r, err := Resolve(fsys, q)
	var missing bool
	if err == nil {
		if r != Clean(r) {
			t.Fatalf("Resolve(%q) = %q: not clean", q, r)
		}
		// No component of r is a symlink on the host (its last may be
		// missing): the kernel follows nothing opening it.
		for p := r; p != "/"; p = path.Dir(p) {
			fi, err := os.Lstat(filepath.Join(root, p))
			if err != nil {
				if p != r {
					t.Fatalf("Resolve(%q) = %q, whose directory %q does not exist: %v", q, r, p, err)
				}
				missing = true
				continue
			}
			if fi.Mode()&fs.ModeSymlink != 0 {
				t.Fatalf("Resolve(%q) = %q, which holds the symlink %q", q, r, p)
			}
		}
	} else {
		var re *ResolveError
		if !errors.As(err, &re) {
			t.Fatalf("Resolve(%q): %v, not a *ResolveError", q, err)
		}
	}
	if kr, kerr, ok := kernelResolve(root, q); ok {
		switch {
		case kerr == nil:
			if err != nil || missing || r != kr {
				t.Fatalf("Resolve(%q) = %q (missing %v), %v; the kernel says %q", q, r, missing, err, kr)
			}
		case errors.Is(kerr, syscall.ELOOP):
			if !errors.Is(err, ErrLinkLoop) {
				t.Fatalf("Resolve(%q) = %q, %v; the kernel says %v", q, r, err, kerr)
			}
		case errors.Is(kerr, syscall.ENOENT), errors.Is(kerr, syscall.ENOTDIR):
			if !(err == nil && missing) && !IsNotExist(err) {
				t.Fatalf("Resolve(%q) = %q (missing %v), %v; the kernel says %v", q, r, missing, err, kerr)
			}
		}
	}
	data, rerr := fsys.ReadFile(q, 1<<10)
	if bytes.Contains(data, []byte(sentinel)) {
		t.Fatalf("ReadFile(%q) read a file outside the root", q)
	}
	if rerr == nil {
		if err != nil {
			t.Fatalf("ReadFile(%q) read %q where Resolve fails: %v", q, data, err)
		}
		want, _ := os.ReadFile(filepath.Join(root, r))
		if !bytes.Equal(data, want) {
			t.Fatalf("ReadFile(%q) = %q, but %q holds %q", q, data, r, want)
		}
	}
	if entries, err := fsys.ReadDir(q); err == nil {
		for _, e := range entries {
			if e.Name() == "sentinel-only" {
				t.Fatalf("ReadDir(%q) listed the directory outside the root", q)
			}
		}
	}
	fsys.Lstat(q)
	fsys.Readlink(q)
	if _, _, ok := Dangling(fsys, q); ok && err == nil && !missing {
		t.Fatalf("Dangling(%q) for a path that resolves to %q", q, r)
	}
}

// overlayNames are the components of the paths fuzzed overlay
// operations name: those of fuzzTree and two new ones.
var overlayNames = []string{"a", "b", "c", "l", "n", "outside"}

func overlayPath(b byte) string {
	p := ""
	for range 1 + int(b>>6)%3 {
		p += "/" + overlayNames[int(b)%len(overlayNames)]
		b /= 6
	}
	return p
}

// overlayModes keep the owner's read, write and search bits, so that the
// real tree stays readable.
var overlayModes = []fs.FileMode{0o700, 0o755, 0o750, 0o744}

// FuzzOverlay builds the same random tree twice (fuzzTree), applies
// random operations to an Overlay over the first and, each time the
// overlay accepts one, the same operation for real to the second; then
// every path reads the same through the overlay as through a RootFS on
// the second tree (symlinks, FIFOs, renamed-away files and all). An
// operation the overlay accepts must succeed for real, and never
// through a symlink: that is checked on the host before doing it.
func FuzzOverlay(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 1, 1, 0, 0}, []byte{0, 4, 0, 1, 5, 0, 2, 1, 4, 3, 0, 1})
	f.Add([]byte{0, 0, 0, 0, 2, 2, 0, 16, 2, 0x10, 0, 17}, []byte{1, 0x40, 1, 1, 0x44, 0, 2, 0x41, 0x45, 3, 0x40, 2})
	f.Add([]byte{1, 0, 0, 0, 2, 1, 0, 8, 3, 2, 0, 0}, []byte{2, 0, 4, 3, 2, 1, 1, 1, 0, 0, 0x80, 0})
	f.Add([]byte{0, 0, 0, 0, 0, 0x40, 0, 0, 1, 0x4c, 0, 0, 2, 1, 0, 16}, []byte{0, 0x46, 0, 1, 0x4a, 0, 2, 0x4c, 0x52, 1, 0x46, 2})
	f.Fuzz(func(t *testing.T, tree, ops []byte) {
		base := t.TempDir()
		root1, root2, out := filepath.Join(base, "r1"), filepath.Join(base, "r2"), filepath.Join(base, "outside")
		must(t, os.Mkdir(root1, 0o755))
		must(t, os.Mkdir(root2, 0o755))
		plantOutside(t, out)
		made := fuzzTree(root1, out, tree)
		fuzzTree(root2, out, tree)
		o := NewOverlay(RootFS{Dir: root1}.Cached())
		queries := append(made, "/", "/a", "/b/c", "/l", "/n", "/a/l", "/n/n", "/c/secret")
		for i := 0; i+3 <= len(ops) && i < 3*16; i += 3 {
			p, q := overlayPath(ops[i+1]), overlayPath(ops[i+2])
			mode := overlayModes[int(ops[i+2])%len(overlayModes)]
			queries = append(queries, p, q)
			switch ops[i] % 4 {
			case 0:
				if o.Mkdir(p, mode) == nil {
					realOp(t, root2, func(h func(string) string) error {
						if err := os.Mkdir(h(p), mode); err != nil {
							return err
						}
						return os.Chmod(h(p), mode)
					}, p)
				}
			case 1:
				data := []byte("written:" + p)
				if o.WriteFile(p, data, mode) == nil {
					realOp(t, root2, func(h func(string) string) error {
						if err := os.WriteFile(h(p), data, mode); err != nil {
							return err
						}
						return os.Chmod(h(p), mode)
					}, p)
				}
			case 2:
				if o.Rename(p, q) == nil {
					realOp(t, root2, func(h func(string) string) error { return os.Rename(h(p), h(q)) }, p, q)
				}
			case 3:
				if o.Chmod(p, mode) == nil {
					realOp(t, root2, func(h func(string) string) error { return os.Chmod(h(p), mode) }, p)
				}
			}
		}
		real := RootFS{Dir: root2}
		for _, q := range queries {
			got := strings.ReplaceAll(describe(o, q), root1, "{root}")
			want := strings.ReplaceAll(describe(real, q), root2, "{root}")
			if got != want {
				t.Fatalf("%s:\noverlay %s\nreal    %s", q, got, want)
			}
			r1, err1 := Resolve(o, q)
			r2, err2 := Resolve(real, q)
			if r1 != r2 || (err1 == nil) != (err2 == nil) {
				t.Fatalf("Resolve(%s): overlay %q, %v; real %q, %v", q, r1, err1, r2, err2)
			}
		}
	})
}

// realOp does op on the tree under root (h turns a path inside it into a
// host path) after checking that no component of paths is a symlink on
// the host, which the overlay must have refused.
func realOp(t *testing.T, root string, op func(h func(string) string) error, paths ...string) {
	t.Helper()
	h := func(p string) string { return filepath.Join(root, filepath.FromSlash(p)) }
	for _, p := range paths {
		for q := p; q != "/"; q = path.Dir(q) {
			if fi, err := os.Lstat(h(q)); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
				t.Fatalf("the overlay accepted an operation on %s, through the symlink %s", p, q)
			}
		}
	}
	if err := op(h); err != nil {
		t.Fatalf("the overlay accepted an operation on %v that fails for real: %v", paths, err)
	}
}
