package rootfs

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"syscall"
)

// MaxLinks bounds symlink resolution, like the kernel's ELOOP limit: a
// path whose resolution follows more than MaxLinks symlinks does not
// resolve.
const MaxLinks = 40

// ErrLinkLoop is returned when resolving a path meets too many symlinks.
var ErrLinkLoop = errors.New("too many levels of symbolic links")

// A ResolveError is a path that does not resolve inside the root: a
// component before the last is missing or not a directory, a symlink
// chain is too long or loops, or a component cannot be read. Link names
// the last symlink whose target led to the failure ("" when the failing
// component was written in the path itself), Target that symlink's
// target as written.
type ResolveError struct {
	Path   string // the path asked for
	Link   string // symlink (a path inside the root) whose target failed, or ""
	Target string // Link's target, as written
	Err    error  // fs.ErrNotExist (as an errno), syscall.ENOTDIR, ErrLinkLoop, or the cause
}

func (e *ResolveError) Error() string {
	if e.Link != "" {
		return fmt.Sprintf("%s: %v (through symlink %s -> %s)", e.Path, e.Err, e.Link, e.Target)
	}
	return fmt.Sprintf("%s: %v", e.Path, e.Err)
}

func (e *ResolveError) Unwrap() error { return e.Err }

// link is a symlink met during a walk.
type link struct{ path, target string }

// comp is a path component still to resolve; via indexes the symlink
// whose target it came from (-1: the path as given).
type comp struct {
	name string
	via  int
}

// walker resolves paths through an lstat and a readlink that take clean,
// absolute, symlink-free paths inside the root.
type walker struct {
	lstat    func(string) (fs.FileInfo, error)
	readlink func(string) (string, error)
}

// walked is the outcome of a walk.
type walked struct {
	path    string // physical path, symlink-free; its last component may be missing
	missing bool   // the last component does not exist
	isDir   bool   // path is a directory
	via     *link  // the symlink whose target named the last component, or nil
}

// Resolve returns the physical path of name inside fsys's root: every
// component is looked up in turn (lstat, and readlink for a symlink),
// absolute symlink targets are re-rooted at the root, relative ones taken
// from the link's directory, ".." never climbs above "/" (it is clamped
// at every step, like a chroot), and at most MaxLinks symlinks are
// followed. The result never holds a symlink, so it can be opened as is.
//
// A missing last component is not an error: the path is returned, so
// callers can Lstat it and find it absent. A missing (or non-directory)
// component before the last is a *ResolveError wrapping the errno
// (fs.ErrNotExist, syscall.ENOTDIR): the rest of the path is never joined
// as text, since it could name anything. Too many symlinks is a
// *ResolveError wrapping ErrLinkLoop.
func Resolve(fsys FS, name string) (string, error) {
	r, err := walkIn(fsys, name)
	return r.path, err
}

// Dangling reports whether name is missing because a symlink on its way
// leads nowhere inside the root, and returns that symlink (a path inside
// the root) and its target as written. A path that is simply absent, or
// that resolves, is not dangling.
func Dangling(fsys FS, name string) (linkPath, target string, ok bool) {
	r, err := walkIn(fsys, name)
	var re *ResolveError
	switch {
	case errors.As(err, &re):
		if re.Link != "" && IsNotExist(re.Err) {
			return re.Link, re.Target, true
		}
	case err == nil && r.missing && r.via != nil:
		return r.via.path, r.via.target, true
	}
	return "", "", false
}

// walkIn resolves name in fsys (see Resolve), through the cache of a
// cached RootFS.
func walkIn(fsys FS, name string) (walked, error) {
	r, ok := fsys.(RootFS)
	if !ok {
		return (&walker{lstat: fsys.Lstat, readlink: fsys.Readlink}).walk(name)
	}
	if r.c != nil {
		r.c.mu.Lock()
		defer r.c.mu.Unlock()
		h, err := r.c.handles()
		if err != nil {
			return walked{}, err
		}
		return r.c.walk(h, Clean(name), false)
	}
	h, err := openHandles(r.Dir)
	if err != nil {
		return walked{}, err
	}
	defer h.close()
	return rootWalker(h).walk(name)
}

func split(p string, via int, out []comp) []comp {
	for _, c := range strings.Split(p, "/") {
		out = append(out, comp{c, via})
	}
	return out
}

// onlyEmpty reports whether nothing but empty components remain.
func onlyEmpty(rest []comp) bool {
	for _, c := range rest {
		if c.name != "" {
			return false
		}
	}
	return true
}

func (w *walker) walk(name string) (walked, error) {
	rest := split(strings.TrimPrefix(Clean(name), "/"), -1, nil)
	var links []link
	done, isDir := "/", true
	fail := func(c comp, err error) (walked, error) {
		e := &ResolveError{Path: Clean(name), Err: errnoOf(err)}
		if c.via >= 0 {
			e.Link, e.Target = links[c.via].path, links[c.via].target
		}
		return walked{}, e
	}
	for len(rest) > 0 {
		c := rest[0]
		rest = rest[1:]
		if !isDir {
			// Nothing, not even "." or ".." or a trailing slash, follows
			// a file.
			return fail(c, syscall.ENOTDIR)
		}
		if c.name == "" {
			continue
		}
		switch c.name {
		case ".":
			continue
		case "..":
			done = path.Dir(done) // path.Dir("/") is "/": clamped at the root
			continue
		}
		next := path.Join(done, c.name)
		fi, err := w.lstat(next)
		if err != nil {
			if IsNotExist(err) && onlyEmpty(rest) {
				r := walked{path: next, missing: true}
				if c.via >= 0 {
					r.via = &links[c.via]
				}
				return r, nil
			}
			return fail(c, err)
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			done, isDir = next, fi.IsDir()
			continue
		}
		if len(links) >= MaxLinks {
			return fail(comp{via: len(links) - 1}, ErrLinkLoop)
		}
		t, err := w.readlink(next)
		if err != nil {
			return fail(c, err)
		}
		links = append(links, link{next, t})
		if strings.HasPrefix(t, "/") {
			done = "/" // an absolute target is re-rooted at the root
		}
		rest = append(split(t, len(links)-1, make([]comp, 0, len(rest)+8)), rest...)
	}
	return walked{path: done, isDir: isDir}, nil
}

// DescribeDir says why the directory name could not be listed (err is
// the error ReadDir returned): as Describe does ("cannot be read
// (permission denied)"), or, when it is absent only because a symlink on
// its path leads nowhere inside the root, which symlink; "" when it simply
// does not exist.
func DescribeDir(fsys FS, name string, err error) string {
	if !errors.Is(err, fs.ErrNotExist) {
		return Describe(err)
	}
	link, target, ok := Dangling(fsys, name)
	switch {
	case !ok:
		return ""
	case link == name:
		return fmt.Sprintf("is a symlink to %s, which leads nowhere inside the root", target)
	}
	return fmt.Sprintf("is reached through the symlink %s -> %s, which leads nowhere inside the root", link, target)
}
