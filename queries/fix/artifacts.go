package fix

import (
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/queries"
	"github.com/driftmap/driftmap/sources/artifact"
	"github.com/driftmap/driftmap/sources/render"
	"github.com/driftmap/driftmap/sources/rootfs"
)

// planArtifacts regenerates the artifacts of artifact-missing and
// artifact-drift findings from their canonical inputs, one step each.
func planArtifacts(pl *planner, fs []queries.Finding) error {
	l := pl.snap.Layout
	env := artifact.Env{Home: l.Home, Workspace: l.Workspace, Instance: l.Instance, Placeholders: l.Placeholders}
	byOutput := map[string]artifact.Result{}
	for _, r := range pl.snap.Artifacts {
		byOutput[r.Output] = r
	}
	for _, f := range fs {
		out, _ := strings.CutPrefix(f.Subject, string(graph.Artifact)+":")
		r, ok := byOutput[out]
		if !ok || (r.State != artifact.Missing && r.State != artifact.Drift) {
			pl.leave(f, "driftmap fix cannot tell which artifact it names")
			continue
		}
		if !path.IsAbs(r.Output) || rootfs.IsUnder(r.Output, l.Workspace) {
			pl.leave(f, "the artifact is a checked-in workspace file: driftmap fix never changes the workspace")
			continue
		}
		data, mode, err := artifact.Regenerate(pl.o.Sim, env, r)
		if err != nil {
			var re *artifact.RegenerateError
			if errors.As(err, &re) {
				pl.leave(f, "cannot regenerate it: "+re.Message)
			} else {
				pl.leave(f, "cannot regenerate it: "+rootfs.Reason(err))
			}
			continue
		}
		st, err := pl.state(r.Output)
		if err != nil {
			pl.leave(f, fmt.Sprintf("%s cannot be read (%s)", r.Output, rootfs.Reason(err)))
			continue
		}
		if st.Exists && st.Type != "file" {
			pl.leave(f, fmt.Sprintf("%s is %s; driftmap fix replaces a regular file only", r.Output, describeType(st.Type)))
			continue
		}
		ops, why := pl.mkdirAll(path.Dir(r.Output))
		if why != "" {
			pl.leave(f, why)
			continue
		}
		verb := "regenerate"
		if !st.Exists {
			verb = "generate"
		}
		ops = append(ops, render.Op{Kind: render.OpWrite, Path: r.Output, Mode: mode, Data: data, SHA256: render.Hash(data), Before: st})
		s := Step{Rule: f.Rule, Summary: fmt.Sprintf("%s %s from %s", verb, r.Output, strings.Join(r.Inputs, " and ")),
			Resolves: []queries.Finding{f}, Ops: ops}
		if strings.HasSuffix(r.Output, ".plist") {
			s.Reload = pl.reload(r.Output, labelOf(pl.snap.Graph, r.Output), true)
		}
		if err := pl.add(s, false); err != nil {
			return err
		}
	}
	return nil
}

// labelOf returns the Label of the job plist p defines, or its file
// name without .plist.
func labelOf(g *graph.Graph, p string) string {
	for _, j := range g.NodesOf(graph.Job) {
		for _, d := range j.Defined {
			if d.File == p && j.Label != "" {
				return j.Label
			}
		}
	}
	return strings.TrimSuffix(path.Base(p), ".plist")
}

// reload returns the launchctl commands that make launchd read plist p
// (of job label) again: bootout, and, unless the plist was retired,
// bootstrap. driftmap never runs them.
func (pl *planner) reload(p, label string, bootstrap bool) []string {
	domain := "gui/$(id -u " + ShellQuote(path.Base(pl.o.Home)) + ")"
	if strings.Contains(p, "/LaunchDaemons/") {
		domain = "system"
	}
	out := []string{"launchctl bootout " + domain + "/" + ShellQuote(label)}
	if bootstrap {
		out = append(out, "launchctl bootstrap "+domain+" "+ShellQuote(p))
	}
	return out
}
