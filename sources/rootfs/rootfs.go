// Package rootfs is driftmap's read-only view of the audited machine: the
// FS interface every loader reads through, RootFS (a host directory
// standing for "/", like `systemd-analyze --root`), Resolve, the one path
// resolution, which never leaves that directory whatever the symlinks
// say, the rules for reading a file (regular files only, never blocking,
// within a size cap: see MaxPlist and its neighbours), the same rules for
// the workspace's host files (ReadHostFile), and the expansion of ~,
// $HOME and ${HOME} in paths, and Overlay, an FS showing planned file
// operations over another in memory.
//
// It never writes. Writing inside the root is package render's job.
package rootfs

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"
)

// FS is the small read-only filesystem every loader reads through. Paths
// are absolute, slash-separated paths as seen inside the audited root
// ("/Users/bert/.sanctum/bin/x"). Lstat and Readlink do not follow a final
// symlink; ReadFile and ReadDir do, as the system would. ReadFile reads
// regular files only, and at most max bytes: anything else is an error
// (see NotRegularError and TooLargeError). Implementations must keep
// every access inside their root. Tests inject faults by wrapping an FS.
type FS interface {
	Lstat(name string) (fs.FileInfo, error)
	Readlink(name string) (string, error)
	ReadFile(name string, max int64) ([]byte, error)
	ReadDir(name string) ([]fs.DirEntry, error)
}

// RootFS is an FS over a host directory, like `systemd-analyze --root`:
// "/" names Dir, an absolute symlink target is re-rooted at Dir, and ".."
// never climbs above Dir.
//
// Every path is first resolved by Resolve, component by component, to a
// symlink-free path; only then is it opened, through an os.Root on Dir,
// so that even a tree changed under our feet (a directory swapped for a
// symlink between the lookup and the open) cannot make an access leave
// Dir. Resolve stays ours because os.Root refuses what we must follow:
// an absolute symlink, which on the audited machine names a path inside
// the root, so it has to be re-rooted at Dir, not refused.
//
// RootFS{Dir: d} opens the root afresh for every call; Cached gives one
// that keeps its handles and answers for one audit.
type RootFS struct {
	Dir string // host directory that "/" names
	c   *cache // see Cached; nil: nothing is kept between calls
}

// rel turns a clean absolute path inside the root into a name for os.Root.
func rel(clean string) string {
	if clean == "/" {
		return "."
	}
	return strings.TrimPrefix(clean, "/")
}

func rootWalker(h *handles) *walker {
	return &walker{lstat: h.lstat, readlink: h.readlink}
}

// resolved opens the root and resolves name in it (see Resolve); with
// parent set, only name's directory is resolved and its last component
// kept as is (for Lstat and Readlink). The caller calls done when it is
// through with the handles (it closes them, or, for a cached RootFS,
// lets the next caller in).
func (r RootFS) resolved(name string, parent bool) (h *handles, p string, done func(), err error) {
	if r.c != nil {
		r.c.mu.Lock()
		h, p, err := r.c.resolve(name, parent)
		if err != nil {
			r.c.mu.Unlock()
			return nil, "", nil, err
		}
		return h, p, r.c.mu.Unlock, nil
	}
	h, p, err = r.resolveOnce(name, parent)
	if err != nil {
		return nil, "", nil, err
	}
	return h, p, h.close, nil
}

// resolveOnce opens the root's handles and resolves name in them; the
// caller closes them.
func (r RootFS) resolveOnce(name string, parent bool) (*handles, string, error) {
	h, err := openHandles(r.Dir)
	if err != nil {
		return nil, "", err
	}
	var w walked
	if parent {
		dir, base := path.Split(Clean(name))
		w, err = rootWalker(h).walk(dir)
		switch {
		case err != nil:
		case w.missing:
			err = &ResolveError{Path: Clean(name), Err: syscall.ENOENT}
		case !w.isDir:
			err = &ResolveError{Path: Clean(name), Err: syscall.ENOTDIR}
		}
		w.path = path.Join(w.path, base)
	} else {
		w, err = rootWalker(h).walk(name)
	}
	if err != nil {
		h.close()
		return nil, "", err
	}
	return h, w.path, nil
}

// Lstat returns information about name without following a final symlink.
func (r RootFS) Lstat(name string) (fs.FileInfo, error) {
	h, p, done, err := r.resolved(name, true)
	if err != nil {
		return nil, err
	}
	defer done()
	return h.lstat(p)
}

// Readlink returns the target of the symlink name, unmodified.
func (r RootFS) Readlink(name string) (string, error) {
	h, p, done, err := r.resolved(name, true)
	if err != nil {
		return "", err
	}
	defer done()
	t, err := h.readlink(p)
	return filepath.ToSlash(t), err
}

// ReadFile reads the regular file name, following symlinks inside the
// root, and at most max bytes of it (see readRegular).
func (r RootFS) ReadFile(name string, max int64) ([]byte, error) {
	return r.read(name, max, false)
}

// read is ReadFile, or ReadHead with head set. The file is resolved,
// checked and opened holding the handles (for a cached RootFS, its
// lock); it is checked again and read after they are let go, so that
// reads from several goroutines overlap.
func (r RootFS) read(name string, max int64, head bool) ([]byte, error) {
	h, p, done, err := r.resolved(name, false)
	if err != nil {
		return nil, err
	}
	f, err := openRegular(name, max, head, func() (fs.FileInfo, error) { return h.lstat(p) },
		func() (*os.File, error) { return h.open(p, false) })
	done()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readOpened(name, f, max, head)
}

// ReadDir lists name, following symlinks inside the root, sorted by
// name. It never blocks on a FIFO: the type is checked before the open,
// and the open does not wait.
func (r RootFS) ReadDir(name string) ([]fs.DirEntry, error) {
	h, p, done, err := r.resolved(name, false)
	if err != nil {
		return nil, err
	}
	defer done()
	return readDir(name, func() (fs.FileInfo, error) { return h.lstat(p) },
		func() (*os.File, error) { return h.open(p, true) })
}

// Clean returns the canonical absolute form of p: slash-separated, rooted
// at "/", with "." and ".." resolved lexically and never above "/".
func Clean(p string) string {
	return path.Clean("/" + filepath.ToSlash(p))
}

// Expand replaces a leading ~ and every $HOME or ${HOME} in p with home
// and cleans the result. ok is false when p still holds another expansion
// ($VAR, ${VAR}, $(...), `...`) and so cannot name a fixed path.
func Expand(p, home string) (string, bool) {
	if p == "~" || strings.HasPrefix(p, "~/") {
		p = home + p[1:]
	}
	p = strings.ReplaceAll(p, "${HOME}", home)
	var b strings.Builder
	for {
		i := strings.Index(p, "$HOME")
		if i < 0 {
			b.WriteString(p)
			break
		}
		end := i + len("$HOME")
		if end < len(p) && IsNameByte(p[end]) {
			// $HOMEBREW_PREFIX and the like: another variable.
			b.WriteString(p[:end])
			p = p[end:]
			continue
		}
		b.WriteString(p[:i])
		b.WriteString(home)
		p = p[end:]
	}
	p = b.String()
	if strings.ContainsAny(p, "$`") {
		return p, false
	}
	return p, true
}

// IsNameByte reports whether c may appear in a shell variable name.
func IsNameByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// IsUnder reports whether the host path p is dir or inside it, lexically.
func IsUnder(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !filepath.IsAbs(rel) && (len(rel) < 3 || rel[:3] != "../")
}
