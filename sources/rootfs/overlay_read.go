package rootfs

import (
	"errors"
	"io/fs"
	"maps"
	"path"
	"slices"
	"syscall"
)

// walker returns a walker that resolves paths through the overlay and
// sets *touched when an answer depended on it.
func (o *Overlay) walker(touched *bool) *walker {
	return &walker{
		lstat: func(p string) (fs.FileInfo, error) {
			fi, t, err := o.lstatPhys(p)
			*touched = *touched || t
			return fi, err
		},
		readlink: func(p string) (string, error) {
			target, t, err := o.readlinkPhys(p)
			*touched = *touched || t
			return target, err
		},
	}
}

// parent resolves name's directory through the overlay and returns the
// physical path of name (its last component kept as it is), as
// RootFS.Lstat does.
func (o *Overlay) parent(name string, touched *bool) (string, error) {
	clean := Clean(name)
	dir, base := path.Split(clean)
	w, err := o.walker(touched).walk(dir)
	switch {
	case err != nil:
		return "", err
	case w.missing:
		return "", &ResolveError{Path: clean, Err: syscall.ENOENT}
	case !w.isDir:
		return "", &ResolveError{Path: clean, Err: syscall.ENOTDIR}
	}
	return path.Join(w.path, base), nil
}

// Lstat returns information about name without following a final
// symlink.
func (o *Overlay) Lstat(name string) (fs.FileInfo, error) {
	return atParent(o, name, o.base.Lstat, o.lstatPhys)
}

// Readlink returns the target of the symlink name, unmodified.
func (o *Overlay) Readlink(name string) (string, error) {
	return atParent(o, name, o.base.Readlink, o.readlinkPhys)
}

// atParent answers a question about name itself (not following a final
// symlink): from the base when the overlay touched nothing on its way,
// else by resolving its directory through the overlay and asking phys of
// the path inside it.
func atParent[T any](o *Overlay, name string, base func(string) (T, error), phys func(string) (T, bool, error)) (T, error) {
	o.mu.RLock()
	defer o.mu.RUnlock()
	if len(o.entries) == 0 {
		return base(name)
	}
	touched := false
	p, err := o.parent(name, &touched)
	var v T
	if err == nil {
		var t bool
		v, t, err = phys(p)
		touched = touched || t
	}
	if !touched {
		return base(name)
	}
	return v, err
}

// ReadFile reads the regular file name, following symlinks through the
// overlay, and at most max bytes of it (see FS).
func (o *Overlay) ReadFile(name string, max int64) ([]byte, error) {
	o.mu.RLock()
	defer o.mu.RUnlock()
	if len(o.entries) == 0 {
		return o.base.ReadFile(name, max)
	}
	touched := false
	w, err := o.walker(&touched).walk(name)
	if !touched {
		return o.base.ReadFile(name, max)
	}
	if err != nil {
		return nil, err
	}
	fi, _, err := o.lstatPhys(w.path)
	switch {
	case err != nil:
		return nil, &fs.PathError{Op: "open", Path: name, Err: errnoOf(err)}
	case !fi.Mode().IsRegular():
		return nil, &fs.PathError{Op: "read", Path: name, Err: &NotRegularError{Mode: fi.Mode()}}
	}
	src := w.path
	if e := o.entries[w.path]; e != nil && e.kind == file {
		if e.src == "" {
			if int64(len(e.data)) > max {
				return nil, &fs.PathError{Op: "read", Path: name, Err: &TooLargeError{Max: max}}
			}
			return slices.Clone(e.data), nil
		}
		src = e.src
	}
	data, err := o.base.ReadFile(src, max)
	return data, renamed(err, name)
}

// ReadDir lists name, following symlinks through the overlay, sorted by
// name: the base's entries, less those renamed away, with the overlay's
// in place or added.
func (o *Overlay) ReadDir(name string) ([]fs.DirEntry, error) {
	o.mu.RLock()
	defer o.mu.RUnlock()
	if len(o.entries) == 0 {
		return o.base.ReadDir(name)
	}
	touched := false
	w, err := o.walker(&touched).walk(name)
	if err == nil && len(o.children[w.path]) > 0 {
		touched = true
	}
	if !touched {
		return o.base.ReadDir(name)
	}
	if err != nil {
		return nil, err
	}
	fi, _, err := o.lstatPhys(w.path)
	switch {
	case err != nil:
		return nil, &fs.PathError{Op: "open", Path: name, Err: errnoOf(err)}
	case !fi.IsDir():
		return nil, &fs.PathError{Op: "open", Path: name, Err: syscall.ENOTDIR}
	}
	byName := map[string]fs.DirEntry{}
	if e := o.entries[w.path]; e == nil || e.kind != dir {
		base, err := o.base.ReadDir(w.path)
		if err != nil {
			return nil, renamed(err, name)
		}
		for _, d := range base {
			byName[d.Name()] = d
		}
	}
	for _, c := range slices.Sorted(maps.Keys(o.children[w.path])) {
		fi, _, err := o.lstatPhys(path.Join(w.path, c))
		switch {
		case IsNotExist(err):
			delete(byName, c)
		case err != nil:
			return nil, renamed(err, name)
		default:
			byName[c] = fs.FileInfoToDirEntry(fi)
		}
	}
	out := make([]fs.DirEntry, 0, len(byName))
	for _, c := range slices.Sorted(maps.Keys(byName)) {
		out = append(out, byName[c])
	}
	return out, nil
}

// renamed gives a *fs.PathError from the base the path the caller asked
// for.
func renamed(err error, name string) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return &fs.PathError{Op: pe.Op, Path: name, Err: pe.Err}
	}
	return err
}
