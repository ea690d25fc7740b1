package sources

import (
	"bytes"
	"path"
	"slices"
	"strings"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources/launchd"
	"github.com/driftmap/driftmap/sources/record"
	"github.com/driftmap/driftmap/sources/rootfs"
	"github.com/driftmap/driftmap/sources/sanctum"
	"github.com/driftmap/driftmap/sources/shell"
)

// loadWrappers reads every wrappers directory, then the scripts live jobs
// run from elsewhere (see noteJobScript), and follows what each script
// sources. Each script is scanned once, so sourcing cycles end.
func (ld *loader) loadWrappers() {
	_, set := ld.l.Set["wrappers"]
	seen := map[string]bool{}
	for _, configured := range ld.l.Wrappers {
		if p, ok := ld.l.InRoot(configured); !ok || seen[p] {
			continue
		} else {
			seen[p] = true
		}
		// ~/.sanctum/bin is expected as it always was; the other default
		// directories are read when they exist, silently skipped when not.
		expectable := set || configured == sanctum.DefaultWrappers[0]
		dir, entries, err := ld.sourceDir("wrappers", "wrappers", configured, expectable)
		if err != nil {
			if !expectable {
				ld.dropAbsentDir(dir)
			}
			continue
		}
		for _, e := range entries {
			name := e.Name()
			if strings.HasPrefix(name, ".") {
				continue
			}
			p := path.Join(dir, name)
			fi, err := ld.fs.Lstat(p)
			if err != nil || fi.IsDir() {
				continue
			}
			id := ld.paths.Node(graph.Wrapper, p) // follows symlink chains
			n, _ := ld.b.Lookup(id)
			n.Origins = append(n.Origins, "wrappers")
			if !fi.Mode().IsRegular() {
				continue
			}
			ld.queue = append(ld.queue, p)
		}
	}
	ld.queue = append(ld.queue, ld.jobScripts...)
	ld.prescan(ld.queue)
	for len(ld.queue) > 0 {
		p := ld.queue[0]
		ld.queue = ld.queue[1:]
		ld.scanWrapper(p)
	}
}

// scanned is a script read and parsed, before the graph is touched.
type scanned struct {
	err    error
	script bool // a shell script (shell.IsScript); refs and probs are set
	refs   shell.Refs
	probs  []record.Problem
}

// scan reads and parses the script at p (see scanWrapper); it touches
// no loader state, so workers may run it.
func (ld *loader) scan(p string) scanned {
	data, err := ld.read(p, rootfs.MaxScript)
	if err != nil {
		return scanned{err: err}
	}
	if !shell.IsScript(data) {
		return scanned{}
	}
	refs, probs := shell.ParseScript(data, p, ld.l.Home, nil)
	return scanned{script: true, refs: refs, probs: probs}
}

// prescan reads and parses the scripts at paths on the workers, for
// scanWrapper to take in order (a script not among them it scans when
// it meets it).
func (ld *loader) prescan(paths []string) {
	paths = slices.Compact(slices.Sorted(slices.Values(paths)))
	res := make([]scanned, len(paths))
	ld.toRead(len(paths))
	ld.each(len(paths), func(i int) { res[i] = ld.scan(paths[i]) })
	ld.prescanned = make(map[string]scanned, len(paths))
	for i, p := range paths {
		ld.prescanned[p] = res[i]
	}
}

// dropAbsentDir forgets a default wrappers directory that simply does
// not exist; one that exists but cannot be read stays, to be reported.
func (ld *loader) dropAbsentDir(dir string) {
	i := len(ld.dirs) - 1
	if i >= 0 && ld.dirs[i].Path == dir && ld.dirs[i].Reason == "" {
		ld.dirs = ld.dirs[:i]
	}
}

// scanWrapper parses the script at p (a wrapper node), once, and adds its
// exec and source edges; a sourced file that is a shell script becomes a
// wrapper and is queued to be scanned in turn.
func (ld *loader) scanWrapper(p string) {
	if ld.scanned[p] {
		return
	}
	ld.scanned[p] = true
	n, ok := ld.b.Lookup(graph.ID(graph.Wrapper, p))
	if !ok {
		return
	}
	sc, ok := ld.prescanned[p]
	if !ok {
		sc = ld.scan(p)
	}
	if sc.err != nil {
		ld.readProblem(p, sc.err)
		return
	}
	if !sc.script {
		return
	}
	refs := sc.refs
	ld.probs = append(ld.probs, sc.probs...)
	for _, t := range refs.Targets {
		// A wrapper's PATH is whatever its job passes; only paths
		// are hard targets.
		if !path.IsAbs(t.Path) {
			continue
		}
		var script string
		if t.Kind == record.TargetSource {
			script = ld.markScript(t)
		}
		ld.addTarget(n, t)
		if script != "" {
			ld.queue = append(ld.queue, script)
		}
	}
	for _, r := range refs.Runs {
		if path.IsAbs(r.Exec.Path) {
			ld.addRun(n, launchd.WrapperRun(r, p, ld.l.Home))
		}
	}
}

