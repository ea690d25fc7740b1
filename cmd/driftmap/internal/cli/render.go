package cli

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/driftmap/driftmap/sources/render"
	"github.com/spf13/pflag"
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
what it had to, 2 when it could not. --prune moves manifests no service
renders to .retired/NAME.yaml.retired-YYYY-MM-DD (it never deletes).`,
	flags: func(fs *pflag.FlagSet, o *opts) {
		fs.BoolVar(&o.check, "check", false, "write nothing; exit 1 when a manifest would change")
		fs.BoolVar(&o.diff, "diff", false, "print a unified diff of every change")
		fs.BoolVar(&o.prune, "prune", false, "retire manifests that no service renders")
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
	dir, _ := snap.Layout.InRoot(snap.Layout.Manifests)
	plan := render.Plan(snap)
	w := c.env.Stdout
	var changes, broken int
	counts := map[render.Action]int{}
	for _, p := range plan {
		counts[p.Action]++
		switch p.Action {
		case render.Unchanged:
			continue
		case render.Broken:
			broken++
			fmt.Fprintf(w, "%s: cannot be rendered: %s\n", p.File, p.Err)
			continue
		case render.Extra:
			changes++
			verb := "no service renders it; --prune retires it"
			if c.o.prune {
				verb = "no service renders it; retire it to .retired/"
			}
			fmt.Fprintf(w, "%s: %s\n", p.File, verb)
		case render.Create:
			changes++
			fmt.Fprintf(w, "%s: missing; render creates it\n", p.File)
		case render.Update:
			changes++
			var parts []string
			for _, d := range p.Diffs {
				parts = append(parts, fmt.Sprintf("%s is %s, render writes %s", d.Field, d.Have, d.Want))
			}
			fmt.Fprintf(w, "%s: %s\n", p.File, strings.Join(parts, "; "))
		}
		if c.o.diff {
			var newData []byte
			if p.Action != render.Extra {
				newData = p.New
			}
			fmt.Fprint(w, render.UnifiedDiff(p.File, p.Old, newData))
		}
	}
	summary := func(verbs ...string) string {
		s := fmt.Sprintf("%d %s, %d %s, %d unchanged, %d extra", counts[render.Create], verbs[0], counts[render.Update], verbs[1], counts[render.Unchanged], counts[render.Extra])
		if broken > 0 {
			s += fmt.Sprintf(", %d unparsable", broken)
		}
		return s
	}
	if c.o.check {
		fmt.Fprintf(w, "render --check: %s in %s\n", summary("to create", "to update"), dir)
		if changes > 0 || broken > 0 {
			return ExitFindings
		}
		return ExitOK
	}
	if broken > 0 {
		what := fmt.Sprintf("%d manifests cannot be parsed", broken)
		if broken == 1 {
			what = "1 manifest cannot be parsed"
		}
		return c.fail(&usageError{what + ", so render wrote nothing", "fix the YAML (driftmap check shows the line), then run driftmap render again"})
	}
	date := c.now().Format(time.DateOnly)
	done, err := render.Apply(snap.Layout.Root, dir, plan, c.o.prune, date)
	if err != nil {
		if len(done) > 0 {
			fmt.Fprintf(w, "render: wrote %s before failing\n", strings.Join(done, ", "))
		}
		return c.fail(&usageError{err.Error(), "nothing else was written; fix the cause and run driftmap render again"})
	}
	for _, f := range done {
		fmt.Fprintf(w, "wrote %s\n", f)
	}
	fmt.Fprintf(w, "render: %s in %s\n", summary("created", "updated"), dir)
	return ExitOK
}
