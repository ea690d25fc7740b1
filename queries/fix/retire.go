package fix

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/queries"
	"github.com/driftmap/driftmap/sources/launchd"
	"github.com/driftmap/driftmap/sources/render"
	"github.com/driftmap/driftmap/sources/rootfs"
)

// canonical are the origins of a service that are canonical sources.
var canonical = []string{"instance", "catalog", "auxiliary"}

// claims returns the enabled services a canonical source defines that
// run job j: while one does, j must not be retired.
func claims(g *graph.Graph, j *graph.Node) []*graph.Node {
	var out []*graph.Node
	for _, e := range g.To(j.ID, graph.RunsAs) {
		s, ok := g.Node(e.From)
		if !ok || s.State != graph.Enabled {
			continue
		}
		if slices.ContainsFunc(s.Origins, func(o string) bool { return slices.Contains(canonical, o) }) {
			out = append(out, s)
		}
	}
	return out
}

// claimText says which canonical entries enable the services ss.
func claimText(ss []*graph.Node) string {
	var parts []string
	for _, s := range ss {
		where := ""
		if len(s.Defined) > 0 {
			where = " (" + s.Defined[0].Location() + ")"
		}
		parts = append(parts, "service "+s.Name+where)
	}
	return strings.Join(parts, " and ")
}

// retireJob plans the retirement of live job j: each plist that defines
// it is renamed NAME.disabled-DATE in its directory. It returns the step,
// or why it cannot.
func (pl *planner) retireJob(j *graph.Node, fs []queries.Finding) (Step, string) {
	if c := claims(pl.snap.Graph, j); len(c) > 0 {
		return Step{}, fmt.Sprintf("retiring job %s would take it from %s, which a canonical source still enables: disable the service there (enabled: false) or remove its entry, then run driftmap fix again",
			j.Label, claimText(c))
	}
	var ops []render.Op
	var files []string
	for _, d := range j.Defined {
		if d.Key != "Label" || slices.Contains(files, d.File) {
			continue
		}
		files = append(files, d.File)
		st, err := pl.state(d.File)
		switch {
		case err != nil:
			return Step{}, fmt.Sprintf("%s cannot be read (%s)", d.File, rootfs.Reason(err))
		case st.Type != "file":
			return Step{}, fmt.Sprintf("%s is %s; driftmap fix renames a regular file only", d.File, describeType(st.Type))
		}
		to, why := pl.freeName(d.File + ".disabled-" + pl.o.Date)
		if why != "" {
			return Step{}, why
		}
		ops = append(ops, render.Op{Kind: render.OpRename, Path: d.File, To: to, Before: st})
	}
	if len(ops) == 0 {
		return Step{}, "driftmap fix cannot tell which plist defines job " + j.Label
	}
	s := Step{Summary: fmt.Sprintf("retire job %s: rename %s to %s", j.Label, path.Base(ops[0].Path), path.Base(ops[0].To)),
		Resolves: fs, Ops: ops}
	for _, op := range ops {
		s.Reload = append(s.Reload, pl.reload(op.Path, j.Label, false)...)
	}
	s.Reload = slices.Compact(s.Reload)
	return s, ""
}

// freeName returns p, or p-2, p-3... the first that does not exist in
// the simulated tree.
func (pl *planner) freeName(p string) (string, string) {
	to := p
	for i := 2; i < 1000; i++ {
		st, err := pl.state(to)
		if err != nil {
			return "", fmt.Sprintf("%s cannot be read (%s)", to, rootfs.Reason(err))
		}
		if !st.Exists {
			return to, ""
		}
		to = p + "-" + strconv.Itoa(i)
	}
	return "", "no free name to retire it as " + p
}

func planLiveButDisabled(pl *planner, fs []queries.Finding) error {
	for _, f := range fs {
		j, ok := pl.snap.Graph.Node(f.Subject)
		if !ok || j.Kind != graph.Job || j.State != graph.Live {
			pl.leave(f, "driftmap fix cannot tell which job it names")
			continue
		}
		s, why := pl.retireJob(j, []queries.Finding{f})
		if why != "" {
			pl.leave(f, why)
			continue
		}
		s.Rule = f.Rule
		if err := pl.add(s, false); err != nil {
			return err
		}
	}
	return nil
}

