package rootfs

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sync"
	"syscall"
	"time"
)

// Overlay is an FS showing a base FS with planned file operations
// applied in memory: what `driftmap fix` would make of the tree, audited
// before anything is written. Nothing is ever written to the base.
//
// The operations (Mkdir, WriteFile, Rename, Chmod) take clean absolute
// paths inside the root that hold no symlink (a planner resolves them
// first); each refuses a path one of whose existing components is a
// symlink, as it refuses anything the real operation would not do.
//
// The FS methods answer as the base does for every path whose
// resolution meets nothing the operations touched (the call is passed
// to the base as it is), and consistently for the rest: a written file
// is a regular file of its new size and mode (its ModTime is zero), a
// created directory a directory, a file renamed away is absent
// (syscall.ENOENT) and present under its new name; ReadDir merges the
// base's entries with the overlay's, sorted by name. Paths resolve
// through the overlay itself (see Resolve), so a symlink of the base
// that points at a written file reads the new content.
//
// Apply the operations first, then read: reads are safe from several
// goroutines when the base's are, and an operation waits for the reads
// in progress (a read lock guards the overlay's state).
type Overlay struct {
	base     FS
	mu       sync.RWMutex
	entries  map[string]*entry          // clean path -> what the overlay put there
	children map[string]map[string]bool // directory -> names of entries in it
}

// entryKind is what the overlay holds at a path.
type entryKind uint8

const (
	gone    entryKind = iota // renamed away: absent
	file                     // a regular file: data, or the base file at src
	dir                      // a directory made by Mkdir
	chmoded                  // the base's file or directory, with new permission bits
)

type entry struct {
	kind entryKind
	perm fs.FileMode
	data []byte // file: its content, unless src is set
	src  string // file: the base's file it was renamed from, read there
}

// NewOverlay returns an Overlay over base with no operation applied.
func NewOverlay(base FS) *Overlay {
	return &Overlay{base: base, entries: map[string]*entry{}, children: map[string]map[string]bool{}}
}

// Mkdir makes the directory p with the permission bits of mode. Its
// parent must be a directory and p must not exist.
func (o *Overlay) Mkdir(p string, mode fs.FileMode) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.checkPath("mkdir", p); err != nil {
		return err
	}
	if err := o.checkParent("mkdir", p); err != nil {
		return err
	}
	if err := o.checkAbsent("mkdir", p); err != nil {
		return err
	}
	o.put(p, &entry{kind: dir, perm: mode.Perm()})
	return nil
}

// WriteFile makes p a regular file holding a copy of data, with the
// permission bits of mode: it creates p, or replaces a regular file.
// Its parent must be a directory.
func (o *Overlay) WriteFile(p string, data []byte, mode fs.FileMode) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.checkPath("write", p); err != nil {
		return err
	}
	if err := o.checkParent("write", p); err != nil {
		return err
	}
	fi, _, err := o.lstatPhys(p)
	switch {
	case IsNotExist(err):
	case err != nil:
		return opError("write", p, err)
	case !fi.Mode().IsRegular():
		return opError("write", p, &NotRegularError{Mode: fi.Mode()})
	}
	o.put(p, &entry{kind: file, perm: mode.Perm(), data: append([]byte{}, data...)})
	return nil
}

// Rename moves the regular file from to the name to, which must not
// exist and whose parent must be a directory.
func (o *Overlay) Rename(from, to string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, p := range []string{from, to} {
		if err := o.checkPath("rename", p); err != nil {
			return err
		}
	}
	fi, _, err := o.lstatPhys(from)
	switch {
	case err != nil:
		return opError("rename", from, err)
	case !fi.Mode().IsRegular():
		return opError("rename", from, &NotRegularError{Mode: fi.Mode()})
	}
	if err := o.checkParent("rename", to); err != nil {
		return err
	}
	if err := o.checkAbsent("rename", to); err != nil {
		return err
	}
	moved := &entry{kind: file, perm: fi.Mode().Perm(), src: from}
	if e := o.entries[from]; e != nil && e.kind == file {
		moved.data, moved.src = e.data, e.src
	}
	o.put(to, moved)
	o.put(from, &entry{kind: gone})
	return nil
}

// Chmod sets the permission bits of the existing file or directory p to
// those of mode.
func (o *Overlay) Chmod(p string, mode fs.FileMode) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.checkPath("chmod", p); err != nil {
		return err
	}
	fi, _, err := o.lstatPhys(p)
	switch {
	case err != nil:
		return opError("chmod", p, err)
	case !fi.Mode().IsRegular() && !fi.IsDir():
		return opError("chmod", p, &NotRegularError{Mode: fi.Mode()})
	}
	if e := o.entries[p]; e != nil {
		e.perm = mode.Perm()
		return nil
	}
	o.put(p, &entry{kind: chmoded, perm: mode.Perm()})
	return nil
}

// put records e at p.
func (o *Overlay) put(p string, e *entry) {
	o.entries[p] = e
	d, name := path.Split(p)
	d = Clean(d)
	if o.children[d] == nil {
		o.children[d] = map[string]bool{}
	}
	o.children[d][name] = true
}

