package render

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"

	"github.com/driftmap/driftmap/sources/rootfs"
)

// This file is how ApplyOps and Undo reach the audited root: a tree.

// maxOpFile caps a file an op reads (to compare it with the state it was
// planned against, keep the bytes a write replaces, or record the state
// an op left), and the data an OpWrite may write.
const maxOpFile = rootfs.MaxFleet

// maxDirEntries caps the listing of a directory Undo is to remove.
const maxDirEntries = 10000

// tree is the audited root as fix sees it. Every access opens the
// directories from the root down, one component at a time, refuses a
// symlink or anything but a directory on the way, and checks that what
// it opened is what it looked at (os.SameFile), so that a tree changed
// under our feet cannot redirect an access through a symlink; and every
// access goes through an os.Root on the root, so that nothing can leave
// it either way. A final component is never followed.
type tree struct {
	top *os.Root
}

// openTree opens the host directory root.
func openTree(root string) (*tree, error) {
	// "/." so that a FIFO in root's place fails at once (see Apply).
	top, err := os.OpenRoot(root + "/.")
	if err != nil {
		return nil, fmt.Errorf("cannot open the root %s: %s", root, rootfs.Reason(err))
	}
	return &tree{top: top}, nil
}

func (t *tree) close() { t.top.Close() }

// A walkError is a directory on the way to a path that cannot be used.
type walkError struct {
	At      string // the component: a path inside the root
	Missing bool   // At does not exist
	Reason  string // why At cannot be used
}

func (e *walkError) Error() string { return e.At + " " + e.Reason }

// isMissing reports whether err says a path, or a directory on its way,
// does not exist.
func isMissing(err error) bool {
	var we *walkError
	if errors.As(err, &we) {
		return we.Missing
	}
	return rootfs.IsNotExist(err)
}

// components splits a clean absolute path into its names.
func components(p string) []string {
	if p == "/" {
		return nil
	}
	return strings.Split(p[1:], "/")
}

// openDir opens the directory p (a clean absolute path inside the root),
// refusing, with a *walkError, a component that is missing, a symlink or
// not a directory, or that changed between its lstat and its open.
func (t *tree) openDir(p string) (*os.Root, error) {
	cur, err := t.top.OpenRoot(".")
	if err != nil {
		return nil, err
	}
	at := "/"
	for _, c := range components(p) {
		at = path.Join(at, c)
		fi, err := cur.Lstat(c)
		if err != nil {
			cur.Close()
			if rootfs.IsNotExist(err) {
				return nil, &walkError{At: at, Missing: true, Reason: "does not exist"}
			}
			return nil, &walkError{At: at, Reason: "cannot be looked at (" + rootfs.Reason(err) + ")"}
		}
		if r := dirReason(fi.Mode()); r != "" {
			cur.Close()
			return nil, &walkError{At: at, Reason: r}
		}
		// "NAME/." so that a FIFO swapped in fails the open at once.
		next, err := cur.OpenRoot(c + "/.")
		cur.Close()
		if err != nil {
			return nil, &walkError{At: at, Reason: "cannot be opened (" + rootfs.Reason(err) + ")"}
		}
		got, err := next.Stat(".")
		if err != nil || !os.SameFile(fi, got) {
			next.Close()
			return nil, &walkError{At: at, Reason: "changed while it was being opened"}
		}
		cur = next
	}
	return cur, nil
}

// dirReason says why a directory on a path's way, of mode m, cannot be
// used: "" for a directory.
func dirReason(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "is a symlink"
	case !m.IsDir():
		return "is not a directory (" + rootfs.FileKind(m) + ")"
	}
	return ""
}

// sameDir reports whether r is still the directory p: a check made just
// before an op that acts through a handle opened earlier.
func (t *tree) sameDir(r *os.Root, p string) bool {
	again, err := t.openDir(p)
	if err != nil {
		return false
	}
	defer again.Close()
	a, err1 := again.Stat(".")
	b, err2 := r.Stat(".")
	return err1 == nil && err2 == nil && os.SameFile(a, b)
}

