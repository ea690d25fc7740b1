package sources

import (
	"io/fs"
	"path"
	"strings"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources/rootfs"
)

// lookPath resolves a bare command name through search, as execvp does,
// and returns the node of the first match, or a Missing file node named
// by the bare name.
func (ld *loader) lookPath(name string, search []string) string {
	for _, dir := range search {
		p := rootfs.Clean(path.Join(dir, name))
		if ld.exists(p) {
			return ld.pathNode(graph.File, p)
		}
	}
	n := ld.b.Node(graph.File, name)
	n.State = graph.Missing
	n.Detail = "not found in PATH " + strings.Join(search, ":")
	return n.ID
}

func (ld *loader) exists(p string) bool {
	r, err := rootfs.Resolve(ld.fs, p)
	if err != nil {
		return false
	}
	_, err = ld.fs.Lstat(r)
	return err == nil
}

// kindFor returns the node kind for a file path: wrapper inside the
// wrappers directory, else k.
func (ld *loader) kindFor(k graph.Kind, p string) graph.Kind {
	if k != graph.File {
		return k
	}
	if w, ok := ld.l.InRoot(ld.l.Wrappers); ok && path.Dir(p) == w {
		return graph.Wrapper
	}
	return k
}

// pathNode returns the node for path p inside root, creating it with its
// state (Present or Missing) and execute bit. A symlink gets a symlink
// edge to its target, recursively; a link whose chain ends at a missing
// file is marked "dangling symlink", one in a loop "symlink loop". The
// link itself is Present: the edge to its target is what is broken.
func (ld *loader) pathNode(k graph.Kind, p string) string {
	k = ld.kindFor(k, p)
	id := graph.ID(k, p)
	if _, ok := ld.b.Lookup(id); ok {
		return id
	}
	n := ld.b.Node(k, p)
	fi, err := ld.fs.Lstat(p)
	if err != nil {
		n.State = graph.Missing
		return id
	}
	n.State = graph.Present
	if fi.Mode()&fs.ModeSymlink == 0 {
		n.Executable = fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
		return id
	}
	t, err := ld.fs.Readlink(p)
	if err != nil {
		n.State = graph.Missing
		n.Detail = "unreadable symlink"
		return id
	}
	next := t
	if !path.IsAbs(t) {
		next = path.Join(path.Dir(p), t)
	}
	next = rootfs.Clean(next) // absolute targets are re-rooted: "/" is the root
	nk := k
	if nk == graph.Wrapper {
		nk = graph.File
	}
	ld.inProg[id] = true
	var nid string
	if ld.inProg[graph.ID(ld.kindFor(nk, next), next)] || len(ld.inProg) > rootfs.MaxLinks {
		n.Detail = "symlink loop"
		nid = ld.b.Node(ld.kindFor(nk, next), next).ID
	} else {
		nid = ld.pathNode(nk, next)
	}
	delete(ld.inProg, id)
	ld.b.AddEdge(id, nid, graph.Symlink, graph.Evidence{File: p, Key: "symlink", Token: t})
	if tn, ok := ld.b.Lookup(nid); ok {
		n.Executable = tn.Executable
		switch {
		case tn.Detail == "symlink loop":
			n.Detail = "symlink loop"
		case tn.State == graph.Missing || tn.Detail == "dangling symlink":
			n.Detail = "dangling symlink"
		}
	}
	return id
}
