package sources

import (
	"errors"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources/launchd"
	"github.com/driftmap/driftmap/sources/record"
	"github.com/driftmap/driftmap/sources/rootfs"
)

// plistFile is a plist found in a launchd directory.
type plistFile struct {
	path    string // inside root
	rel     string // relative to its launchd directory
	retired bool   // retired name, or inside a subdirectory
}

// maxPlistDepth bounds the walk into subdirectories of a launchd
// directory (retired-*/ folders and the like).
const maxPlistDepth = 4

// scanLaunchDir collects the plists among entries, the listing of
// dir/rel, walking into subdirectories.
func (ld *loader) scanLaunchDir(dir, rel string, depth int, entries []fs.DirEntry, out *[]plistFile) {
	for _, e := range entries {
		name := e.Name()
		r := path.Join(rel, name)
		if e.IsDir() {
			if depth >= maxPlistDepth {
				continue
			}
			sub, err := ld.fs.ReadDir(path.Join(dir, r))
			if err != nil {
				// A subdirectory that cannot be read hides jobs, and the
				// audit must say so.
				if !errors.Is(err, fs.ErrNotExist) {
					ld.readProblem(path.Join(dir, r), err)
				}
				continue
			}
			ld.scanLaunchDir(dir, r, depth+1, sub, out)
			continue
		}
		isPlist, retired := launchd.ClassifyName(name)
		if !isPlist {
			continue
		}
		*out = append(*out, plistFile{path: path.Join(dir, r), rel: r, retired: retired || depth > 0})
	}
}

func (ld *loader) inScope(label, file string) bool {
	base := path.Base(file)
	for _, p := range ld.l.LabelPrefixes {
		if strings.HasPrefix(label, p) || strings.HasPrefix(base, p) {
			return true
		}
	}
	return false
}

type loadedJob struct {
	f   plistFile
	job launchd.Job
}

func (ld *loader) loadLaunchd() {
	var files []plistFile
	for _, d := range ld.l.LaunchDirs {
		// A launchd directory that does not exist is normal (nothing is
		// expected of it); one that cannot be read hides jobs, and the
		// missing-directory rule says so.
		p, entries, err := ld.sourceDir("launchd", "launchd_dirs", d, false)
		if err == nil {
			ld.scanLaunchDir(p, "", 0, entries, &files)
		}
	}
	type probed struct {
		path string
		scriptProbe
	}
	type parsed struct {
		job    launchd.Job
		probs  []record.Problem
		probes []probed // of the programs the job runs (see noteJobScript)
	}
	paths := make([]string, len(files))
	for i, f := range files {
		paths[i] = f.path
	}
	res := readAll(ld, paths, rootfs.MaxPlist, func(file string, data []byte) parsed {
		job, probs := launchd.ParsePlist(data, file, ld.l.Home)
		r := parsed{job: job, probs: probs}
		// The file-system half of markScript, here where it overlaps with
		// parsing; a program probed for a job that turns out retired or
		// disabled is simply not used.
		for _, t := range job.Targets {
			if t.Kind != record.TargetExec && t.Kind != record.TargetScript {
				continue
			}
			if p, ok := scriptPath(t); ok {
				r.probes = append(r.probes, probed{p, ld.probeScript(p)})
			}
		}
		return r
	})
	ld.probed = map[string]scriptProbe{}
	for i := range res {
		for _, pr := range res[i].v.probes {
			ld.probed[pr.path] = pr.scriptProbe
		}
	}
	var live, rest []loadedJob
	for i, f := range files {
		if err := res[i].err; err != nil {
			if ld.inScope("", f.path) {
				ld.readProblem(f.path, err)
			}
			continue
		}
		job, probs := res[i].v.job, res[i].v.probs
		if !ld.inScope(job.Label, f.path) {
			continue
		}
		if !f.retired {
			// A retired plist's defects do not matter: launchd never
			// reads it.
			ld.probs = append(ld.probs, probs...)
		}
		if job.Label == "" {
			continue // launchd refuses a job without a Label
		}
		lj := loadedJob{f, job}
		if !f.retired && !job.Disabled {
			live = append(live, lj)
		} else {
			rest = append(rest, lj)
		}
	}
	// Live plists claim job:LABEL first, so a disabled or retired copy
	// never takes a live job's name; both lists are in path order.
	slices.SortFunc(rest, func(a, b loadedJob) int {
		if a.f.retired != b.f.retired {
			if a.f.retired {
				return 1
			}
			return -1
		}
		return strings.Compare(a.f.path, b.f.path)
	})
	for _, lj := range append(live, rest...) {
		ld.addJob(lj)
	}
}

