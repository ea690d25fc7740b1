package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/driftmap/driftmap/exporters"
	"github.com/driftmap/driftmap/internal/synth"
)

var synthCmd = &command{
	name:  "synth",
	short: "write a synthetic fleet with planted defects, for benchmarks",
	long: `Writes a machine in the Sanctum layout with N instance-backed services
into DIR, which must not exist or be empty: DIR/root (home /Users/synth:
instance.yaml and its JSON cache, a manifest as render writes it, a wrapper
that execs an app binary, the binary and a LaunchAgent per service, XML and
binary plists) and DIR/workspace/sanctum/runtime_catalog.yaml, with an
acyclic requires graph of 0 to 3 edges per service. Defects are planted in
known numbers: 1% missing targets, 0.5% off-catalogue jobs, 3 dependency
cycles, 0.5% renamed references and 0.1% hand-registered manifests (at
least one of each). It prints them and writes DIR/synth.json, which says
how many findings of each rule 'driftmap check' must report on the tree.
The same -n and --seed give the same bytes; a DIR synth wrote with the same
-n and --seed is reused untouched. Exits 0, or 2 on a usage error.`,
	flags: func(fs *pflag.FlagSet, _ *opts) {
		fs.IntP("services", "n", 0, "generate `N` instance-backed services")
		fs.StringP("output", "o", "", "write the fleet into `DIR` (new or empty)")
		fs.Uint64("seed", 1, "seed `S` of the generator")
	},
	run: runSynth,
}

func runSynth(c *ctx, args []string) int {
	if len(args) > 0 {
		return c.fail(&usageError{fmt.Sprintf("synth takes no arguments, got %q", args[0]), "run 'driftmap synth -h'"})
	}
	n, _ := c.flags.GetInt("services")
	dir, _ := c.flags.GetString("output")
	seed, _ := c.flags.GetUint64("seed")
	res, err := synth.Generate(synth.Options{N: n, Seed: seed, Dir: dir})
	var se *synth.Error
	if errors.As(err, &se) {
		return c.fail(&usageError{se.Msg, se.Hint})
	}
	if err != nil {
		return c.fail(err)
	}
	d, w := res.Document, c.env.Stdout
	if res.Reused {
		fmt.Fprintf(w, "%s already holds the fleet of -n %d --seed %d; reused it untouched\n", exporters.Text(dir), d.N, d.Seed)
	} else {
		fmt.Fprintf(w, "wrote %d files (%d bytes) for %d services, seed %d, into %s\n", d.Files, d.Bytes, d.N, d.Seed, exporters.Text(dir))
	}
	fmt.Fprintf(w, "planted findings, %d in all (in %s):\n", d.Total, exporters.Text(synth.DocumentFile))
	for _, rule := range d.Rules() {
		fmt.Fprintf(w, "  %-18s %d\n", rule, d.Expected[rule])
	}
	fmt.Fprintf(w, "audit it: driftmap check --root %s/%s --home %s --workspace %s/%s\n",
		exporters.Text(dir), d.Root, d.Home, exporters.Text(dir), d.Workspace)
	return ExitOK
}
