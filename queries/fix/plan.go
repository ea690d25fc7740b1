package fix

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/driftmap/driftmap/queries"
	"github.com/driftmap/driftmap/sources"
	"github.com/driftmap/driftmap/sources/render"
	"github.com/driftmap/driftmap/sources/rootfs"
)

// Sim is the in-memory tree a plan is simulated on: the audited root
// with the plan's operations applied so far (rootfs.Overlay).
type Sim interface {
	rootfs.FS
	Mkdir(p string, mode fs.FileMode) error
	WriteFile(p string, data []byte, mode fs.FileMode) error
	Rename(from, to string) error
	Chmod(p string, mode fs.FileMode) error
}

// Options says what to plan and how to audit a tree.
type Options struct {
	// Sim starts as the audited root, unchanged; Make applies the plan
	// to it as it goes.
	Sim Sim
	// Load audits the tree fsys shows (the same --root, --home and
	// --workspace as the command's).
	Load func(fsys rootfs.FS) (*sources.Snapshot, error)
	// Rules are the rules the audit runs (queries.All()).
	Rules []*queries.Rule
	// Only limits the plan to the remedies of these rules (and is the one
	// way to ask for an opt-in remedy, such as not-executable's). Empty:
	// every remedy that is not opt-in.
	Only []string
	// Shim asks for a compatibility shim where a retired watchdog's
	// script is still named by another live job or wrapper.
	Shim bool
	// Date is the day stamped on retired plists, YYYYMMDD.
	Date string
	// Home is the home directory inside the root, for the launchctl
	// hints of LaunchAgents (gui/$(id -u USER)).
	Home string
	// Inspect is appended to the inspection commands a plan suggests
	// (" --root R --home H --workspace W"), so that they run as given.
	Inspect string
}

// Plan is what `driftmap fix` would do.
type Plan struct {
	Date  string   `json:"date"`           // of retirements (Options.Date)
	Only  []string `json:"only,omitempty"` // Options.Only, sorted
	Shim  bool     `json:"shim,omitempty"`
	Steps []Step   `json:"steps"`
	// Offered are steps left out unless asked for (an opt-in remedy
	// without --only RULE, a shim without --shim).
	Offered []Step `json:"offered,omitempty"`
	// Manual are the findings no step resolves, and those the plan would
	// bring out, sorted like findings.
	Manual []Manual `json:"needs_a_person"`
	// Before is how many findings the audit reported; After, how many the
	// audit of the simulated tree reports (the Manual ones, less those the
	// plan brings out that a later run could fix).
	Before int `json:"findings_before"`
	After  int `json:"findings_after"`
}

// Step is one remedy: the findings it resolves and the operations that
// resolve them.
type Step struct {
	Rule     string             `json:"rule"`
	Summary  string             `json:"summary"`
	Resolves []queries.Finding  `json:"resolves"`
	Ops      []render.Op        `json:"ops"`
	Reload   []string           `json:"reload,omitempty"` // launchctl commands to run afterwards
	Option   string             `json:"option,omitempty"` // for an offered step: the flag that asks for it
	brings   []*queries.Finding // unexported: findings of an earlier round it resolves
}

// Manual is a finding that needs a person.
type Manual struct {
	Finding queries.Finding `json:"finding"`
	// Why says why fix leaves it ("no safe remedy", or the claim that
	// keeps a job from being retired).
	Why string `json:"why"`
	// Inspect lists driftmap commands that show more.
	Inspect []string `json:"inspect,omitempty"`
	// Diff is the change a person could make to a checked-in file, as a
	// unified diff; fix never applies it.
	Diff string `json:"diff,omitempty"`
	// Brought is set when the finding is not on the tree now but would be
	// after the plan.
	Brought bool `json:"brought_out,omitempty"`
}

// maxRounds bounds the rounds of planning: each one audits the
// simulated tree once. A plan needs two (a directory, then what it
// holds); more rounds than this is a remedy that does not converge.
const maxRounds = 5

// Make plans the remediation of the tree Options.Sim shows, whose audit
// is snap (loaded from the same tree).
func Make(snap *sources.Snapshot, o Options) (*Plan, error) {
	if o.Sim == nil || o.Load == nil {
		return nil, errors.New("fix.Make: Options.Sim and Options.Load are required")
	}
	pl := &planner{o: o, snap: snap, handled: map[string]bool{}}
	pl.only = map[string]bool{}
	for _, r := range o.Only {
		pl.only[r] = true
	}
	first := queries.Check(snap, o.Rules).Findings
	findings := first
	for round := 0; ; round++ {
		added, err := pl.round(findings)
		if err != nil {
			return nil, err
		}
		next, err := o.Load(o.Sim)
		if err != nil {
			return nil, fmt.Errorf("auditing the planned tree: %w", err)
		}
		pl.snap = next
		findings = queries.Check(next, o.Rules).Findings
		if !added {
			break
		}
		if round+1 == maxRounds {
			return nil, fmt.Errorf("the plan does not settle after %d rounds (a driftmap bug: please report it)", maxRounds)
		}
	}
	return pl.finish(first, findings), nil
}

