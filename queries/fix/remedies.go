package fix

import (
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/queries"
	"github.com/driftmap/driftmap/sources/render"
	"github.com/driftmap/driftmap/sources/rootfs"
)

// remedy is how fix resolves the findings of one rule.
type remedy struct {
	// option, when set, makes the remedy opt-in: its steps are offered,
	// and planned only when --only names the rule.
	option string
	// Doc says what the remedy does, for `driftmap fix -h` and the docs.
	doc  string
	plan func(pl *planner, fs []queries.Finding) error
}

// remedies lists the rules fix can resolve. Every other rule's findings
// need a person.
var remedies = map[string]remedy{
	"missing-directory": {doc: "create the directory (mode 0755), and any missing parent", plan: planMissingDirectory},
	"missing-log-dir":   {doc: "create the log directory (mode 0755), and any missing parent", plan: planMissingLogDir},
	"manifest-missing":  {doc: "write the manifest as driftmap render would", plan: planManifests},
	"manifest-drift":    {doc: "rewrite the owned fields as driftmap render would (extra manifests are left to a person)", plan: planManifests},
	"artifact-missing":  {doc: "generate the artifact from its canonical input, atomically", plan: planArtifacts},
	"artifact-drift":    {doc: "regenerate the artifact from its canonical input, atomically (a template keeps the installed values of its credential placeholders)", plan: planArtifacts},
	"duplicate-watchdog": {doc: "retire every live watchdog but the one the catalog names (role: watchdog): rename its plist to NAME.plist.disabled-YYYYMMDD; with --shim, a compatibility shim where its script is still named",
		plan: planDuplicateWatchdog},
	"live-but-disabled": {doc: "retire the plist: rename it to NAME.plist.disabled-YYYYMMDD", plan: planLiveButDisabled},
	"not-executable":    {option: "--only not-executable", doc: "add the owner's execute bit (opt-in: it changes permissions)", plan: planNotExecutable},
}

// remedyOrder is the order rules are planned in within a round:
// directories before what goes in them, retirements last.
func remedyOrder(rule string) int {
	switch rule {
	case "missing-directory":
		return 0
	case "missing-log-dir":
		return 1
	case "manifest-missing", "manifest-drift":
		return 2
	case "artifact-missing", "artifact-drift":
		return 3
	case "duplicate-watchdog", "live-but-disabled":
		return 4
	}
	return 5
}

// Remedy says what fix does about the findings of one rule.
type Remedy struct {
	Rule   string
	Doc    string
	Option string // the flag that asks for an opt-in remedy; "" when planned by default
}

// Remedies returns the rules fix has a remedy for, sorted by rule.
func Remedies() []Remedy {
	var out []Remedy
	for _, r := range slices.Sorted(maps.Keys(remedies)) {
		out = append(out, Remedy{Rule: r, Doc: remedies[r].doc, Option: remedies[r].option})
	}
	return out
}

// maxRead caps what fix reads of a file to record its state.
const maxRead = rootfs.MaxFleet

// state is p's state in the simulated tree.
func (pl *planner) state(p string) (render.FileState, error) {
	return render.StateOf(pl.o.Sim, p, maxRead)
}

// mkdirAll plans the directories from the root down to dir that do not
// exist yet, or says why it cannot: a component that is a symlink (fix
// never writes through one) or not a directory.
func (pl *planner) mkdirAll(dir string) ([]render.Op, string) {
	var ops []render.Op
	p := "/"
	for _, c := range strings.Split(strings.TrimPrefix(rootfs.Clean(dir), "/"), "/") {
		if c == "" {
			continue
		}
		p = path.Join(p, c)
		if len(ops) > 0 {
			ops = append(ops, render.Op{Kind: render.OpMkdir, Path: p, Mode: 0o755})
			continue
		}
		st, err := pl.state(p)
		switch {
		case err != nil:
			return nil, fmt.Sprintf("%s cannot be read (%s)", p, rootfs.Reason(err))
		case !st.Exists:
			ops = append(ops, render.Op{Kind: render.OpMkdir, Path: p, Mode: 0o755})
		case st.Type == "symlink":
			return nil, fmt.Sprintf("%s is a symlink; driftmap fix does not create directories through one", p)
		case st.Type != "dir":
			return nil, fmt.Sprintf("%s is %s, not a directory", p, describeType(st.Type))
		}
	}
	return ops, ""
}

func describeType(t string) string {
	switch t {
	case "file":
		return "a regular file"
	case "dir":
		return "a directory"
	case "symlink":
		return "a symlink"
	}
	return "a special file"
}

// planMkdir plans one step that creates dir for the findings fs.
func (pl *planner) planMkdir(rule, dir string, fs []queries.Finding) error {
	ops, why := pl.mkdirAll(dir)
	if why != "" {
		for _, f := range fs {
			pl.leave(f, why)
		}
		return nil
	}
	if len(ops) == 0 {
		return nil // it exists now: a finding of this round that an earlier step resolved
	}
	if top := path.Dir(ops[0].Path); top == "/" || top == path.Dir(pl.o.Home) {
		for _, f := range fs {
			pl.leave(f, fmt.Sprintf("it would make %s, a new directory directly under %s: the path may belong to another machine or user, so create it by hand if it is meant", ops[0].Path, top))
		}
		return nil
	}
	return pl.add(Step{Rule: rule, Summary: "create directory " + dir, Resolves: fs, Ops: ops}, false)
}

