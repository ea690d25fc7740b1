package render

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strconv"
	"strings"

	"github.com/driftmap/driftmap/sources/rootfs"
)

// Apply carries out a render plan under the host directory root: it is
// the one place in driftmap that writes, and only `driftmap render` calls
// it. Every write stays inside the manifests directory dir (a path inside
// root):
//
//   - dir must not be reached through a symlink (each component that
//     exists is looked at, through rootfs, from the root down), and no
//     manifest to be written may be a symlink: either is refused before
//     anything is written;
//   - dir is created when missing, through an os.Root on root, so that
//     not even a tree changed under our feet can make it leave root;
//   - each file is written to a temporary file in dir, synced, then
//     renamed over the old one, through an os.Root on dir so no path can
//     leave dir;
//   - with prune, Extra manifests are moved (never deleted) to
//     dir/.retired/NAME.retired-DATE, where date is YYYY-MM-DD.
//
// It returns the files it wrote or moved, in plan order.
func Apply(root, dir string, plan []Planned, prune bool, date string) ([]string, error) {
	fsys := rootfs.RootFS{Dir: root}
	dir = rootfs.Clean(dir)
	if err := checkDir(fsys, dir); err != nil {
		return nil, err
	}
	var work []Planned
	for _, p := range plan {
		switch p.Action {
		case Broken:
			return nil, fmt.Errorf("cannot render %s: %s", p.File, p.Err)
		case Create, Update:
		case Extra:
			if !prune {
				continue
			}
		default:
			continue
		}
		if path.Dir(p.File) != dir {
			return nil, &RefusedError{fmt.Sprintf("%s is not directly inside the manifests directory %s; refusing to write it", p.File, dir)}
		}
		if fi, err := fsys.Lstat(p.File); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			return nil, &RefusedError{fmt.Sprintf("manifest %s is a symlink; refusing to write through it", p.File)}
		}
		work = append(work, p)
	}
	if len(work) == 0 {
		return nil, nil
	}
	// Directories are opened as "NAME/.", so that a FIFO in their place
	// fails at once instead of blocking the open (see rootfs).
	top, err := os.OpenRoot(root + "/.")
	if err != nil {
		return nil, err
	}
	defer top.Close()
	rel := "."
	if dir != "/" {
		rel = dir[1:]
	}
	if err := top.MkdirAll(rel, 0o755); err != nil {
		return nil, err
	}
	r, err := top.OpenRoot(rel + "/.")
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var done []string
	for _, p := range work {
		name := path.Base(p.File)
		if p.Action == Extra {
			to, err := retire(r, name, date)
			if err != nil {
				return done, err
			}
			done = append(done, path.Join(dir, to))
			continue
		}
		if err := writeAtomic(r, name, p.New); err != nil {
			return done, fmt.Errorf("writing %s: %w", p.File, err)
		}
		done = append(done, p.File)
	}
	return done, nil
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

// writeAtomic replaces name in r with data: a temporary file in the same
// directory, synced, then renamed, so readers see the old file or the new
// one, never a part. The existing file's permissions are kept.
func writeAtomic(r *os.Root, name string, data []byte) (err error) {
	mode := fs.FileMode(0o644)
	if fi, err := r.Lstat(name); err == nil {
		mode = fi.Mode().Perm()
	}
	tmp := "." + name + ".driftmap-" + strconv.Itoa(os.Getpid())
	f, err := r.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			r.Remove(tmp)
		}
	}()
	if _, err = f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err = f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return r.Rename(tmp, name)
}

// retire moves name into .retired/, never overwriting an earlier
// retirement of the same day, and returns the new path relative to r.
func retire(r *os.Root, name, date string) (string, error) {
	if err := r.Mkdir(".retired", 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return "", err
	}
	base := path.Join(".retired", name+".retired-"+date)
	to := base
	for i := 2; ; i++ {
		if _, err := r.Lstat(to); errors.Is(err, fs.ErrNotExist) {
			break
		}
		to = base + "-" + strconv.Itoa(i)
	}
	return to, r.Rename(name, to)
}