func opError(op, p string, err error) error {
	return &fs.PathError{Op: op, Path: p, Err: errnoOf(err)}
}

// checkPath refuses a path that is not clean and absolute, the root
// itself, and a path one of whose existing components is a symlink or
// whose existing components before the last are not all directories.
func (o *Overlay) checkPath(op, p string) error {
	if p == "" || p != Clean(p) || p == "/" {
		return opError(op, p, errors.New("not a clean absolute path below the root"))
	}
	for at := 1; at <= len(p); at++ {
		if at < len(p) && p[at] != '/' {
			continue
		}
		q := p[:at]
		fi, _, err := o.lstatPhys(q)
		switch {
		case IsNotExist(err):
			return nil // nothing below exists
		case err != nil:
			return opError(op, p, err)
		case fi.Mode()&fs.ModeSymlink != 0:
			return opError(op, p, fmt.Errorf("%s is a symlink", q))
		case q != p && !fi.IsDir():
			return opError(op, p, syscall.ENOTDIR)
		}
	}
	return nil
}

// checkParent requires p's parent to be a directory.
func (o *Overlay) checkParent(op, p string) error {
	fi, _, err := o.lstatPhys(path.Dir(p))
	switch {
	case err != nil:
		return opError(op, p, err)
	case !fi.IsDir():
		return opError(op, p, syscall.ENOTDIR)
	}
	return nil
}

// checkAbsent requires p not to exist.
func (o *Overlay) checkAbsent(op, p string) error {
	switch _, _, err := o.lstatPhys(p); {
	case err == nil:
		return opError(op, p, syscall.EEXIST)
	case !IsNotExist(err):
		return opError(op, p, err)
	}
	return nil
}

// lstatPhys is Lstat of a clean path that holds no symlink before its
// last component. touched reports whether the answer depends on the
// overlay (p or a directory above it is an entry).
func (o *Overlay) lstatPhys(p string) (fi fs.FileInfo, touched bool, err error) {
	if e := o.entries[p]; e != nil {
		fi, err := o.entryInfo(p, e)
		return fi, true, err
	}
	for d := path.Dir(p); ; d = path.Dir(d) {
		if e := o.entries[d]; e != nil {
			switch e.kind {
			case dir:
				return nil, true, notExist("lstat", p) // a new directory holds only entries
			case gone:
				return nil, true, notExist("lstat", p)
			case file:
				return nil, true, &fs.PathError{Op: "lstat", Path: p, Err: syscall.ENOTDIR}
			}
			// chmoded: the base's directory, listed as it is
		}
		if d == "/" {
			break
		}
	}
	fi, err = o.base.Lstat(p)
	return fi, touched, err
}

// readlinkPhys is Readlink of a clean path that holds no symlink before
// its last component.
func (o *Overlay) readlinkPhys(p string) (string, bool, error) {
	fi, touched, err := o.lstatPhys(p)
	if !touched {
		t, err := o.base.Readlink(p)
		return t, false, err
	}
	if err != nil {
		return "", true, err
	}
	if fi.Mode()&fs.ModeSymlink == 0 {
		return "", true, &fs.PathError{Op: "readlink", Path: p, Err: syscall.EINVAL}
	}
	t, err := o.base.Readlink(p) // a symlink is never an entry: the base's
	return t, true, err
}

func notExist(op, p string) error {
	return &fs.PathError{Op: op, Path: p, Err: syscall.ENOENT}
}

// entryInfo describes the entry e at p.
func (o *Overlay) entryInfo(p string, e *entry) (fs.FileInfo, error) {
	name := path.Base(p)
	switch e.kind {
	case gone:
		return nil, notExist("lstat", p)
	case dir:
		return &overlayInfo{name: name, mode: fs.ModeDir | e.perm}, nil
	case file:
		if e.src == "" {
			return &overlayInfo{name: name, mode: e.perm, size: int64(len(e.data))}, nil
		}
		fi, err := o.base.Lstat(e.src)
		if err != nil {
			return nil, err
		}
		return &overlayInfo{name: name, mode: e.perm, size: fi.Size(), modTime: fi.ModTime()}, nil
	}
	fi, err := o.base.Lstat(p)
	if err != nil {
		return nil, err
	}
	return &overlayInfo{name: name, mode: fi.Mode()&^fs.ModePerm | e.perm, size: fi.Size(), modTime: fi.ModTime()}, nil
}

// overlayInfo is the fs.FileInfo of an overlay entry.
type overlayInfo struct {
	name    string
	mode    fs.FileMode
	size    int64
	modTime time.Time
}

func (i *overlayInfo) Name() string       { return i.name }
func (i *overlayInfo) Size() int64        { return i.size }
func (i *overlayInfo) Mode() fs.FileMode  { return i.mode }
func (i *overlayInfo) ModTime() time.Time { return i.modTime }
func (i *overlayInfo) IsDir() bool        { return i.mode.IsDir() }
func (i *overlayInfo) Sys() any           { return nil }