// planDuplicateWatchdog retires every live watchdog but the one the
// catalog names. When the catalog names none, or several, a person
// decides.
func planDuplicateWatchdog(pl *planner, fs []queries.Finding) error {
	hs := queries.WatchdogHolders(pl.snap.Graph, pl.snap.Layout.WatchdogPattern)
	var keep *graph.Node
	named := 0
	for _, h := range hs {
		if h.Catalog {
			keep, named = h.Job, named+1
		}
	}
	if named != 1 {
		why := "the catalog gives no service role: watchdog, so driftmap cannot tell which watchdog to keep: give the surviving one's service role: watchdog"
		if named > 1 {
			why = "the catalog gives role: watchdog to more than one service: keep it on the one that survives"
		}
		for _, f := range fs {
			pl.leave(f, why)
		}
		return nil
	}
	type retirement struct {
		job  *graph.Node
		step Step
	}
	var rs []retirement
	var whys []string
	for _, h := range hs {
		if h.Job == keep {
			continue
		}
		if h.Job.Kind != graph.Job {
			whys = append(whys, fmt.Sprintf("driftmap fix does not retire systemd units: disable %s with systemctl disable --now, then remove its file", h.Job.Label))
			continue
		}
		s, why := pl.retireJob(h.Job, nil)
		if why != "" {
			whys = append(whys, why)
			continue
		}
		s.Rule = "duplicate-watchdog"
		s.Summary += " (the catalog keeps " + keep.Label + ")"
		rs = append(rs, retirement{h.Job, s})
	}
	if len(whys) > 0 {
		// Retiring some and not others leaves the finding: all or none.
		for _, f := range fs {
			pl.leave(f, strings.Join(whys, "; "))
		}
		return nil
	}
	rs[0].step.Resolves = fs // one finding, carried by the first step
	for _, r := range rs {
		shims := pl.shims(r.job, keep)
		if err := pl.add(r.step, false); err != nil {
			return err
		}
		for _, sh := range shims {
			if err := pl.add(sh, !pl.o.Shim); err != nil {
				return err
			}
		}
	}
	return nil
}

// shims plans a compatibility shim for each script of the retired job j
// that another live job or a wrapper still runs or sources: a script at
// the same path that execs the program of keep, the surviving watchdog.
// They are offered unless --shim asks for them.
func (pl *planner) shims(j, keep *graph.Node) []Step {
	g := pl.snap.Graph
	if keep.Program == "" {
		return nil
	}
	var out []Step
	for _, e := range g.From(j.ID, graph.Exec, graph.Script) {
		t, ok := g.Node(e.To)
		if !ok || (t.Kind != graph.File && t.Kind != graph.Wrapper) || launchd.IsSystemProgram(t.Name) || t.Name == keep.Program {
			continue
		}
		var users []string
		for _, in := range g.To(t.ID, graph.Exec, graph.Script, graph.Source) {
			u, ok := g.Node(in.From)
			if !ok || u.ID == j.ID || !(u.Kind == graph.Wrapper || u.Kind == graph.Job && u.State == graph.Live) {
				continue
			}
			users = append(users, u.ID)
		}
		if len(users) == 0 {
			continue
		}
		users = slices.Compact(slices.Sorted(slices.Values(users)))
		st, err := pl.state(t.Name)
		if err != nil || st.Exists && st.Type != "file" {
			continue // nothing a shim could safely replace
		}
		data := []byte(fmt.Sprintf("#!/bin/sh\n"+
			"# Compatibility shim written by driftmap fix: job %s, which ran this\n"+
			"# script, was retired (%s) in favour of the surviving watchdog %s.\n"+
			"# %s still name it, so it now starts the survivor.\n"+
			"exec %s \"$@\"\n", j.Label, pl.o.Date, keep.Label, strings.Join(users, ", "), ShellQuote(keep.Program)))
		out = append(out, Step{Rule: "duplicate-watchdog", Option: "--shim",
			Summary: fmt.Sprintf("write a compatibility shim at %s that execs %s (still named by %s)", t.Name, keep.Program, strings.Join(users, ", ")),
			Ops:     []render.Op{{Kind: render.OpWrite, Path: t.Name, Mode: 0o755, Data: data, SHA256: render.Hash(data), Before: st}}})
	}
	return out
}
