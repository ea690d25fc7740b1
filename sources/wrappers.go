package sources

import (
	"bytes"
	"path"
	"strings"

	"github.com/driftmap/driftmap/graph"
)

// shells are the interpreters whose scripts driftmap parses as shell.
var shells = []string{"sh", "bash", "zsh", "dash", "ksh"}

// isShellScript reports whether data is a shell script: a shebang naming
// a shell (directly or through env), or no shebang at all for text.
func isShellScript(data []byte) bool {
	if bytes.IndexByte(data, 0) >= 0 {
		return false // binary
	}
	if !bytes.HasPrefix(data, []byte("#!")) {
		return true
	}
	line, _, _ := bytes.Cut(data[2:], []byte("\n"))
	f := strings.Fields(string(line))
	if len(f) == 0 {
		return false
	}
	interp := path.Base(f[0])
	if interp == "env" {
		for _, w := range f[1:] {
			if !strings.HasPrefix(w, "-") && !strings.Contains(w, "=") {
				interp = path.Base(w)
				break
			}
		}
	}
	for _, s := range shells {
		if interp == s {
			return true
		}
	}
	return false
}

func (ld *loader) loadWrappers() {
	dir, entries, ok := ld.sourceDir("wrappers", ld.l.Wrappers)
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
		data, err := ld.fs.ReadFile(p)
		if err != nil {
			ld.probs = append(ld.probs, Problem{File: p, Message: "cannot read: " + errText(err)})
			continue
		}
		if !isShellScript(data) {
			continue
		}
		refs, probs := ParseScript(data, p, ld.l.Home, nil)
		ld.probs = append(ld.probs, probs...)
		for _, t := range refs.Targets {
			// A wrapper's PATH is whatever its job passes; only paths
			// are hard targets.
			if !path.IsAbs(t.Path) {
				continue
			}
			ld.addTarget(n, t)
		}
	}
}
