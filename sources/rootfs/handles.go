package rootfs

import (
	"io/fs"
	"os"
	"path"
	"strings"
)

// Limits of a handles cache: how many directory handles it keeps open,
// and how deep a directory may be to get one (deeper paths are looked up
// from the nearest handle, by os.Root, component by component).
const (
	maxHandles     = 256
	maxHandleDepth = 64
)

// handles looks up clean, symlink-free paths inside the root through an
// os.Root on the root directory, keeping an os.Root open on each
// directory it has looked in, so that a walk costs one fstatat (or
// readlinkat, or openat) per component rather than a walk from the root
// for each. Every handle comes from os.Root, so no lookup can leave the
// root, even if the tree changes meanwhile.
type handles struct {
	top  *os.Root
	dirs map[string]*os.Root // directory path inside the root -> its handle
	// With memo set (a cached RootFS), every lstat and readlink answer
	// is kept: a path is looked at once per audit.
	memo  bool
	stats map[string]statResult
	links map[string]linkResult
}

// openHandles opens dir. As everywhere here, a directory is opened as
// "NAME/.": os.OpenRoot and (*os.Root).OpenRoot open their last
// component without O_DIRECTORY, which would wait forever on a FIFO
// swapped in for a directory; with "/." the name is opened as a
// directory (a FIFO is ENOTDIR at once) and "." is the directory itself.
func openHandles(dir string) (*handles, error) {
	top, err := os.OpenRoot(dir + "/.")
	if err != nil {
		return nil, err
	}
	return &handles{top: top, dirs: map[string]*os.Root{}}, nil
}

func (h *handles) close() {
	for _, r := range h.dirs {
		r.Close()
	}
	h.top.Close()
}

// dir returns a handle and the name relative to it of directory p.
func (h *handles) dir(p string) (*os.Root, string) {
	if p == "/" {
		return h.top, "."
	}
	if r, ok := h.dirs[p]; ok {
		return r, "."
	}
	if strings.Count(p, "/") > maxHandleDepth {
		return h.top, rel(p)
	}
	parent, name := h.dir(path.Dir(p))
	if name != "." {
		return parent, path.Join(name, path.Base(p))
	}
	r, err := parent.OpenRoot(path.Base(p) + "/.")
	if err != nil {
		// Let the caller's own lookup report the error.
		return parent, path.Base(p)
	}
	if len(h.dirs) >= maxHandles {
		for k, old := range h.dirs {
			old.Close()
			delete(h.dirs, k)
		}
	}
	h.dirs[p] = r
	return r, "."
}

// at returns a handle and the name relative to it of path p.
func (h *handles) at(p string) (*os.Root, string) {
	if p == "/" {
		return h.top, "."
	}
	r, name := h.dir(path.Dir(p))
	return r, path.Join(name, path.Base(p))
}

func (h *handles) lstat(p string) (fs.FileInfo, error) {
	if h.memo {
		if s, ok := h.stats[p]; ok {
			return s.fi, s.err
		}
	}
	r, name := h.at(p)
	fi, err := r.Lstat(name)
	if h.memo {
		h.stats[p] = statResult{fi, err}
	}
	return fi, err
}

func (h *handles) readlink(p string) (string, error) {
	if h.memo {
		if l, ok := h.links[p]; ok {
			return l.target, l.err
		}
	}
	r, name := h.at(p)
	t, err := r.Readlink(name)
	if h.memo {
		h.links[p] = linkResult{t, err}
	}
	return t, err
}

// open opens p for reading, never blocking (openFlags); with dir, only
// a directory. The flags are constants, so that the read-only check
// (sources/render/readonly_test.go) can see they never write.
func (h *handles) open(p string, dir bool) (*os.File, error) {
	r, name := h.at(p)
	if dir {
		return r.OpenFile(name, os.O_RDONLY|openFlags|dirFlag, 0)
	}
	return r.OpenFile(name, os.O_RDONLY|openFlags, 0)
}
