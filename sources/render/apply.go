package render

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/driftmap/driftmap/sources/rootfs"
)

// Result is what Apply did.
type Result struct {
	// Written lists the files written or moved, in plan order.
	Written []string
	// Removed lists the stale temporaries, left in the manifests directory
	// by a render that was killed, that Apply removed before writing.
	Removed []string
}

// Apply carries out a render plan under the host directory root: it is
// the one place in driftmap that writes, and only `driftmap render` calls
// it. Every write stays inside the manifests directory dir (a path inside
// root), and nothing is written unless every check passes first:
//
//   - a Broken manifest (unparsable, or unreadable) stops it;
//   - dir must not be reached through a symlink (each component that
//     exists is looked at, through rootfs, from the root down), and no
//     manifest to be written may be a symlink or anything but a regular
//     file;
//   - a manifest to be created must not exist (render did not see it), and
//     one to be updated must still hold what render read;
//   - with prune, dir/.retired must be a directory, or absent;
//
// then:
//
//   - stale temporaries of a killed render (.NAME.yaml.driftmap-*) are
//     removed;
//   - dir is created when missing, through an os.Root on root, so that
//     not even a tree changed under our feet can make it leave root;
//   - each file is written to a temporary file in dir, synced, then
//     renamed over the old one, through an os.Root on dir so no path can
//     leave dir; the temporary is removed on every path that does not
//     rename it;
//   - with prune, Extra manifests are moved (never deleted) to
//     dir/.retired/NAME.retired-DATE, where date is YYYY-MM-DD.
//
// It returns what it did, also when it stops with an error part way.
func Apply(root, dir string, plan []Planned, prune bool, date string) (Result, error) {
	var res Result
	fsys := rootfs.RootFS{Dir: root}
	dir = rootfs.Clean(dir)
	if err := checkDir(fsys, dir); err != nil {
		return res, err
	}
	var work []Planned
	for _, p := range plan {
		switch p.Action {
		case Broken:
			return res, fmt.Errorf("cannot render %s: %s", p.File, p.Err)
		case Create, Update:
		case Extra:
			if !prune {
				continue
			}
		default:
			continue
		}
		if path.Dir(p.File) != dir {
			return res, &RefusedError{fmt.Sprintf("%s is not directly inside the manifests directory %s; refusing to write it", p.File, dir)}
		}
		work = append(work, p)
	}
	// Directories are opened as "NAME/.", so that a FIFO in their place
	// fails at once instead of blocking the open (see rootfs).
	top, err := os.OpenRoot(root + "/.")
	if err != nil {
		return res, err
	}
	defer top.Close()
	rel := "."
	if dir != "/" {
		rel = dir[1:]
	}
	r, err := top.OpenRoot(rel + "/.")
	switch {
	case err == nil:
		defer r.Close()
		if err := checkTargets(r, dir, work); err != nil {
			return res, err
		}
		if res.Removed, err = removeStale(r, dir); err != nil {
			return res, err
		}
	case errors.Is(err, fs.ErrNotExist):
		// Nothing exists yet: every manifest is created.
		for _, p := range work {
			if p.Action != Create {
				return res, fmt.Errorf("cannot render %s: the manifests directory %s does not exist", p.File, dir)
			}
		}
	default:
		return res, fmt.Errorf("cannot open manifests directory %s: %v", dir, rootfs.Reason(err))
	}
	if len(work) == 0 {
		return res, nil
	}
	if r == nil {
		if err := top.MkdirAll(rel, 0o755); err != nil {
			return res, err
		}
		if r, err = top.OpenRoot(rel + "/."); err != nil {
			return res, err
		}
		defer r.Close()
	}
	for _, p := range work {
		name := path.Base(p.File)
		if p.Action == Extra {
			to, err := retire(r, name, date)
			if err != nil {
				return res, err
			}
			res.Written = append(res.Written, path.Join(dir, to))
			continue
		}
		if err := writeAtomic(r, name, p.New); err != nil {
			return res, fmt.Errorf("writing %s: %w", p.File, err)
		}
		res.Written = append(res.Written, p.File)
	}
	return res, nil
}

// checkDir refuses a manifests directory dir (clean, inside the root) that
// is reached through a symlink or is not a directory. It looks at every
// component from the root down, stopping at the first that does not
// exist: the rest Apply creates.
func checkDir(fsys rootfs.RootFS, dir string) error {
	p := "/"
	for _, c := range strings.Split(strings.TrimPrefix(dir, "/"), "/") {
		if c == "" {
			continue
		}
		p = path.Join(p, c)
		fi, err := fsys.Lstat(p)
		switch {
		case rootfs.IsNotExist(err):
			return nil
		case err != nil:
			return fmt.Errorf("cannot resolve manifests directory %s: %v", dir, rootfs.Reason(err))
		case fi.Mode()&fs.ModeSymlink != 0:
			physical, err := rootfs.Resolve(fsys, dir)
			if err != nil {
				return &RefusedError{fmt.Sprintf("manifests directory %s is reached through a symlink (%s), which leads nowhere inside the root; refusing to write through it", dir, p)}
			}
			return &RefusedError{fmt.Sprintf("manifests directory %s is reached through a symlink (it resolves to %s); refusing to write through it", dir, physical)}
		case !fi.IsDir():
			return fmt.Errorf("manifests directory %s: %s is not a directory", dir, p)
		}
	}
	return nil
}

// RefusedError is a write Apply refused for safety; nothing was written.
type RefusedError struct{ Msg string }

func (e *RefusedError) Error() string { return e.Msg }

