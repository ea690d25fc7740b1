package cli

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/driftmap/driftmap/exporters"
	"github.com/driftmap/driftmap/sources/render"
)

var renderCmd = &command{
	name:  "render",
	short: "write the service manifests from the catalog and instance.yaml",
	long: `Writes one manifest per enabled instance-backed catalog service and per
enabled auxiliary service into the manifests directory, creating it when
missing. render owns name, port, requires and launchagent; every other field
of an existing manifest is kept. A manifest whose owned fields already match
is not touched; writes are atomic and never leave the manifests directory.

--check writes nothing and exits 1 when any manifest would be created,
changed or is extra, 0 when none would. Plain render exits 0 when it wrote
what it had to, 2 when it could not. --prune moves a manifest to
.retired/NAME.yaml.retired-YYYY-MM-DD (it never deletes) when a canonical
source says its service is gone: instance.yaml disables it, or its name is
an old name (renamed_from) of another service. A hand-registered manifest,
whose service neither the catalog nor instance.yaml defines, is that
service's source: render never lists, changes or retires it.

--truth catalog (or truth: catalog in driftmap.yaml) renders one
manifest per catalog service and auxiliary that instance.yaml does not
disable, the catalog's port winning; enabled instance.yaml services the
catalog does not list are skipped, with a note, and their manifests are
kept.

render never replaces what it has not read: a manifest it cannot read, a
manifests directory it cannot list, a manifest that changed since it was
read, or a .retired that is not a directory stops it before it writes
anything. Temporaries a killed render left (.NAME.yaml.driftmap-*) are
removed, with a note on standard error.`,
	flags: func(fs *pflag.FlagSet, o *opts) {
		fs.BoolVar(&o.check, "check", false, "write nothing; exit 1 when a manifest would change")
		fs.BoolVar(&o.diff, "diff", false, "print a unified diff of every change")
		fs.BoolVar(&o.prune, "prune", false, "retire manifests whose service instance.yaml disables, or that name an old name")
		layoutFlags(fs, o)
	},
	run: runRender,
}

func runRender(c *ctx, args []string) int {
	if len(args) > 0 {
		return c.fail(&usageError{fmt.Sprintf("render takes no arguments, got %q", args[0]), "run 'driftmap render -h'"})
	}
	snap, err := c.load()
	if err != nil {
		return c.fail(err)
	}
	if snap.Catalog == nil {
		cat := filepath.Join(snap.Layout.Workspace, snap.Layout.Catalog)
		return c.fail(&usageError{fmt.Sprintf("no runtime catalog at %s: nothing to render from", cat), "pass --workspace DIR, the checkout holding sanctum/runtime_catalog.yaml"})
	}
	if snap.Instance == nil {
		inst, _ := snap.Layout.InRoot(snap.Layout.Instance)
		return c.fail(&usageError{fmt.Sprintf("no instance file at %s (inside %s): nothing to render from", inst, snap.Layout.Root), "pass --root and --home so that ~/.sanctum/instance.yaml is found, or set instance: in driftmap.yaml"})
	}
	f, err := exporters.Render("text")
	if err != nil {
		return c.fail(err)
	}
	dir, _ := snap.Layout.InRoot(snap.Layout.Manifests)
	plan := render.Plan(snap)
	rep := &exporters.RenderReport{Plan: plan, Dir: dir, Check: c.o.check, Diff: c.o.diff, Prune: c.o.prune}
	var changes, broken int
	var unreadable []string
	for _, p := range plan {
		switch p.Action {
		case render.Unchanged, render.Hand, render.Kept:
			// nothing render would write: a hand-registered manifest is
			// its service's own source; a kept one no source retires
		case render.Broken:
			broken++
			if p.Unreadable {
				unreadable = append(unreadable, p.File)
			}
		default:
			changes++
		}
	}
	if u := render.Uncatalogued(snap); len(u) > 0 {
		// Said on every run, --check included: render skips them.
		fmt.Fprintf(c.env.Stderr, "driftmap: note: under truth: catalog, render writes no manifest for %d service(s) instance.yaml enables and the catalog does not list: %s (driftmap owners lists them)\n", len(u), exporters.Text(strings.Join(u, ", ")))
	}
	if c.o.check {
		if err := f.FormatRender(c.env.Stdout, rep); err != nil {
			return c.fail(err)
		}
		if changes > 0 || broken > 0 {
			return ExitFindings
		}
		return ExitOK
	}
	if broken > 0 {
		// Refused before writing: the report is the plan alone.
		if err := f.FormatRender(c.env.Stdout, rep); err != nil {
			return c.fail(err)
		}
		if len(unreadable) > 0 {
			what := "cannot read " + strings.Join(unreadable[:min(len(unreadable), 3)], ", ")
			if len(unreadable) > 3 {
				what += fmt.Sprintf(" and %d more manifests", len(unreadable)-3)
			}
			for _, u := range snap.UnreadableManifests {
				if u.Dir {
					what = "cannot list the manifests directory " + u.File
				}
			}
			return c.fail(&usageError{what + ", so render wrote nothing", "render never replaces a manifest it cannot read: make it readable (driftmap check shows why it is not), then run driftmap render again"})
		}
		what := fmt.Sprintf("%d manifests cannot be parsed", broken)
		if broken == 1 {
			what = "1 manifest cannot be parsed"
		}
		return c.fail(&usageError{what + ", so render wrote nothing", "fix the YAML (driftmap check shows the line), then run driftmap render again"})
	}
	date := c.now().Format(time.DateOnly)
	res, applyErr := render.Apply(snap.Layout.Root, dir, plan, c.o.prune, date)
	for _, f := range res.Removed {
		fmt.Fprintf(c.env.Stderr, "driftmap: note: removed %s, a temporary file left by an interrupted render\n", f)
	}
	rep.Written, rep.Applied, rep.Failed = res.Written, applyErr == nil, applyErr != nil
	err = f.FormatRender(c.env.Stdout, rep)
	if applyErr != nil {
		return c.fail(&usageError{applyErr.Error(), "nothing else was written; fix the cause and run driftmap render again"})
	}
	if err != nil {
		return c.fail(err)
	}
	return ExitOK
}
