package fix

import (
	"bytes"
	"path/filepath"
	"regexp"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/queries"
	"github.com/driftmap/driftmap/sources/redact"
	"github.com/driftmap/driftmap/sources/render"
	"github.com/driftmap/driftmap/sources/rootfs"
)

// checkedInDiff returns the change a person could make to a checked-in
// workspace file to resolve f, as a unified diff, or "" when there is
// none to propose. Only renamed-reference has one: the old name written
// as the new one on the line of the reference.
func (pl *planner) checkedInDiff(f queries.Finding) string {
	if f.Rule != "renamed-reference" || f.Line <= 0 {
		return ""
	}
	e, ok := pl.edgeOf(f, graph.Requires)
	if !ok {
		return ""
	}
	to, ok := pl.snap.Graph.Node(e.To)
	if !ok {
		return ""
	}
	rel, inWorkspace := queries.WorkspaceRel(f.File, pl.snap.Layout.Workspace)
	if !inWorkspace {
		return ""
	}
	data, err := rootfs.ReadHostFile(filepath.Join(pl.snap.Layout.Workspace, filepath.FromSlash(rel)), rootfs.MaxFleet)
	if err != nil {
		return ""
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	i := f.Line - 1
	if i >= len(lines) || redact.String(string(lines[i])) != string(lines[i]) {
		return "" // no such line, or one that holds a credential
	}
	old := f.Evidence[0].Token
	re, err := regexp.Compile(`(^|[^A-Za-z0-9_.-])` + regexp.QuoteMeta(old) + `($|[^A-Za-z0-9_.-])`)
	if err != nil || !re.Match(lines[i]) {
		return ""
	}
	changed := re.ReplaceAll(lines[i], []byte("${1}"+escapeRepl(to.Name)+"${2}"))
	out := bytes.Join(append(append(append([][]byte{}, lines[:i]...), changed), lines[i+1:]...), nil)
	return render.UnifiedDiff(rel, data, out)
}

// escapeRepl escapes s for the replacement of Regexp.ReplaceAll.
func escapeRepl(s string) string {
	return string(bytes.ReplaceAll([]byte(s), []byte("$"), []byte("$$")))
}
