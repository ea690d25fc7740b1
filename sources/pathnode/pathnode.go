// Package pathnode turns paths inside the audited root into the file,
// wrapper and directory nodes of a graph: it looks bare names up in a
// search path, marks each path Present or Missing with its execute bit,
// follows symlink chains one link at a time (each path once, so a loop or
// a long chain costs one step per link), and, once every path is known,
// says what is wrong with a chain (dangling, a loop, too long), so that
// each broken chain is reported once.
//
// It reads through a rootfs.FS and never writes; which paths are wrappers
// is the caller's decision (Paths.IsWrapper).
package pathnode

import (
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources/rootfs"
)

// Paths adds path nodes to a graph.Builder.
type Paths struct {
	b  *graph.Builder
	fs rootfs.FS
	// IsWrapper reports whether a file path is a wrapper (a script in a
	// wrappers directory, or one a job runs); nil means none is.
	IsWrapper func(p string) bool
	links     map[string]string // symlink node ID -> its target's node ID
}

// New returns Paths adding nodes to b, reading through fsys.
func New(b *graph.Builder, fsys rootfs.FS) *Paths {
	return &Paths{b: b, fs: fsys, links: map[string]string{}}
}

// LookPath resolves a bare command name through search, as execvp does,
// and returns the node of the first match, or a Missing file node named
// by the bare name.
func (ps *Paths) LookPath(name string, search []string) string {
	for _, dir := range search {
		p := rootfs.Clean(path.Join(dir, name))
		if ps.Exists(p) {
			return ps.Node(graph.File, p)
		}
	}
	n := ps.b.Node(graph.File, name)
	n.State = graph.Missing
	n.Detail = "not found in PATH " + strings.Join(search, ":")
	return n.ID
}

func (ps *Paths) Exists(p string) bool {
	r, err := rootfs.Resolve(ps.fs, p)
	if err != nil {
		return false
	}
	_, err = ps.fs.Lstat(r)
	return err == nil
}

// kindFor returns the node kind for a file path: wrapper when IsWrapper
// says so, else k.
func (ps *Paths) kindFor(k graph.Kind, p string) graph.Kind {
	if k != graph.File {
		return k
	}
	if ps.IsWrapper != nil && ps.IsWrapper(p) {
		return graph.Wrapper
	}
	return k
}

// Node returns the node for path p inside root, creating it with its
// state (Present or Missing) and execute bit. A symlink gets a symlink
// edge to its target, and so on down the chain, each path once (the walk
// is iterative and stops at a path already known, so a long chain or a
// loop costs one step per link). The link itself is Present: the edge to
// its target is what is broken. MarkLinks, once every path is known,
// says what is wrong with a chain.
func (ps *Paths) Node(k graph.Kind, p string) string {
	k = ps.kindFor(k, p)
	id := graph.ID(k, p)
	if _, ok := ps.b.Lookup(id); ok {
		return id
	}
	n := ps.b.Node(k, p)
	for {
		next, t, ok := ps.inspect(n)
		if !ok {
			return id
		}
		nk := n.Kind
		if nk == graph.Wrapper {
			nk = graph.File
		}
		nk = ps.kindFor(nk, next)
		nid := graph.ID(nk, next)
		_, known := ps.b.Lookup(nid)
		nn := ps.b.Node(nk, next)
		ps.b.AddEdge(n.ID, nid, graph.Symlink, graph.Evidence{File: n.Name, Key: "symlink", Token: t})
		ps.links[n.ID] = nid
		if known {
			return id
		}
		n = nn
	}
}

// inspect sets n's state from the file at its path and, for a symlink,
// returns the path its target names inside the root (an absolute target
// re-rooted, a relative one taken from the link's physical directory)
// and the target as written.
func (ps *Paths) inspect(n *graph.Node) (next, target string, ok bool) {
	p := n.Name
	fi, err := ps.fs.Lstat(p)
	if err != nil {
		n.State = graph.Missing
		if !rootfs.IsNotExist(err) {
			// Not absent: behind a loop or a directory we may not read.
			n.Detail = "unreachable (" + rootfs.Reason(err) + ")"
		}
		return "", "", false
	}
	n.State = graph.Present
	if fi.Mode()&fs.ModeSymlink == 0 {
		n.Executable = fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
		return "", "", false
	}
	t, err := ps.fs.Readlink(p)
	if err != nil {
		n.State = graph.Missing
		n.Detail = "unreadable symlink"
		return "", "", false
	}
	if path.IsAbs(t) {
		return rootfs.Clean(t), t, true // "/" is the root
	}
	dir := path.Dir(p)
	if d, err := rootfs.Resolve(ps.fs, dir); err == nil {
		dir = d // ".." in the target climbs from where the link really is
	}
	return rootfs.Clean(path.Join(dir, t)), t, true
}

