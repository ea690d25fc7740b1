package sources

import (
	"path"
	"strings"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources/launchd"
	"github.com/driftmap/driftmap/sources/rootfs"
	"github.com/driftmap/driftmap/sources/shell"
)

func (ld *loader) loadWrappers() {
	dir, entries, ok := ld.sourceDir("wrappers", "wrappers", ld.l.Wrappers, true)
	if !ok {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		p := path.Join(dir, name)
		fi, err := ld.fs.Lstat(p)
		if err != nil || fi.IsDir() {
			continue
		}
		id := ld.pathNode(graph.Wrapper, p) // follows symlink chains
		n, _ := ld.b.Lookup(id)
		n.Origins = append(n.Origins, "wrappers")
		if !fi.Mode().IsRegular() {
			continue
		}
		data, err := ld.fs.ReadFile(p, rootfs.MaxScript)
		if err != nil {
			ld.readProblem(p, err)
			continue
		}
		if !shell.IsScript(data) {
			continue
		}
		refs, probs := shell.ParseScript(data, p, ld.l.Home, nil)
		ld.probs = append(ld.probs, probs...)
		for _, t := range refs.Targets {
			// A wrapper's PATH is whatever its job passes; only paths
			// are hard targets.
			if !path.IsAbs(t.Path) {
				continue
			}
			ld.addTarget(n, t)
		}
		for _, r := range refs.Runs {
			if path.IsAbs(r.Exec.Path) {
				ld.addRun(n, launchd.WrapperRun(r, p, ld.l.Home))
			}
		}
	}
}
