package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path"
	"strings"

	"github.com/spf13/pflag"

	"github.com/driftmap/driftmap/exporters"
	"github.com/driftmap/driftmap/queries"
	"github.com/driftmap/driftmap/queries/fix"
	"github.com/driftmap/driftmap/sources/render"
	"github.com/driftmap/driftmap/sources/rootfs"
)

var fixFormats = []string{"text", "json"}

var fixCmd = &command{
	name:  "fix",
	short: "plan the remediation of what check found; apply it, and undo it",
	long: `Plans, for each finding that has a safe remedy, a step of file operations
that resolves it, and lists every other finding under "needs a person" with
its evidence and the commands that show more. Without --apply nothing is
written: the plan is printed (--format json prints it as a document, -o FILE
saves that document for review).

The plan is made to a fixed point: each step is planned against the tree the
steps before it leave, simulated in memory, and the whole audit runs again
on the simulated tree, so applying the plan and running check again finds
none of the findings it claims to fix. A finding the plan would bring out is
listed under "needs a person". Remedies (see README.md, "driftmap fix"):

` + remedyList() + `
fix never deletes and never retires a job that an enabled service of
instance.yaml or the catalog still runs: it says which entry to change.
A checked-in workspace file is never changed; the change is shown as a diff.

--apply performs the steps inside --root, each atomically, after checking
that every file is still as planned (exit 2, nothing written, when the tree
changed); it never writes through a symlink. It writes a journal,
~/.sanctum/.driftmap/journal-TIMESTAMP.json inside the root, holding every
operation and the bytes of every file it replaced (mode 0600: it may hold
credentials). --apply --plan FILE applies a plan saved with -o after review,
only if planning again gives the same operations. --undo JOURNAL reverts an
applied plan exactly, or refuses, changing nothing, when a file was changed
since. Steps that change a plist print the launchctl commands to run;
driftmap never runs launchctl.

Exits 0 when the plan was printed, applied or undone; 2 on a usage error,
or when applying or undoing was refused.`,
	flags: func(fs *pflag.FlagSet, o *opts) {
		formatFlag(fs, o, fixFormats)
		fs.BoolVar(&o.apply, "apply", false, "perform the plan (default: print it, write nothing)")
		fs.StringArrayVar(&o.only, "only", nil, "plan only the remedies of `RULE` (repeatable); the one way to ask for not-executable's")
		fs.BoolVar(&o.shim, "shim", false, "write a compatibility shim where a retired watchdog's script is still named")
		fs.StringVarP(&o.planOut, "output", "o", "", "save the plan as a JSON document in `FILE`, for review and --plan")
		fs.StringVar(&o.planIn, "plan", "", "with --apply: apply the plan saved in `FILE`, if planning again gives the same operations")
		fs.StringVar(&o.undo, "undo", "", "revert the plan recorded in `JOURNAL` (a path inside the root, as --apply printed it)")
		layoutFlags(fs, o)
	},
	run: runFix,
}

