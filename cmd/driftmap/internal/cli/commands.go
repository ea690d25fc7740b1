package cli

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/driftmap/driftmap/exporters"
	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/queries"
)

var checkCmd = &command{
	name:  "check",
	short: "run every rule and report findings",
	long: `Loads every source and runs every rule (see 'driftmap rules'). --format
chooses the report on standard output (html is one self-contained page with
the summary, the service map, filterable findings and each node's findings
and impact on a click; sarif is SARIF 2.1.0 for code scanning; github
annotates a GitHub Actions run; prometheus is the text exposition format
for node_exporter's textfile collector); --output FORMAT=PATH also writes a
report to a file, atomically (repeatable). When the audit cannot run, the
prometheus report still says so (driftmap_last_run_success 0) and nothing
else. --baseline FILE leaves out the findings
'driftmap baseline' recorded in FILE. --host NAME (json only) stamps the
report with the host's name and lists every live launchd job and audited
systemd unit with its program and the SHA-256 of its arguments, never
their text, for 'driftmap fleet'. Exits 0 when no finding is at or
above --fail-on, 1 when one is, 2 on a usage or setup error.`,
	flags: func(fs *pflag.FlagSet, o *opts) {
		formatFlag(fs, o, checkFormats)
		fs.StringArrayVar(&o.outputs, "output", nil, "also write the report as `FORMAT=PATH`, e.g. sarif=driftmap.sarif (repeatable)")
		fs.StringVar(&o.baseline, "baseline", "", "leave out the findings recorded in the baseline `FILE` (see 'driftmap baseline')")
		fs.StringVar(&o.failOn, "fail-on", "error", "exit 1 when a finding is at or above `LEVEL`: error, warning, info or never")
		fs.StringVar(&o.host, "host", "", "stamp the json report with the host `NAME` and list its jobs, for 'driftmap fleet' (--format json only)")
		layoutFlags(fs, o)
	},
	run: runCheck,
}

func runCheck(c *ctx, args []string) int {
	if len(args) > 0 {
		return c.fail(&usageError{fmt.Sprintf("check takes no arguments, got %q", args[0]), "run 'driftmap check -h'"})
	}
	failOn, err := c.failOn()
	if err != nil {
		return c.fail(err)
	}
	f, err := exporters.Check(c.o.format, exporters.Options{Color: c.color()})
	if err != nil {
		return c.fail(&usageError{err.Error(), formatHint(checkFormats)})
	}
	outs, err := parseOutputs(c.o.outputs)
	if err != nil {
		return c.fail(err)
	}
	if c.flags.Changed("host") {
		if c.o.format != "json" || slices.ContainsFunc(outs, func(o output) bool { return o.format != "json" }) {
			return c.fail(&usageError{"--host applies to the json format only", "e.g. 'driftmap check --format json --host mac > mac.json'"})
		}
		if err := checkHostName(c.o.host); err != nil {
			return c.fail(err)
		}
	}
	// The audit starts here: a setup error from now on is a run that
	// failed, which the prometheus format reports (success 0).
	started := c.now()
	var base *queries.Baseline
	if c.flags.Changed("baseline") {
		if base, err = readBaseline(c.o.baseline); err != nil {
			return c.checkFailed(f, outs, started, err)
		}
	}
	snap, err := c.load()
	if err != nil {
		return c.checkFailed(f, outs, started, err)
	}
	res := queries.CheckBaseline(snap, queries.All(), base)
	findings := res.Findings // what the ignore list and the baseline keep decides the exit code
	r := &exporters.Report{Findings: findings, Graph: snap.Graph, Ignored: res.Ignored, Baselined: res.Baselined, Workspace: snap.Layout.Workspace,
		Started: started, Duration: c.now().Sub(started)}
	if c.o.host != "" {
		r.Host, r.Jobs = c.o.host, queries.Jobs(snap)
	}
	if c.o.format == "html" || slices.ContainsFunc(outs, func(o output) bool { return o.format == "html" }) {
		r.Map = c.serviceMap(snap.Graph, findings)
		if o, err := queries.OwnersOf(snap, nil); err == nil {
			r.Owners = o
		}
	}
	if err := f.FormatCheck(c.env.Stdout, r); err != nil {
		return c.fail(err)
	}
	if err := writeOutputs(outs, r, false); err != nil {
		return c.fail(err)
	}
	if len(snap.Graph.NodesOf(graph.Job)) == 0 && len(snap.Graph.NodesOf(graph.Service)) == 0 && len(snap.Graph.NodesOf(graph.Unit)) == 0 {
		// Nothing was in scope: say so, or a clean report misleads.
		fmt.Fprintf(c.env.Stderr, "driftmap: note: found no service, no systemd unit and no launchd job with a Label starting with %s\n", strings.Join(quoteAll(snap.Layout.LabelPrefixes), " or "))
		fmt.Fprintf(c.env.Stderr, "driftmap: hint: --label-prefix= audits every launchd job; --workspace names the checkout holding sanctum/runtime_catalog.yaml\n")
	}
	return findingsExit(failOn, findings, func(fd queries.Finding) queries.Severity { return fd.Severity })
}