// checkTargets refuses, before anything is written, every write that
// could destroy what render has not seen: through a symlink, over
// anything but a regular file, over a file that appeared since the plan
// was made or changed since render read it, and a retirement into a
// .retired that is not a directory.
func checkTargets(r *os.Root, dir string, work []Planned) error {
	retiring := false
	for _, p := range work {
		name := path.Base(p.File)
		fi, err := r.Lstat(name)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			if p.Action != Create {
				return fmt.Errorf("cannot render %s: it no longer exists", p.File)
			}
			continue
		case err != nil:
			return fmt.Errorf("cannot render %s: %s", p.File, rootfs.Reason(err))
		case fi.Mode()&fs.ModeSymlink != 0:
			return &RefusedError{fmt.Sprintf("manifest %s is a symlink; refusing to write through it", p.File)}
		case !fi.Mode().IsRegular():
			return &RefusedError{fmt.Sprintf("manifest %s is %s, not a regular file; refusing to replace it", p.File, rootfs.FileKind(fi.Mode()))}
		case p.Action == Create:
			return &RefusedError{fmt.Sprintf("manifest %s exists but render did not read it; refusing to replace it", p.File)}
		case p.Action == Update:
			same, err := holds(r, name, p.Old)
			if err != nil {
				return fmt.Errorf("cannot render %s: %s", p.File, rootfs.Reason(err))
			}
			if !same {
				return &RefusedError{fmt.Sprintf("manifest %s changed since render read it; refusing to replace it (run driftmap render again)", p.File)}
			}
		case p.Action == Extra:
			retiring = true
		}
	}
	if !retiring {
		return nil
	}
	fi, err := r.Lstat(retiredDir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("cannot retire into %s: %s", path.Join(dir, retiredDir), rootfs.Reason(err))
	case !fi.IsDir():
		return &RefusedError{fmt.Sprintf("%s is %s, not a directory; refusing to retire manifests into it", path.Join(dir, retiredDir), rootfs.FileKind(fi.Mode()))}
	}
	return nil
}

// holds reports whether file name in r holds exactly data, reading no
// more than one byte past it.
func holds(r *os.Root, name string, data []byte) (bool, error) {
	f, err := r.Open(name)
	if err != nil {
		return false, err
	}
	defer f.Close()
	got, err := io.ReadAll(io.LimitReader(f, int64(len(data))+1))
	if err != nil {
		return false, err
	}
	return bytes.Equal(got, data), nil
}

// Temporaries are named "." + NAME + tempInfix + random hex digits, NAME
// the manifest they replace, in the manifests directory itself (so the
// rename is atomic). A render killed between creating and renaming one
// leaves it behind; the next Apply removes it (removeStale). Renders of
// driftmap before this naming used the process ID as the suffix, which
// isTemp recognises too.
const tempInfix = ".driftmap-"

// retiredDir is where pruned manifests go, inside the manifests directory.
const retiredDir = ".retired"

// isTemp reports whether name is a temporary file of a render:
// ".NAME.yaml.driftmap-HEX" (or .yml), HEX at most 32 lower-case hex
// digits (decimal process IDs included).
func isTemp(name string) bool {
	rest, ok := strings.CutPrefix(name, ".")
	i := strings.LastIndex(rest, tempInfix)
	if !ok || i <= 0 {
		return false
	}
	base, suffix := rest[:i], rest[i+len(tempInfix):]
	if strings.HasPrefix(base, ".") || !strings.HasSuffix(base, ".yaml") && !strings.HasSuffix(base, ".yml") {
		return false
	}
	if suffix == "" || len(suffix) > 32 {
		return false
	}
	return strings.Trim(suffix, "0123456789abcdef") == ""
}

// removeStale removes the temporaries a killed render left in r (regular
// files only; never a symlink, and never a name with a separator, so
// nothing outside the directory is touched) and returns their paths
// inside root, sorted.
func removeStale(r *os.Root, dir string) ([]string, error) {
	d, err := r.Open(".")
	if err != nil {
		return nil, fmt.Errorf("cannot list manifests directory %s: %s", dir, rootfs.Reason(err))
	}
	names, err := d.Readdirnames(-1)
	d.Close()
	if err != nil {
		return nil, fmt.Errorf("cannot list manifests directory %s: %s", dir, rootfs.Reason(err))
	}
	slices.Sort(names)
	var removed []string
	for _, name := range names {
		if !isTemp(name) {
			continue
		}
		if fi, err := r.Lstat(name); err != nil || !fi.Mode().IsRegular() {
			continue
		}
		if err := r.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return removed, fmt.Errorf("cannot remove stale temporary %s: %s", path.Join(dir, name), rootfs.Reason(err))
		}
		removed = append(removed, path.Join(dir, name))
	}
	return removed, nil
}

// maxRetired bounds the retirements of one manifest on one day.
const maxRetired = 10000

// retire moves name into .retired/, never overwriting an earlier
// retirement of the same day, and returns the new path relative to r.
// Apply has refused a .retired that is not a directory; it is checked
// again here, so no error can turn the search for a free name into a
// loop.
func retire(r *os.Root, name, date string) (string, error) {
	if err := r.Mkdir(retiredDir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return "", err
	}
	if fi, err := r.Lstat(retiredDir); err != nil || !fi.IsDir() {
		return "", fmt.Errorf("cannot retire %s: %s is not a directory", name, retiredDir)
	}
	base := path.Join(retiredDir, name+".retired-"+date)
	to := base
	for i := 2; ; i++ {
		_, err := r.Lstat(to)
		if errors.Is(err, fs.ErrNotExist) {
			break
		}
		if err != nil {
			return "", fmt.Errorf("cannot retire %s: %s", name, rootfs.Reason(err))
		}
		if i > maxRetired {
			return "", fmt.Errorf("cannot retire %s: %d retirements of it on %s already", name, maxRetired, date)
		}
		to = base + "-" + strconv.Itoa(i)
	}
	return to, r.Rename(name, to)
}