// lstat returns what p is, without following it.
func (t *tree) lstat(p string) (fs.FileInfo, error) {
	r, err := t.openDir(path.Dir(p))
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return r.Lstat(path.Base(p))
}

// look returns the state of p and, for a regular file, its content
// (bounded by maxOpFile). An absent p, or one whose directory is
// missing, is FileState{}.
func (t *tree) look(p string) (FileState, []byte, error) {
	r, err := t.openDir(path.Dir(p))
	if isMissing(err) {
		return FileState{}, nil, nil
	}
	if err != nil {
		return FileState{}, nil, err
	}
	defer r.Close()
	return lookIn(r, path.Base(p))
}

// lookIn is look for the entry name of the open directory r.
func lookIn(r *os.Root, name string) (FileState, []byte, error) {
	fi, err := r.Lstat(name)
	if rootfs.IsNotExist(err) {
		return FileState{}, nil, nil
	}
	if err != nil {
		return FileState{}, nil, err
	}
	st := FileState{Exists: true, Type: fileType(fi.Mode()), Mode: fi.Mode().Perm()}
	if st.Type != "file" {
		return st, nil, nil
	}
	f, err := openSame(r, name, fi)
	if err != nil {
		return FileState{}, nil, err
	}
	defer f.Close()
	if fi.Size() > maxOpFile {
		return FileState{}, nil, &rootfs.TooLargeError{Max: maxOpFile}
	}
	data, err := io.ReadAll(io.LimitReader(f, maxOpFile+1))
	if err != nil {
		return FileState{}, nil, err
	}
	if int64(len(data)) > maxOpFile {
		return FileState{}, nil, &rootfs.TooLargeError{Max: maxOpFile}
	}
	st.Size, st.SHA256 = int64(len(data)), Hash(data)
	return st, data, nil
}

// errChanged is an entry that changed between its lstat and its open.
var errChanged = errors.New("changed while it was being opened")

// openSame opens the entry name of r for reading, without blocking, and
// returns it only when it is the very file fi describes (a regular file
// or a directory): a symlink or anything else swapped in between the
// lstat and the open is refused, never followed.
func openSame(r *os.Root, name string, fi fs.FileInfo) (*os.File, error) {
	if !fi.Mode().IsRegular() && !fi.IsDir() {
		return nil, &rootfs.NotRegularError{Mode: fi.Mode()}
	}
	f, err := r.OpenFile(name, os.O_RDONLY|readFlags, 0)
	if err != nil {
		return nil, err
	}
	got, err := f.Stat()
	if err != nil || got.Mode().Type() != fi.Mode().Type() || !os.SameFile(fi, got) {
		f.Close()
		return nil, errChanged
	}
	return f, nil
}

// chmodIn sets the permissions of the entry name of r, a regular file or
// a directory, to mode, through a handle on the file itself (never
// following a symlink swapped in).
func chmodIn(r *os.Root, name string, mode fs.FileMode) error {
	fi, err := r.Lstat(name)
	if err != nil {
		return err
	}
	f, err := openSame(r, name, fi)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Chmod(mode)
}

// listDir returns the sorted names in directory p, at most maxDirEntries
// of them, more being an error.
func (t *tree) listDir(p string) ([]string, error) {
	r, err := t.openDir(p)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	d, err := r.Open(".")
	if err != nil {
		return nil, err
	}
	defer d.Close()
	names, err := d.Readdirnames(maxDirEntries + 1)
	if err != nil && err != io.EOF {
		return nil, err
	}
	if len(names) > maxDirEntries {
		return nil, fmt.Errorf("more than %d entries", maxDirEntries)
	}
	slices.Sort(names)
	return names, nil
}

// describeErr says why a path could not be looked at, for a line of a
// refusal (which names the path).
func describeErr(err error) string {
	var we *walkError
	var tl *rootfs.TooLargeError
	switch {
	case errors.As(err, &we):
		return we.Error()
	case errors.As(err, &tl):
		return "it is " + tl.Error()
	case errors.Is(err, errChanged):
		return "it " + errChanged.Error()
	}
	return "it cannot be read (" + rootfs.Reason(err) + ")"
}