// checkFailed ends a check whose audit could not run (err, a setup
// error): a format that reports failed runs (prometheus) still writes
// one, on standard output for --format and to its file for --output, so
// that no older report stays behind as if current; then it fails with
// err.
func (c *ctx) checkFailed(f exporters.CheckFormatter, outs []output, started time.Time, err error) int {
	r := &exporters.Report{Started: started, Duration: c.now().Sub(started)}
	if ff, ok := f.(exporters.FailedRunFormatter); ok {
		if werr := ff.FormatFailedRun(c.env.Stdout, r); werr != nil {
			c.fail(werr)
		}
	}
	if werr := writeOutputs(outs, r, true); werr != nil {
		c.fail(werr)
	}
	return c.fail(err)
}

// findingsExit is the exit code of a run that found findings:
// ExitFindings when one is at or above failOn (severity reads a
// finding's severity), ExitOK when none is or failOn is never (-1).
func findingsExit[F any](failOn queries.Severity, findings []F, severity func(F) queries.Severity) int {
	if failOn >= 0 {
		for _, fd := range findings {
			if severity(fd) >= failOn {
				return ExitFindings
			}
		}
	}
	return ExitOK
}

// failOn returns --fail-on as a severity, or -1 for never (no finding
// fails the run: callers test failOn >= 0).
func (c *ctx) failOn() (queries.Severity, error) {
	if c.o.failOn == "never" {
		return -1, nil
	}
	s, err := queries.ParseSeverity(c.o.failOn)
	if err != nil {
		return 0, &usageError{fmt.Sprintf("invalid --fail-on %q", c.o.failOn), "use error, warning, info or never"}
	}
	return s, nil
}

// hostName is what --host and a report's "host" may be: letters,
// digits, ".", "_" and "-", starting with a letter or digit. It holds no
// comma, so that a fleet finding can name two hosts joined by one.
var hostName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$`)

// checkHostName checks check --host's NAME.
func checkHostName(name string) error {
	if !hostName.MatchString(name) {
		return &usageError{"--host needs a host NAME of letters, digits, '.', '_' and '-'", "e.g. --host mac-mini"}
	}
	return nil
}

// drawMap draws the service map of g as inline SVG for the html page
// (tests replace it).
var drawMap = func(g *graph.Graph, findings []queries.Finding) ([]byte, error) {
	m, err := queries.BuildMap(g, findings, queries.MapOptions{Limit: exporters.SVGLimit()})
	if err != nil {
		return nil, err
	}
	return exporters.InlineSVG(m)
}

// serviceMap draws the service map for the html page to embed, or
// returns nil when it fails (the page then says the map is unavailable,
// and a note says why). What the map folded, the map itself says.
func (c *ctx) serviceMap(g *graph.Graph, findings []queries.Finding) []byte {
	svg, err := drawMap(g, findings)
	if err != nil {
		fmt.Fprintf(c.env.Stderr, "driftmap: note: the page has no service map: %s\n", exporters.Text(err.Error()))
		return nil
	}
	return svg
}

var impactCmd = &command{
	name:  "impact",
	args:  " TARGET",
	short: "list what breaks if TARGET is removed",
	long: `Lists every node with a dependency path to TARGET, as a tree, with the