func planMissingDirectory(pl *planner, fs []queries.Finding) error {
	for _, f := range fs {
		dir, ok := strings.CutPrefix(f.Subject, string(graph.Directory)+":")
		if !ok || !strings.HasSuffix(f.Message, " does not exist") {
			pl.leave(f, "the directory exists but cannot be used: a person must look at it")
			continue
		}
		if err := pl.planMkdir(f.Rule, dir, []queries.Finding{f}); err != nil {
			return err
		}
	}
	return nil
}

func planMissingLogDir(pl *planner, fs []queries.Finding) error {
	byDir := map[string][]queries.Finding{}
	var dirs []string
	for _, f := range fs {
		e, ok := pl.edgeOf(f, graph.LogDir)
		if !ok {
			continue
		}
		if ph := queries.Placeholder(f.Evidence[0].Token); ph != "" {
			pl.leave(f, fmt.Sprintf("the path holds %s, a template placeholder the plist was installed with: install it rendered (or correct the path), rather than create the directory", ph))
			continue
		}
		dir, _ := strings.CutPrefix(e.To, string(graph.Directory)+":")
		if _, seen := byDir[dir]; !seen {
			dirs = append(dirs, dir)
		}
		byDir[dir] = append(byDir[dir], f)
	}
	slices.Sort(dirs)
	for _, d := range dirs {
		if err := pl.planMkdir("missing-log-dir", d, byDir[d]); err != nil {
			return err
		}
	}
	return nil
}

// edgeOf finds the edge of kind from f's subject that f's first
// evidence stands for.
func (pl *planner) edgeOf(f queries.Finding, kind graph.EdgeKind) (graph.Edge, bool) {
	if len(f.Evidence) == 0 {
		return graph.Edge{}, false
	}
	want := f.Evidence[0]
	for _, e := range pl.snap.Graph.From(f.Subject, kind) {
		for _, ev := range e.Evidence {
			if ev == want {
				return e, true
			}
		}
	}
	return graph.Edge{}, false
}

func planNotExecutable(pl *planner, fs []queries.Finding) error {
	for _, f := range fs {
		e, ok := pl.edgeOf(f, graph.Exec)
		if !ok {
			pl.leave(f, "driftmap fix cannot tell which file it names")
			continue
		}
		n, _ := pl.snap.Graph.Node(e.To)
		st, err := pl.state(n.Name)
		switch {
		case err != nil:
			pl.leave(f, fmt.Sprintf("%s cannot be read (%s)", n.Name, rootfs.Reason(err)))
			continue
		case st.Type != "file":
			pl.leave(f, fmt.Sprintf("%s is %s; driftmap fix changes the mode of a regular file only", n.Name, describeType(st.Type)))
			continue
		}
		mode := st.Mode | 0o100
		s := Step{Rule: f.Rule, Summary: fmt.Sprintf("add the owner's execute bit to %s (%04o -> %04o)", n.Name, uint32(st.Mode), uint32(mode)),
			Resolves: []queries.Finding{f}, Ops: []render.Op{{Kind: render.OpChmod, Path: n.Name, Mode: mode, Before: st}}}
		offered := !pl.only[f.Rule]
		if offered {
			s.Option = "--only " + f.Rule
		}
		if err := pl.add(s, offered); err != nil {
			return err
		}
	}
	return nil
}

// planManifests plans what driftmap render would write for the
// manifest findings: one step for all of them.
func planManifests(pl *planner, fs []queries.Finding) error {
	byFile := map[string]render.Planned{}
	for _, p := range render.Plan(pl.snap) {
		byFile[p.File] = p
	}
	var ops []render.Op
	var resolves []queries.Finding
	done := map[string]bool{}
	for _, f := range fs {
		p, ok := byFile[f.File]
		if !ok || (p.Action != render.Create && p.Action != render.Update) {
			why := "no service renders this manifest; driftmap render --prune retires it when a canonical source says its service is gone"
			if ok && p.Action == render.Broken {
				why = "render cannot rewrite it: " + p.Err
			}
			pl.leave(f, why)
			continue
		}
		resolves = append(resolves, f)
		if done[p.File] {
			continue
		}
		done[p.File] = true
		st, err := pl.state(p.File)
		if err != nil {
			return fmt.Errorf("%s: %s", p.File, rootfs.Reason(err))
		}
		mode := fs0644(st)
		ops = append(ops, render.Op{Kind: render.OpWrite, Path: p.File, Mode: mode, Data: p.New, SHA256: render.Hash(p.New), Before: st})
	}
	if len(ops) == 0 {
		return nil
	}
	what := "write 1 manifest"
	if len(ops) > 1 {
		what = fmt.Sprintf("write %d manifests", len(ops))
	}
	return pl.add(Step{Rule: resolves[0].Rule, Summary: what + " as driftmap render would (owned fields only)", Resolves: resolves, Ops: ops}, false)
}

// fs0644 is the mode a write keeps: the file's own, or 0644 for a new one.
func fs0644(st render.FileState) fs.FileMode {
	if st.Exists {
		return st.Mode
	}
	return 0o644
}