// planner is the state of one Make.
type planner struct {
	o       Options
	only    map[string]bool
	snap    *sources.Snapshot // the audit of the simulated tree so far
	steps   []Step
	offered []Step
	manual  []Manual
	handled map[string]bool // keys of findings given a step or an entry
}

// key identifies a finding across the audits of one plan.
func (pl *planner) key(f queries.Finding) string {
	return queries.Fingerprint(f, pl.snap.Layout.Workspace) + "\x00" + f.Message
}

// round plans a step (or a manual entry) for every finding not yet
// handled and reports whether it added a step.
func (pl *planner) round(findings []queries.Finding) (bool, error) {
	before := len(pl.steps)
	var todo []queries.Finding
	for _, f := range findings {
		if !pl.handled[pl.key(f)] {
			todo = append(todo, f)
		}
	}
	byRule := map[string][]queries.Finding{}
	var rules []string
	for _, f := range todo {
		if _, ok := byRule[f.Rule]; !ok {
			rules = append(rules, f.Rule)
		}
		byRule[f.Rule] = append(byRule[f.Rule], f)
	}
	slices.SortFunc(rules, func(a, b string) int { return remedyOrder(a) - remedyOrder(b) })
	for _, rule := range rules {
		fs := byRule[rule]
		rem, ok := remedies[rule]
		if !ok || (len(pl.only) > 0 && !pl.only[rule]) {
			for _, f := range fs {
				pl.leave(f, noRemedy(f, ok))
			}
			continue
		}
		if err := rem.plan(pl, fs); err != nil {
			return false, err
		}
		for _, f := range fs {
			if !pl.handled[pl.key(f)] {
				pl.leave(f, "driftmap fix has no safe remedy for this one")
			}
		}
	}
	return len(pl.steps) > before, nil
}

// noRemedy says why finding f is left to a person; hasRemedy says its
// rule has a remedy --only did not ask for. A systemd unit's findings
// have their own words (unitFinding).
func noRemedy(f queries.Finding, hasRemedy bool) string {
	if hasRemedy {
		return "not asked for: --only names other rules"
	}
	if unitFinding(f) {
		if why, ok := unitDecisions[f.Rule]; ok {
			return why
		}
	}
	if why, ok := decisions[f.Rule]; ok {
		return why
	}
	return "no safe remedy: it needs a decision driftmap cannot make"
}

// unitFinding reports whether f is about a systemd unit: its subject is
// the unit, or, for missing-job (whose subject is the service), the
// reference it reports is the catalog's systemd_unit, not a
// launchagent.
func unitFinding(f queries.Finding) bool {
	if strings.HasPrefix(f.Subject, "unit:") {
		return true
	}
	if f.Rule == "missing-job" {
		for _, ev := range f.Evidence {
			if ev.Key == "systemd_unit" || strings.HasSuffix(ev.Key, ".systemd_unit") {
				return true
			}
		}
	}
	return false
}

// decisions says, for the rules without a remedy, what a person decides.
var decisions = map[string]string{
	"missing-target":         "driftmap cannot know where the file went or what belongs there: restore it, or point the reference at where it is now",
	"port-conflict":          "two enabled services claim one port: decide which one moves, in instance.yaml",
	"conflicting-definition": "two canonical sources disagree: decide which is right and change the other",
	"template-error":         "the template names a value instance.yaml does not hold: correct the placeholder, or add the value",
	"disabled-dependency":    "enable the service it requires, or drop the requirement: a decision about the fleet",
	"unmanaged":              "nothing claims this job: register its service (an auxiliary catalog entry), or retire its plist by hand if it is obsolete",
	"renamed-reference":      "the reference is in a checked-in file: change it in the workspace and commit it (the change is below)",
	"orphan-wrapper":         "nothing runs it: remove it if it is obsolete, or run it from a job",
	"unknown-dependency":     "the required service is defined nowhere: correct the name, or define the service",
	"dependency-cycle":       "services require each other in a cycle: decide which requirement to drop",
	"duplicate-label":        "two live plists share a Label: decide which one launchd should load and retire the other by hand",
	"missing-job":            "the job of an enabled service is not installed: install it (or its template), or disable the service",
	"parse-error":            "the file cannot be read as it is: correct it by hand",
	"duplicate-key":          "a key is written twice: remove the one that is not meant, by hand",
	"invalid-unit":           "systemd refuses the unit: reset the list with an empty ExecStart= before the new one, or fix the command",
	"hand-registered":        "add the service to the catalog to make it canonical, or keep it registered by hand (and ignore this in driftmap.yaml)",
	"unmapped-placeholder":   "map the placeholder to an instance.yaml path under placeholders: in driftmap.yaml",
}

