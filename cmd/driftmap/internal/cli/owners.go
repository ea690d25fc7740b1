package cli

import (
	"github.com/spf13/pflag"

	"github.com/driftmap/driftmap/exporters"
	"github.com/driftmap/driftmap/queries"
)

var ownersCmd = &command{
	name:  "owners",
	args:  " [SERVICE ...]",
	short: "show, per service fact, the source that owns it and every copy",
	long: `For every service, or those named (by name, old name or a job's
Label), every fact: enabled, port, requires, launchagent, role, and the
job's program, arguments and log paths. Each with its value, the
canonical source that owns it (file, line, key) under the truth policy,
and every other place that states it: marked derived when a known
mechanism writes it from the owner (render's manifests, a generated
plist), by hand otherwise, and whether it agrees.

--truth instance (the default, or truth: in driftmap.yaml): instance.yaml
owns enabled and port, the catalog owns requires, launchagent, role and
renames. --truth catalog: the catalog owns every fact it states,
instance.yaml only what the catalog does not state. Run both to see what
the other answer would change. Exits 0 with the answer, 2 when a name
denotes no service.`,
	flags: func(fs *pflag.FlagSet, o *opts) {
		formatFlag(fs, o, answerFormats)
		layoutFlags(fs, o)
	},
	run: runOwners,
}

func runOwners(c *ctx, args []string) int {
	f, err := exporters.Owners(c.o.format)
	if err != nil {
		return c.fail(unknownFormat("owners", c.o.format, answerFormats))
	}
	snap, err := c.load()
	if err != nil {
		return c.fail(err)
	}
	o, err := queries.OwnersOf(snap, args)
	if err != nil {
		return c.fail(notFound(err))
	}
	if err := f.FormatOwners(c.env.Stdout, o); err != nil {
		return c.fail(err)
	}
	return ExitOK
}