// Details of symlink nodes, set by markLinks. Only loopDetail and
// longChainDetail are reported (by missing-target), each once per chain;
// the others keep not-executable and the like quiet about links whose
// chain is already reported.
const (
	loopDetail         = "symlink loop"
	inLoopDetail       = "in a symlink loop"
	intoLoopDetail     = "leads into a symlink loop"
	longChainDetail    = "symlink chain longer than 40 links"
	inLongChainDetail  = "in a symlink chain longer than 40 links"
	danglingLinkDetail = "dangling symlink"
)

// MarkLinks qualifies every symlink node by how its chain ends, so that
// each broken chain is reported once:
//
//   - a chain that ends at a missing path: every link in it is a
//     "dangling symlink" (missing-target reports the last link's edge,
//     to the Missing node);
//   - a loop: the successor of the loop's first link (by ID) is the one
//     "symlink loop", so missing-target reports that first link's edge
//     once; the other links of the loop, and links leading into it, are
//     marked quietly;
//   - a chain of more than rootfs.MaxLinks links (which the system will
//     not follow): its first link (one no other too-long link points to)
//     is the one "symlink chain longer than 40 links", the rest marked
//     quietly;
//   - a chain that ends at a file takes the file's execute bit.
func (ps *Paths) MarkLinks() {
	ids := make([]string, 0, len(ps.links))
	for id := range ps.links {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	type chain struct {
		depth int    // links from here to the end (0: in or into a loop)
		end   string // the node the chain ends at, or ""
	}
	res := map[string]chain{}
	const onStack = -1
	for _, start := range ids {
		var stack []string
		cur := start
		for {
			if _, isLink := ps.links[cur]; !isLink {
				break
			}
			if c, ok := res[cur]; ok {
				if c.depth == onStack {
					// A loop: the stack from cur on.
					j := slices.Index(stack, cur)
					loop := stack[j:]
					first := slices.Min(loop)
					for _, l := range loop {
						res[l] = chain{}
						ps.setDetail(l, inLoopDetail)
					}
					ps.setDetail(ps.links[first], loopDetail)
					stack = stack[:j]
				}
				break
			}
			res[cur] = chain{depth: onStack}
			stack = append(stack, cur)
			cur = ps.links[cur]
		}
		for i := len(stack) - 1; i >= 0; i-- {
			l := stack[i]
			next := ps.links[l]
			c, isLink := res[next]
			switch {
			case !isLink:
				c = chain{depth: 1, end: next}
			case c.depth == 0:
				ps.setDetail(l, intoLoopDetail)
			default:
				c.depth++
			}
			res[l] = c
		}
	}
	// Links whose chain is too long, and which of them another too-long
	// link points to.
	pointedTo := map[string]bool{}
	for _, l := range ids {
		if res[l].depth > rootfs.MaxLinks {
			pointedTo[ps.links[l]] = true
		}
	}
	for _, l := range ids {
		c := res[l]
		switch {
		case c.depth == 0:
			continue // in or into a loop: marked above
		case c.depth > rootfs.MaxLinks && pointedTo[l]:
			ps.setDetail(l, inLongChainDetail)
			continue
		case c.depth > rootfs.MaxLinks:
			ps.setDetail(l, longChainDetail)
			continue
		}
		end, _ := ps.b.Lookup(c.end)
		if end.State == graph.Missing {
			ps.setDetail(l, danglingLinkDetail)
			continue
		}
		n, _ := ps.b.Lookup(l)
		n.Executable = end.Executable
	}
}

func (ps *Paths) setDetail(id, detail string) {
	if n, ok := ps.b.Lookup(id); ok {
		n.Detail = detail
	}
}

// ChainEnd returns the node a symlink chain starting at id ends at, or
// "" when id is not a symlink or the chain loops or exceeds
// rootfs.MaxLinks links (the system would not follow it).
func (ps *Paths) ChainEnd(id string) string {
	next, ok := ps.links[id]
	if !ok {
		return ""
	}
	for n := 1; ok; n++ {
		if n > rootfs.MaxLinks {
			return ""
		}
		id = next
		next, ok = ps.links[id]
	}
	return id
}