// unitDecisions says, for the findings about systemd units
// (unitFinding), what a person decides: driftmap fix never edits a unit
// file or runs systemctl. invalid-unit's findings have no subject, so
// its words are in decisions.
var unitDecisions = map[string]string{
	"unknown-dependency": "no unit file defines the required unit: install the package or unit that provides it, correct the name, or drop the requirement",
	"dependency-cycle":   "units require each other in a cycle: decide which requirement to drop",
	"masked-dependency":  "the unit is masked on purpose or by mistake: unmask it (systemctl unmask) if it is still needed, or drop the requirement",
	"missing-trigger":    "restore the unit it starts, point Unit= (or Service=) at the right one, or disable and remove the trigger",
	"ordering-cycle":     "decide which After=/Before= is not real and remove it",
	"dropin-override":    "nothing to do if the override is meant; if it is stale, remove the drop-in's line and run systemctl daemon-reload",
	"unmanaged":          "nothing claims this unit: add systemd_unit to its catalog entry, or disable and remove it if it is obsolete",
	"missing-job":        "the unit of an enabled service is not there or is masked: install or unmask it, or disable the service",
}

// leave lists f under "needs a person".
func (pl *planner) leave(f queries.Finding, why string) {
	pl.handled[pl.key(f)] = true
	pl.manual = append(pl.manual, Manual{Finding: f, Why: why, Inspect: pl.inspect(f), Diff: pl.checkedInDiff(f)})
}

// add plans step s: its operations are applied to the simulated tree
// now, so that the next step sees what this one leaves.
func (pl *planner) add(s Step, offered bool) error {
	if offered {
		pl.offered = append(pl.offered, s)
		for _, f := range s.Resolves {
			pl.handled[pl.key(f)] = true
		}
		return nil
	}
	for _, op := range s.Ops {
		if err := Simulate(pl.o.Sim, op); err != nil {
			return fmt.Errorf("simulating %s %s: %w", op.Kind, op.Path, err)
		}
	}
	for _, f := range s.Resolves {
		pl.handled[pl.key(f)] = true
	}
	pl.steps = append(pl.steps, s)
	return nil
}

// Simulate applies op to the simulated tree sim.
func Simulate(sim Sim, op render.Op) error {
	switch op.Kind {
	case render.OpMkdir:
		return sim.Mkdir(op.Path, op.Mode)
	case render.OpWrite:
		return sim.WriteFile(op.Path, op.Data, op.Mode)
	case render.OpRename:
		return sim.Rename(op.Path, op.To)
	case render.OpChmod:
		return sim.Chmod(op.Path, op.Mode)
	}
	return fmt.Errorf("unknown operation %q", op.Kind)
}

// finish checks the plan against the final audit: a finding a step
// claims and the final audit still shows moves to "needs a person"
// (the step did not resolve it), and one the final audit shows that
// the first did not is listed as brought out by the plan.
func (pl *planner) finish(first, final []queries.Finding) *Plan {
	fp := pl.key
	inFinal := map[string]bool{}
	for _, f := range final {
		inFinal[fp(f)] = true
	}
	// A finding is brought out by the plan when the audit did not report
	// its rule about its subject before: the same finding with more
	// evidence (a manifest now also claims the port) is not new.
	loose := func(f queries.Finding) string { return f.Rule + "\x00" + f.Subject }
	inFirst := map[string]bool{}
	for _, f := range first {
		inFirst[loose(f)] = true
	}
	var steps []Step
	for _, s := range pl.steps {
		kept := s.Resolves[:0:0]
		for _, f := range s.Resolves {
			if inFinal[fp(f)] {
				pl.manual = append(pl.manual, Manual{Finding: f, Why: "step \"" + s.Summary + "\" should resolve it, but the audit of the planned tree still reports it", Inspect: pl.inspect(f)})
				continue
			}
			kept = append(kept, f)
		}
		s.Resolves = kept
		steps = append(steps, s)
	}
	// Every finding of the final audit was handled by a round: it has a
	// step (checked above) or an entry. An entry whose finding the final
	// audit no longer shows was resolved on the way (a step removed its
	// cause): it needs no person.
	var manual []Manual
	for _, m := range pl.manual {
		if !inFinal[fp(m.Finding)] {
			continue
		}
		if !inFirst[loose(m.Finding)] {
			m.Brought = true
			m.Why = "the plan would bring this out; " + m.Why
		}
		manual = append(manual, m)
	}
	slices.SortStableFunc(manual, func(a, b Manual) int { return queries.Compare(a.Finding, b.Finding) })
	manual = slices.CompactFunc(manual, func(a, b Manual) bool { return fp(a.Finding) == fp(b.Finding) })
	only := slices.Sorted(slices.Values(pl.o.Only))
	return &Plan{Date: pl.o.Date, Only: only, Shim: pl.o.Shim, Steps: steps, Offered: pl.offered,
		Manual: manual, Before: len(first), After: len(final)}
}

// inspect returns the commands that show more about f.
func (pl *planner) inspect(f queries.Finding) []string {
	if f.Subject == "" {
		return nil
	}
	return []string{"driftmap impact " + ShellQuote(f.Subject) + pl.o.Inspect}
}

// ShellQuote quotes s for a POSIX shell when it needs it, as the
// commands a plan suggests are written.
func ShellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:@+=,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