evidence of each edge and each node's distance. TARGET may be a node ID
(service:voice-agent), a service name or old name, a launchd Label or a
path. Exits 0 when it produced the answer, 2 when TARGET is unknown.`,
	flags: func(fs *pflag.FlagSet, o *opts) {
		formatFlag(fs, o, answerFormats)
		layoutFlags(fs, o)
	},
	run: runImpact,
}

func runImpact(c *ctx, args []string) int {
	if len(args) != 1 {
		return c.fail(&usageError{"impact takes exactly one TARGET", "e.g. 'driftmap impact qwen3-tts' or 'driftmap impact ~/.sanctum/bin/proxy'"})
	}
	f, err := exporters.Impact(c.o.format)
	if err != nil {
		return c.fail(unknownFormat("impact", c.o.format, answerFormats))
	}
	snap, err := c.load()
	if err != nil {
		return c.fail(err)
	}
	id, note, err := queries.Resolve(snap.Graph, args[0], snap.Layout.Home)
	if err != nil {
		return c.fail(notFound(err))
	}
	im := queries.ImpactOf(snap.Graph, id)
	if id != args[0] {
		im.ResolvedFrom = args[0]
	}
	im.Note = note
	if err := f.FormatImpact(c.env.Stdout, im); err != nil {
		return c.fail(err)
	}
	return ExitOK
}

var whyCmd = &command{
	name:  "why",
	args:  " FROM TO",
	short: "show one shortest dependency path from FROM to TO",
	long: `Prints one shortest path of dependency edges from FROM to TO, with the
evidence of each edge. FROM and TO are resolved like impact's TARGET. Exits
0 when it produced the answer (including "does not depend"), 2 when a node
is unknown.`,
	flags: func(fs *pflag.FlagSet, o *opts) {
		formatFlag(fs, o, answerFormats)
		layoutFlags(fs, o)
	},
	run: runWhy,
}

func runWhy(c *ctx, args []string) int {
	if len(args) != 2 {
		return c.fail(&usageError{"why takes exactly two nodes, FROM and TO", "e.g. 'driftmap why voice-agent /usr/bin/python3'"})
	}
	f, err := exporters.Why(c.o.format)
	if err != nil {
		return c.fail(unknownFormat("why", c.o.format, answerFormats))
	}
	snap, err := c.load()
	if err != nil {
		return c.fail(err)
	}
	var ids [2]string
	for i, a := range args {
		id, note, err := queries.Resolve(snap.Graph, a, snap.Layout.Home)
		if err != nil {
			return c.fail(notFound(err))
		}
		if note != "" {
			fmt.Fprintf(c.env.Stderr, "driftmap: note: %s\n", exporters.Text(note))
		}
		ids[i] = id
	}
	y := queries.WhyOf(snap.Graph, ids[0], ids[1])
	if err := f.FormatWhy(c.env.Stdout, y); err != nil {
		return c.fail(err)
	}
	return ExitOK
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

func notFound(err error) error {
	var nf *queries.NotFoundError
	if errors.As(err, &nf) {
		hint := "name a node ID (service:NAME, job:LABEL, unit:NAME, file:/PATH), a service name, a Label, a unit name or a path; 'driftmap graph --format json' lists them"
		if nf.Suggest != "" {
			hint = fmt.Sprintf("did you mean %q?", nf.Suggest)
		}
		return &usageError{err.Error(), hint}
	}
	return err
}

var rulesCmd = &command{
	name:  "rules",
	short: "list every rule with its severity and title",
	long:  `Lists every rule 'driftmap check' runs, and fleet-divergence, which only 'driftmap fleet' runs. 'driftmap explain RULE' shows its documentation.`,
	flags: layoutFlags,
	run: func(c *ctx, args []string) int {
		for _, r := range queries.Documented() {
			fmt.Fprintf(c.env.Stdout, "%-23s %-8s %s\n", r.Name, r.Severity, r.Title)
		}
		return ExitOK
	},
}

var explainCmd = &command{
	name:  "explain",
	args:  " RULE",
	short: "show a rule's documentation and an example finding",
	long:  `Prints what RULE checks, why it matters, how to fix what it finds, and an example.`,
	flags: layoutFlags,
	run: func(c *ctx, args []string) int {
		if len(args) != 1 {
			return c.fail(&usageError{"explain takes exactly one RULE", "run 'driftmap rules' for the list"})
		}
		r, ok := queries.Lookup(args[0])
		if !ok {
			var names []string
			for _, r := range queries.Documented() {
				names = append(names, r.Name)
			}
			hint := "run 'driftmap rules' for the list"
			if s := queries.Suggest(args[0], names); s != "" {
				hint = fmt.Sprintf("did you mean %q?", s)
			}
			return c.fail(&usageError{fmt.Sprintf("unknown rule %q", args[0]), hint})
		}
		w := c.env.Stdout
		fmt.Fprintf(w, "%s (%s): %s\n\n%s\n", r.Name, r.Severity, r.Title, strings.TrimSpace(r.Doc))
		if r.Example != "" {
			fmt.Fprintf(w, "\nExample:\n  %s\n", r.Example)
		}
		return ExitOK
	},
}