// remedyList is the remedies, wrapped under each rule, for fix's help.
func remedyList() string {
	var b strings.Builder
	for _, r := range fix.Remedies() {
		text := r.Doc
		if r.Option != "" {
			text += " [" + r.Option + "]"
		}
		fmt.Fprintf(&b, "  %s\n", r.Rule)
		line := "     "
		for _, w := range strings.Fields(text) {
			if len(line)+1+len(w) > 78 && line != "     " {
				b.WriteString(line + "\n")
				line = "     "
			}
			line += " " + w
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}

func runFix(c *ctx, args []string) int {
	if len(args) > 0 {
		return c.fail(&usageError{fmt.Sprintf("fix takes no arguments, got %q", args[0]), "run 'driftmap fix -h'"})
	}
	f, err := exporters.Fix(c.o.format)
	if err != nil {
		return c.fail(unknownFormat("fix", c.o.format, fixFormats))
	}
	if c.o.undo != "" {
		return c.runUndo()
	}
	if c.o.planIn != "" && !c.o.apply {
		return c.fail(&usageError{"--plan applies a saved plan and needs --apply", "run 'driftmap fix --apply --plan FILE'"})
	}
	known := map[string]bool{}
	for _, r := range fix.Remedies() {
		known[r.Rule] = true
	}
	for _, r := range c.o.only {
		if !known[r] {
			if _, isRule := queries.Lookup(r); isRule {
				return c.fail(&usageError{fmt.Sprintf("--only %s: driftmap fix has no remedy for %s", r, r), "its findings need a person; run 'driftmap fix -h' for the rules fix resolves"})
			}
			return c.fail(&usageError{fmt.Sprintf("--only %s: no such rule", r), "run 'driftmap fix -h' for the rules fix resolves"})
		}
	}
	var saved *fix.Plan
	date, only, shim := c.now().UTC().Format("20060102"), c.o.only, c.o.shim
	if c.o.planIn != "" {
		data, err := rootfs.ReadHostFile(c.o.planIn, rootfs.MaxFleet)
		if err != nil {
			return c.fail(&usageError{fmt.Sprintf("cannot read plan %s: %s", c.o.planIn, rootfs.Reason(err)), "save a plan with 'driftmap fix -o FILE'"})
		}
		if saved, err = fix.ReadPlan(data); err != nil {
			return c.fail(&usageError{fmt.Sprintf("%s: %v", c.o.planIn, err), "save a plan with 'driftmap fix -o FILE'"})
		}
		date, only, shim = saved.Date, saved.Only, saved.Shim // plan again as it was planned
	}
	snap, err := c.load()
	if err != nil {
		return c.fail(err)
	}
	base := rootfs.RootFS{Dir: snap.Layout.Root}.Cached()
	defer base.Close()
	plan, err := fix.Make(snap, fix.Options{
		Sim:     rootfs.NewOverlay(base),
		Load:    c.loadWith,
		Rules:   queries.All(),
		Only:    only,
		Shim:    shim,
		Date:    date,
		Home:    snap.Layout.Home,
		Inspect: c.inspectFlags(),
	})
	if err != nil {
		return c.fail(err)
	}
	if c.o.planOut != "" {
		var b bytes.Buffer
		js, _ := exporters.Fix("json")
		if err := js.FormatFix(&b, &exporters.FixReport{Plan: plan}); err != nil {
			return c.fail(err)
		}
		if err := writeFileAtomic(c.o.planOut, b.Bytes()); err != nil {
			return c.fail(&usageError{fmt.Sprintf("cannot write %s: %v", c.o.planOut, err), "choose a writable -o FILE"})
		}
	}
	rep := &exporters.FixReport{Plan: plan}
	if !c.o.apply || len(plan.Steps) == 0 {
		if err := f.FormatFix(c.env.Stdout, rep); err != nil {
			return c.fail(err)
		}
		return ExitOK
	}
	if saved != nil {
		if diff := fix.Diff(saved, plan); len(diff) > 0 {
			for _, d := range diff {
				fmt.Fprintf(c.env.Stderr, "driftmap: note: %s\n", exporters.Text(d))
			}
			return c.fail(&usageError{fmt.Sprintf("the tree changed since the plan in %s was made (%s %s), so nothing was written",
				c.o.planIn, plural(len(diff), "operation", "operations"), map[bool]string{true: "differs", false: "differ"}[len(diff) == 1]),
				"review a new plan ('driftmap fix -o FILE') and apply that"})
		}
	}
	j, err := render.ApplyOps(snap.Layout.Root, plan.Ops(), render.ApplyOptions{JournalDir: path.Join(snap.Layout.Home, ".sanctum", ".driftmap"), Now: c.now()})
	if err != nil {
		var re *render.RefusedError
		hint := "fix the cause and run driftmap fix again"
		if j != nil && j.Path != "" {
			hint = "what was done is in the journal " + j.Path + "; undo it with 'driftmap fix --undo " + j.Path + "'"
		}
		if errors.As(err, &re) && (j == nil || j.Path == "") {
			hint = "nothing was written; review a new plan with 'driftmap fix' and apply that"
		}
		return c.fail(&usageError{err.Error(), hint})
	}
	rep.Applied, rep.Journal = true, j.Path
	if err := f.FormatFix(c.env.Stdout, rep); err != nil {
		return c.fail(err)
	}
	return ExitOK
}

// inspectFlags are the layout flags the command was given, to append to
// the commands a plan suggests.
func (c *ctx) inspectFlags() string {
	var b strings.Builder
	for _, name := range []string{"root", "home", "workspace", "node"} {
		if fl := c.flags.Lookup(name); fl != nil && fl.Changed {
			fmt.Fprintf(&b, " --%s %s", name, fix.ShellQuote(fl.Value.String()))
		}
	}
	if c.flags.Changed("label-prefix") {
		for _, p := range c.o.prefixes {
			fmt.Fprintf(&b, " --label-prefix %s", fix.ShellQuote(p))
		}
	}
	return b.String()
}

// runUndo reverts the journal --undo names.
func (c *ctx) runUndo() int {
	if c.o.apply || c.o.planIn != "" || c.o.planOut != "" || len(c.o.only) > 0 || c.o.shim {
		return c.fail(&usageError{"--undo takes no other fix option", "run 'driftmap fix --undo JOURNAL --root DIR'"})
	}
	root := c.o.root
	if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
		return c.fail(&usageError{fmt.Sprintf("root %s is not a directory", root), "--root names the directory that / stands for"})
	}
	res, err := render.Undo(root, rootfs.Clean(c.o.undo))
	if err != nil {
		return c.fail(&usageError{err.Error(), "nothing was changed; put the files listed back as fix left them, or revert them by hand from the journal"})
	}
	var b bytes.Buffer
	for _, r := range res.Reverted {
		fmt.Fprintf(&b, "%s\n", exporters.Text(r.String()))
	}
	for _, p := range res.Removed {
		fmt.Fprintf(&b, "removed %s\n", exporters.Text(p))
	}
	fmt.Fprintf(&b, "undid %s; the tree is as it was before driftmap fix --apply\n", plural(len(res.Reverted), "operation", "operations"))
	_, err = c.env.Stdout.Write(b.Bytes())
	if err != nil {
		return c.fail(err)
	}
	return ExitOK
}
