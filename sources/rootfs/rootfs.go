// Package rootfs is driftmap's read-only view of the audited machine: the
// FS interface every loader reads through, RootFS (a host directory
// standing for "/", like `systemd-analyze --root`), path resolution that
// never leaves that directory whatever the symlinks say, and the
// expansion of ~, $HOME and ${HOME} in paths.
//
// It never writes. Writing inside the root is package render's job.
package rootfs

import (
	"errors"
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
// symlink; ReadFile and ReadDir do, as the system would. Implementations
// must keep every access inside their root. Tests inject faults by
// wrapping an FS.
type FS interface {
	Lstat(name string) (fs.FileInfo, error)
	Readlink(name string) (string, error)
	ReadFile(name string) ([]byte, error)
	ReadDir(name string) ([]fs.DirEntry, error)
}

// RootFS is an FS over a host directory, like `systemd-analyze --root`:
// "/" names Dir, an absolute symlink target is re-rooted at Dir, and ".."
// never climbs above Dir. Every component is resolved by Resolve, so no
// access ever leaves Dir.
type RootFS struct {
	Dir string // host directory that "/" names
}

// MaxLinks bounds symlink resolution, like the kernel's ELOOP limit.
const MaxLinks = 40

// ErrLinkLoop is returned when resolving a path meets too many symlinks.
var ErrLinkLoop = errors.New("too many levels of symbolic links")

func (r RootFS) host(clean string) string {
	return filepath.Join(r.Dir, filepath.FromSlash(clean))
}

// Lstat returns information about name without following a final symlink.
func (r RootFS) Lstat(name string) (fs.FileInfo, error) {
	dir, base := path.Split(Clean(name))
	rd, err := Resolve(r, dir)
	if err != nil {
		return nil, err
	}
	return os.Lstat(r.host(path.Join(rd, base)))
}

// Readlink returns the target of the symlink name, unmodified.
func (r RootFS) Readlink(name string) (string, error) {
	dir, base := path.Split(Clean(name))
	rd, err := Resolve(r, dir)
	if err != nil {
		return "", err
	}
	t, err := os.Readlink(r.host(path.Join(rd, base)))
	return filepath.ToSlash(t), err
}

// ReadFile reads name, following symlinks inside the root.
func (r RootFS) ReadFile(name string) ([]byte, error) {
	p, err := Resolve(r, name)
	if err != nil {
		return nil, err
	}
	return os.ReadFile(r.host(p))
}

// ReadDir lists name, following symlinks inside the root.
func (r RootFS) ReadDir(name string) ([]fs.DirEntry, error) {
	p, err := Resolve(r, name)
	if err != nil {
		return nil, err
	}
	return os.ReadDir(r.host(p))
}

// Clean returns the canonical absolute form of p: slash-separated, rooted
// at "/", with "." and ".." resolved lexically and never above "/".
func Clean(p string) string {
	return path.Clean("/" + filepath.ToSlash(p))
}

// Resolve returns the physical path of name inside fsys's root: every
// symlink along the way is followed (absolute targets re-rooted, relative
// ones taken from the link's directory), and ".." never climbs above "/".
// A missing final component is not an error: the path is returned as far
// as it resolved, with the rest appended, so callers can Lstat it. A loop
// returns ErrLinkLoop.
func Resolve(fsys FS, name string) (string, error) {
	// done is always symlink-free, so a RootFS can lstat it on the host
	// directly; any other FS answers through its own methods.
	lstat, readlink := fsys.Lstat, fsys.Readlink
	if r, ok := fsys.(RootFS); ok {
		lstat = func(p string) (fs.FileInfo, error) { return os.Lstat(r.host(p)) }
		readlink = func(p string) (string, error) {
			t, err := os.Readlink(r.host(p))
			return filepath.ToSlash(t), err
		}
	}
	rest := strings.Split(strings.TrimPrefix(Clean(name), "/"), "/")
	done := "/"
	hops := 0
	for len(rest) > 0 {
		c := rest[0]
		rest = rest[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			done = path.Dir(done)
			continue
		}
		next := path.Join(done, c)
		fi, err := lstat(next)
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			// Missing or a plain entry: keep walking lexically; a later
			// Lstat reports the missing component.
			done = next
			if err != nil {
				return path.Join(append([]string{done}, rest...)...), nil
			}
			continue
		}
		hops++
		if hops > MaxLinks {
			return "", &fs.PathError{Op: "resolve", Path: name, Err: ErrLinkLoop}
		}
		t, err := readlink(next)
		if err != nil {
			return "", err
		}
		if strings.HasPrefix(t, "/") {
			done = "/"
		}
		rest = append(strings.Split(t, "/"), rest...)
	}
	return done, nil
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

// Reason describes a read error without repeating the path, which the
// caller names already: "permission denied", "is a directory".
func Reason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// IsNotExist reports whether err means the file is not there: it does not
// exist, or a component of its path is not a directory.
func IsNotExist(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}
