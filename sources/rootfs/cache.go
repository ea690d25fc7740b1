package rootfs

import (
	"io/fs"
	"path"
	"sync"
	"syscall"
)

// cache is what a cached RootFS (see RootFS.Cached) keeps for one audit:
// the root's directory handles, kept open, and the result of every
// lstat, readlink and path resolution, so that a file in a directory
// already resolved costs one lookup, not a walk from the root. One audit
// reads the tree as a snapshot: a path's first answer is its answer.
//
// What is cached is handles (file descriptors of directories inside the
// root, opened through os.Root) and answers, never a path to open
// outside them: every open still goes through a handle and is checked
// again on the open file (readRegular), so a tree changed between two
// reads can make an answer stale, never make a read leave the root.
type cache struct {
	dir string
	mu  sync.Mutex // held for every operation, syscalls included
	h   *handles   // opened on first use
	err error      // why the root could not be opened
	// walks memoises resolutions: a clean path (with parent set, of its
	// directory only) -> the walk's outcome.
	walks map[walkKey]walkResult
}

type walkKey struct {
	name   string
	parent bool
}

type walkResult struct {
	w   walked
	err error
}

type statResult struct {
	fi  fs.FileInfo
	err error
}

type linkResult struct {
	target string
	err    error
}

// Cached returns r reading through a cache kept for one audit (see
// cache): directory handles stay open and every lstat, readlink and
// resolution is done once. It is safe for concurrent use: lookups and
// opens are serialised, while reading files already opened overlaps. Close releases its handles; a RootFS without a cache
// (the zero value's way, RootFS{Dir: d}) opens and closes them on every
// call.
func (r RootFS) Cached() RootFS {
	if r.c != nil {
		return r
	}
	r.c = &cache{dir: r.Dir, walks: map[walkKey]walkResult{}}
	return r
}

// Close releases the handles of a cached RootFS; it is a no-op on an
// uncached one. The RootFS may still be used: it opens them again.
func (r RootFS) Close() {
	if r.c == nil {
		return
	}
	r.c.mu.Lock()
	defer r.c.mu.Unlock()
	if r.c.h != nil {
		r.c.h.close()
		r.c.h = nil
	}
	r.c.walks = map[walkKey]walkResult{}
}

// handles returns the cache's handles, opening the root on first use.
// The caller holds c.mu.
func (c *cache) handles() (*handles, error) {
	if c.h == nil {
		h, err := openHandles(c.dir)
		if err != nil {
			return nil, err
		}
		h.memo = true
		h.stats = map[string]statResult{}
		h.links = map[string]linkResult{}
		c.h = h
	}
	return c.h, nil
}

// resolve is RootFS.resolved through the cache; the caller holds c.mu.
func (c *cache) resolve(name string, parent bool) (*handles, string, error) {
	h, err := c.handles()
	if err != nil {
		return nil, "", err
	}
	clean := Clean(name)
	if !parent {
		r, err := c.walk(h, clean, false)
		return h, r.path, err
	}
	dir, base := path.Split(clean)
	w, err := c.walk(h, dir, true)
	switch {
	case err != nil:
		return nil, "", err
	case w.missing:
		return nil, "", &ResolveError{Path: clean, Err: syscall.ENOENT}
	case !w.isDir:
		return nil, "", &ResolveError{Path: clean, Err: syscall.ENOTDIR}
	}
	return h, path.Join(w.path, base), nil
}

// walk resolves name once and remembers the outcome. A directory's
// resolution is kept apart from the same path's own (key.parent), since
// its errors name the path asked for.
func (c *cache) walk(h *handles, name string, dirOnly bool) (walked, error) {
	k := walkKey{name, dirOnly}
	if r, ok := c.walks[k]; ok {
		return r.w, r.err
	}
	w, err := rootWalker(h).walk(name)
	c.walks[k] = walkResult{w, err}
	return w, err
}
