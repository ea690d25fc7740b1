package queries

import (
	"fmt"
	"regexp"

	"github.com/driftmap/driftmap/graph"
)

// MissingTarget reports hard targets that do not exist inside the root.
var MissingTarget = &Rule{
	Name:     "missing-target",
	Severity: Error,
	Title:    "a job, unit, wrapper or symlink points at a path that does not exist",
	Doc: `A live job's hard target does not exist inside the root: its Program (or
ProgramArguments[0] when Program is absent, looked up through the job's
PATH when it is a bare name), the script its interpreter runs, a command
of its "sh -c" string, its WorkingDirectory or RootDirectory. The same
holds for a wrapper's exec and source targets and for every symlink's
target (chains are followed; a loop, or a chain of more than 40 links,
is reported once, where it starts or closes).

Other arguments are never targets: "/health", URLs and "--config=/x" are
data for the program, not paths launchd opens. Retired and disabled jobs
are not checked.

Fix the path in the plist or script, or restore the file.`,
	Example: `/Users/bert/Library/LaunchAgents/com.sanctum.living-force.plist:10: error: job com.sanctum.living-force runs script /Users/bert/.sanctum/living-force.sh (ProgramArguments[1]), which does not exist [missing-target]`,
	Run: func(p *Pass) {
		g := p.Graph
		for _, e := range g.Edges() {
			verb, ok := missingVerbs[e.Kind]
			if !ok {
				continue
			}
			from, to := node(g, e.From), node(g, e.To)
			if graph.IsRunner(from.Kind) && from.State != graph.Live || graph.AllOptional(e.Evidence) {
				continue
			}
			// A job or wrapper that runs a dangling symlink is not reported
			// itself: the symlink's own edge is, once, where the fix is.
			var why string
			switch {
			case to.State == graph.Missing && to.Detail != "":
				why = "which is " + to.Detail
			case to.State == graph.Missing:
				why = "which does not exist"
			case e.Kind == graph.Symlink && to.Detail == "symlink loop":
				why = "which is a symlink loop"
			case e.Kind == graph.Symlink && from.Detail == "symlink chain longer than 40 links":
				why = "the first of a chain of more than 40 symlinks, which the system will not follow"
			default:
				continue
			}
			what := to.Name
			if to.Detail != "" && to.State == graph.Missing && to.Kind == graph.File && len(what) > 0 && what[0] != '/' {
				what = fmt.Sprintf("%q", what)
			}
			msg := fmt.Sprintf("%s %s %s", noun(from), verb, what)
			if k := firstKey(e.Evidence); k != "" && e.Kind != graph.Symlink {
				msg += " (" + k + ")"
			}
			if ph := placeholder(what); ph != "" {
				why += fmt.Sprintf("; %s looks like an unrendered template placeholder", ph)
			}
			p.Report(from.ID, msg+", "+why, e.Evidence...)
		}
	},
}

var missingVerbs = map[graph.EdgeKind]string{
	graph.Exec:       "runs",
	graph.Script:     "runs script",
	graph.Source:     "sources",
	graph.Symlink:    "points to",
	graph.WorkingDir: "needs directory",
	graph.EnvFile:    "reads environment file",
}

// placeholderRE matches the template placeholders of common generators:
// {{NAME}} (Go, Jinja, Mustache), @NAME@ (autoconf), __NAME__, <%= %>
// (ERB) and ${name} left in a plist that was installed unrendered.
var placeholderRE = regexp.MustCompile(`\{\{[^}]*\}\}|@[A-Za-z_][A-Za-z0-9_]*@|__[A-Z][A-Z0-9_]*__|<%.*?%>|\$\{[A-Za-z_][A-Za-z0-9_]*\}`)

// placeholder returns the first template placeholder in s, or "".
func placeholder(s string) string { return placeholderRE.FindString(s) }

// Placeholder returns the first template placeholder in s ({{NAME}},
// @NAME@, __NAME__, <%= %>, ${name}), or "": a path holding one was
// installed unrendered, and is nothing to create.
func Placeholder(s string) string { return placeholder(s) }