func (ld *loader) addJob(lj loadedJob) {
	label := lj.job.Label
	state := graph.Live
	switch {
	case lj.f.retired:
		state = graph.Retired
	case lj.job.Disabled:
		state = graph.Disabled
	}
	name := label
	if existing, ok := ld.b.Lookup(graph.ID(graph.Job, label)); ok && existing.State != graph.Undefined {
		// Two live plists with one Label share the node (duplicate-label
		// reports it); any other second plist gets its own node.
		if !(state == graph.Live && existing.State == graph.Live) {
			name = label + "@" + lj.f.rel
		}
	}
	n := ld.b.Node(graph.Job, name)
	n.Label = label
	n.State = state
	n.Origins = append(n.Origins, "plist")
	n.Defined = append(n.Defined, graph.Evidence{File: lj.f.path, Line: lj.job.LabelLine, Key: "Label", Token: label})
	n.Program = lj.job.Program
	if !slices.Contains(ld.jobs[label], n.ID) {
		ld.jobs[label] = append(ld.jobs[label], n.ID)
	}
	if state != graph.Live {
		return // only a live job's targets must exist
	}
	if _, ok := ld.jobDefs[n.ID]; !ok {
		ld.jobDefs[n.ID] = lj.job
	}
	for _, t := range lj.job.Targets {
		ld.noteJobScript(t)
		ld.addTarget(n, t)
	}
	for _, x := range lj.job.Indirect {
		ld.addIndirect(n, x)
	}
	for _, o := range lj.job.OtherJobs {
		ld.otherJobs = append(ld.otherJobs, pendingRef{n.ID, graph.OtherJob, record.Ref{Name: o.Token, Evidence: o}})
	}
}

// addTarget adds the edge from a job or wrapper to one of its targets.
func (ld *loader) addTarget(from *graph.Node, t record.Target) {
	var kind graph.EdgeKind
	nodeKind := graph.File
	switch t.Kind {
	case record.TargetExec:
		kind = graph.Exec
	case record.TargetScript:
		kind = graph.Script
	case record.TargetSource:
		kind = graph.Source
	case record.TargetWorkingDir, record.TargetRootDir:
		kind, nodeKind = graph.WorkingDir, graph.Directory
	case record.TargetLogDir:
		kind, nodeKind = graph.LogDir, graph.Directory
	case record.TargetEnvFile:
		kind = graph.EnvFile
	default:
		return
	}
	if id := ld.targetNode(t, nodeKind); id != "" {
		ld.b.AddEdge(from.ID, id, kind, t.Evidence)
	}
}

// targetNode returns the node of target t, of kind nodeKind unless it is
// looked up in a search path, or "" when it names nothing the audit can
// resolve.
func (ld *loader) targetNode(t record.Target, nodeKind graph.Kind) string {
	p := t.Path
	var id string
	switch {
	case len(t.Search) > 0:
		id = ld.paths.LookPath(p, t.Search)
	case t.Dir != "" || path.IsAbs(p):
		p = rootfs.Clean(path.Join(t.Dir, p))
		if t.Kind == record.TargetLogDir {
			p = path.Dir(p) // the log file may be missing, its directory not
		}
		id = ld.paths.Node(nodeKind, p)
	}
	return id
}

// addIndirect applies the interpreter rules to a program a job runs
// under another name ("~/.sanctum/bin/xtts-server -> venv/bin/python")
// when its symlink chain ends at an interpreter: the script it is handed
// is a target, as if the job named the interpreter.
func (ld *loader) addIndirect(from *graph.Node, x launchd.Indirect) {
	end, ok := ld.b.Lookup(ld.paths.ChainEnd(ld.targetNode(x.Exec, graph.File)))
	if !ok {
		return
	}
	ts, probs := x.Through(path.Base(end.Name))
	ld.probs = append(ld.probs, probs...)
	for _, t := range ts {
		ld.addTarget(from, t)
	}
}

// addRun applies the interpreter rules to a program a wrapper script
// execs: by its own name when it is an interpreter, else by where its
// symlink chain ends (see addIndirect).
func (ld *loader) addRun(from *graph.Node, x launchd.Indirect) {
	name := path.Base(x.Exec.Path)
	if !launchd.IsInterpreter(name) {
		ld.addIndirect(from, x)
		return
	}
	ts, probs := x.Through(name)
	ld.probs = append(ld.probs, probs...)
	for _, t := range ts {
		ld.addTarget(from, t)
	}
}