// noteJobScript is called for each program or script a live job runs,
// before its node exists: a shell script makes it a wrapper wherever it
// lives, scanned with the wrappers directories.
func (ld *loader) noteJobScript(t record.Target) {
	if t.Kind != record.TargetExec && t.Kind != record.TargetScript {
		return
	}
	if s := ld.markScript(t); s != "" {
		ld.jobScripts = append(ld.jobScripts, s)
	}
}

// markScript returns the file target t names, through any symlinks, when
// it is a regular file and a shell script (see isShellScript), and marks
// it so that its node is a wrapper (see kindFor); else "". What the file
// system says of t comes from probeScript, run ahead on the workers when
// t is a job's (see loadLaunchd), else now.
func (ld *loader) markScript(t record.Target) string {
	p, ok := scriptPath(t)
	if !ok {
		return ""
	}
	if ld.scripts[p] {
		return p
	}
	pr, ok := ld.probed[p]
	if !ok {
		pr = ld.probeScript(p)
	}
	p = pr.real
	if ld.scripts[p] {
		return p
	}
	if launchd.IsSystemProgram(p) {
		return ""
	}
	if _, known := ld.b.Lookup(graph.ID(graph.File, p)); known {
		return "" // already a plain file of the graph: keep one node per path
	}
	if !pr.script {
		return ""
	}
	ld.scripts[p] = true
	return p
}

// scriptPath is the path inside the root of the file target t names,
// or false when it names none (a bare name looked up in PATH).
func scriptPath(t record.Target) (string, bool) {
	if len(t.Search) > 0 || (t.Dir == "" && !path.IsAbs(t.Path)) {
		return "", false
	}
	return rootfs.Clean(path.Join(t.Dir, t.Path)), true
}

// scriptProbe is what the file system says of a program that may be a
// shell script (see probeScript).
type scriptProbe struct {
	real   string // the path, symlinks resolved (as given when it cannot be)
	script bool   // a regular file, not too large, and a shell script
}

// probeScript looks at the program at p: it resolves p and, unless it
// is a system program, says whether it is a regular file and a shell
// script. It reads through the loader's file system and touches no other
// loader state, so workers may run it.
func (ld *loader) probeScript(p string) scriptProbe {
	pr := scriptProbe{real: p}
	if r, err := rootfs.Resolve(ld.fs, p); err == nil {
		pr.real = r
	}
	if launchd.IsSystemProgram(pr.real) {
		return pr
	}
	fi, err := ld.fs.Lstat(pr.real)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() > rootfs.MaxScript {
		return pr
	}
	// A program is most often a binary: its first bytes tell, and only a
	// file that may be a script is read whole.
	data, err := rootfs.ReadHead(ld.fs, pr.real, scriptHead, rootfs.MaxScript)
	if err == nil && int64(len(data)) == scriptHead && mayBeScript(pr.real, data) {
		data, err = ld.fs.ReadFile(pr.real, rootfs.MaxScript)
	}
	// An unreadable file is reported when it is scanned, or not at all.
	pr.script = err == nil && shell.IsScriptFile(pr.real, data)
	return pr
}

// scriptHead is how much of a program markScript reads first.
const scriptHead = 512

// mayBeScript reports whether a file whose first bytes are head (not the
// whole file) may be a shell script by shell.IsScriptFile: no NUL byte
// in head, and a #! line naming a shell (or not yet ended) or, without
// #!, a shell script's file name.
func mayBeScript(name string, head []byte) bool {
	if bytes.IndexByte(head, 0) >= 0 {
		return false
	}
	if !bytes.HasPrefix(head, []byte("#!")) {
		return shell.IsScriptFile(name, nil)
	}
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		return shell.IsScript(head[:i+1])
	}
	return true
}

// inWrapperDir reports whether p is directly in a wrappers directory.
func (ld *loader) inWrapperDir(p string) bool {
	d := path.Dir(p)
	for _, w := range ld.l.Wrappers {
		if wp, ok := ld.l.InRoot(w); ok && wp == d {
			return true
		}
	}
	return false
}
