package sources

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources/artifact"
	"github.com/driftmap/driftmap/sources/launchctl"
	"github.com/driftmap/driftmap/sources/launchd"
	"github.com/driftmap/driftmap/sources/pathnode"
	"github.com/driftmap/driftmap/sources/record"
	"github.com/driftmap/driftmap/sources/rootfs"
	"github.com/driftmap/driftmap/sources/sanctum"
)

// Options are the settings a command passes to Load.
type Options struct {
	Root      string // host directory that "/" names
	Home      string // home directory inside root
	Workspace string // host directory of the workspace
	// LabelPrefixes overrides the layout's prefixes when non-nil (the
	// --label-prefix flag); a single "" admits every plist.
	LabelPrefixes []string
	// Node names the machine whose overrides in instance.yaml apply (the
	// --node flag); "" leaves driftmap.yaml's node:, else Hostname.
	Node string
	// Hostname is the short host name, the node when neither --node nor
	// driftmap.yaml names one.
	Hostname string
	// FS replaces the rootfs.RootFS over Root (tests inject faults with it).
	FS rootfs.FS
	// Workers is how many files are read and parsed at once; 0 means
	// GOMAXPROCS. The result is the same whatever the number.
	Workers int
	// Progress, when not nil, counts the files read as Load goes.
	Progress *Progress
	// Live lists files holding what launchd has loaded: outputs of
	// launchctl print, list, list LABEL and print-disabled, or snapshot
	// documents (host paths, read as they are given; see Snapshot.Live).
	Live []string
	// LiveSnapshots are snapshots taken now (driftmap's --live auto),
	// read with the files of Live.
	LiveSnapshots []*launchctl.Snapshot
	// Truth overrides driftmap.yaml's truth: when not "" (--truth):
	// sanctum.TruthInstance or sanctum.TruthCatalog.
	Truth string
	// SystemdAll audits the units of the operating system's unit
	// directories (/usr/lib/systemd/...) too, not only those a person
	// wrote (--systemd-all).
	SystemdAll bool
}

// SetupError is an error that prevents loading at all (the root does not
// exist, say). Commands exit 2 on it.
type SetupError struct {
	Msg  string
	Hint string
}

func (e *SetupError) Error() string { return e.Msg }

// Load reads every source and assembles the graph. Bad input never stops
// it: unreadable or malformed files become Problems. It returns an error
// only for setup errors.
func Load(opts Options) (*Snapshot, error) {
	if fi, err := os.Stat(opts.Root); err != nil || !fi.IsDir() {
		return nil, &SetupError{Msg: fmt.Sprintf("root %s is not a directory", opts.Root), Hint: "--root names the directory that / stands for; use --root / to audit this machine"}
	}
	if fi, err := os.Stat(opts.Workspace); err != nil || !fi.IsDir() {
		return nil, &SetupError{Msg: fmt.Sprintf("workspace %s is not a directory", opts.Workspace), Hint: "--workspace names the checkout holding sanctum/runtime_catalog.yaml"}
	}
	home := rootfs.Clean(opts.Home)
	ld := &loader{
		fs:         opts.FS,
		l:          sanctum.DefaultLayout(opts.Root, home, opts.Workspace),
		b:          graph.NewBuilder(),
		byName:     map[string]string{},
		byAlias:    map[string]string{},
		instanceOf: map[string]string{},
		jobs:       map[string][]string{},
		scripts:    map[string]bool{},
		scanned:    map[string]bool{},
		workers:    workerCount(opts.Workers),
		liveFiles:  opts.Live,
		liveTaken:  opts.LiveSnapshots,
		jobDefs:    map[string]launchd.Job{},
		unitExecs:  map[string][]string{},
		progress:   opts.Progress,
		systemdAll: opts.SystemdAll,
	}
	if ld.fs == nil {
		cached := rootfs.RootFS{Dir: opts.Root}.Cached()
		defer cached.Close()
		ld.fs = cached
		ld.fsSafe = true
	}
	ld.paths = pathnode.New(ld.b, ld.fs)
	ld.paths.IsWrapper = func(p string) bool { return ld.scripts[p] || ld.inWrapperDir(p) }
	cfg := filepath.Join(opts.Workspace, sanctum.ConfigFile)
	if data, ok := ld.readOptional(cfg, hostReader(rootfs.MaxYAML)); ok {
		probs := sanctum.ApplyConfig(&ld.l, data, cfg)
		if err := ignoreError(probs); err != nil {
			return nil, err
		}
		ld.probs = append(ld.probs, probs...)
	}
	if opts.LabelPrefixes != nil {
		ld.l.LabelPrefixes = opts.LabelPrefixes
		delete(ld.l.Set, "label_prefixes")
	}
	if opts.Truth != "" {
		ld.l.TruthPolicy = opts.Truth
		delete(ld.l.Set, "truth")
	}
	if opts.Node != "" {
		ld.l.Node = opts.Node
	} else if ld.l.Node == "" {
		ld.l.Node = opts.Hostname
	}
	ld.load()
	return ld.snapshot(), nil
}

// ignoreError turns the first untrustworthy ignore entry of driftmap.yaml
// into a SetupError: this one mistake in driftmap.yaml stops the audit,
// because an ignore that silently did the wrong thing is worse than none.
func ignoreError(probs []record.Problem) error {
	var bad []record.Problem
	for _, p := range probs {
		if p.Rule == record.InvalidIgnore {
			bad = append(bad, p)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	msg := bad[0].Message
	if len(bad) > 1 {
		msg += fmt.Sprintf(" (and %d more invalid ignore entries)", len(bad)-1)
	}
	return &SetupError{Msg: msg, Hint: "write each ignore entry as {rule: RULE, subject: GLOB, reason: TEXT}, with a reason and a rule or subject (see docs/formats.md)"}
}

type loader struct {
	fs     rootfs.FS
	fsMu   sync.Mutex // serialises reads from workers (see read)
	fsSafe bool       // fs is safe for concurrent use: reads skip fsMu
	// liveFiles are Options.Live; live is what they hold (loadLive).
	liveFiles []string
	liveTaken []*launchctl.Snapshot
	live      *Live
	// jobDefs maps a live job's node ID to its plist's definition.
	jobDefs map[string]launchd.Job
	// unitExecs maps a live unit's node ID to the digests of the words of
	// its first ExecStart= command line (see Snapshot.UnitExec).
	unitExecs map[string][]string
	workers   int // see each
	// progress counts the files read (see read), or is nil.
	progress *Progress
	l        sanctum.Layout
	b        *graph.Builder
	probs    []record.Problem
	dirs     []SourceDir

	inst      *sanctum.Instance
	cat       *sanctum.Catalog
	manifests []sanctum.Manifest
	artifacts []artifact.Result

	byName     map[string]string // normalised canonical name -> service ID
	byAlias    map[string]string // normalised renamed_from name -> service ID
	instanceOf map[string]string // instance.yaml key -> service ID
	// explicit marks services whose job is named by a launchagent key.
	explicit map[string]bool
	runners  map[string][]string // job ID -> the services that run as it
	refs     []pendingRef
	// otherJobs are KeepAlive.OtherJobEnabled references, resolved once
	// every plist is loaded.
	otherJobs []pendingRef
	jobs      map[string][]string // label -> job IDs, live and disabled first
	paths     *pathnode.Paths     // the file, wrapper and directory nodes

	// scripts are shell scripts outside the wrappers directories that a
	// live job runs or a wrapper sources: their nodes are wrappers.
	scripts    map[string]bool
	jobScripts []string               // the scripts live jobs run, in load order
	queue      []string               // wrappers to scan
	scanned    map[string]bool        // wrappers scanned (sourcing cycles end)
	prescanned map[string]scanned     // scripts read and parsed ahead (see prescan)
	probed     map[string]scriptProbe // the programs of jobs, probed ahead (see markScript)

	// unreadable are manifests (and the manifests directory) that exist
	// but could not be read.
	unreadable []UnreadableManifest

	// systemdAll is Options.SystemdAll; passwd maps the root's users to
	// their homes; sysUnits and userUnits are the system's and the
	// user's managers, nil when no systemd unit directory exists in the
	// root (see loadSystemd).
	systemdAll bool
	passwd     map[string]string
	sysUnits   *manager
	userUnits  *manager
	overrides  []UnitOverride
	// unitClaims are the catalog's systemd_unit references, resolved
	// once the units are loaded, when the machine has any (see
	// resolveUnitClaims).
	unitClaims []pendingRef
}

// pendingRef is a reference resolved once every service is known.
type pendingRef struct {
	from string // service ID
	kind graph.EdgeKind
	ref  record.Ref
}

// readOptional reads a file that may be absent: absence is silent, any
// other error is a record.Problem (see readProblem).
func (ld *loader) readOptional(file string, read func(string) ([]byte, error)) ([]byte, bool) {
	data, err := read(file)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			ld.readProblem(file, err)
		}
		return nil, false
	}
	return data, true
}

// readProblem records why file could not be read: "cannot be read
// (permission denied)", "not a regular file (a FIFO)", "larger than
// 16 MiB; ..." (see rootfs.Describe).
func (ld *loader) readProblem(file string, err error) {
	ld.probs = append(ld.probs, record.Problem{File: file, Message: rootfs.Describe(err)})
}

// hostReader reads workspace files, by the root's rules (see
// rootfs.ReadHostFile).
func hostReader(max int64) func(string) ([]byte, error) {
	return func(name string) ([]byte, error) { return rootfs.ReadHostFile(name, max) }
}

// rootReader reads files inside the root with the cap max.
func (ld *loader) rootReader(max int64) func(string) ([]byte, error) {
	return func(name string) ([]byte, error) { return ld.fs.ReadFile(name, max) }
}

func (ld *loader) load() {
	ld.explicit = map[string]bool{}
	ld.runners = map[string][]string{}
	ld.loadCatalog()
	ld.loadInstance()
	ld.loadManifests()
	ld.loadLaunchd()
	ld.loadSystemd()
	ld.resolveUnitClaims()
	ld.loadWrappers()
	ld.resolveRefs()
	ld.claimByConvention()
	ld.loadArtifacts()
	ld.linkManifestInputs()
	ld.paths.MarkLinks()
	ld.loadLive()
}

func (ld *loader) snapshot() *Snapshot {
	slices.SortFunc(ld.probs, func(a, b record.Problem) int {
		return cmp.Or(strings.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), strings.Compare(a.Message, b.Message))
	})
	slices.SortStableFunc(ld.overrides, func(a, b UnitOverride) int {
		return cmp.Or(strings.Compare(a.Unit, b.Unit), strings.Compare(a.By.File, b.By.File), cmp.Compare(a.By.Line, b.By.Line))
	})
	return &Snapshot{
		Graph:     ld.b.Build(),
		Instance:  ld.inst,
		Catalog:   ld.cat,
		Manifests: ld.manifests,
		Problems:  slices.Compact(ld.probs),
		Artifacts: ld.artifacts,
		Dirs:      ld.dirs,
		Layout:    ld.l,
		Live:      ld.live,

		UnitOverrides: ld.overrides,
		jobDefs:       ld.jobDefs,
		unitExecs:     ld.unitExecs,
		byName:        ld.byName,
		byAlias:       ld.byAlias,
		instanceOf:    ld.instanceOf,

		UnreadableManifests: ld.unreadable, // in directory order, which is sorted
	}
}

// ---- services ----

// sourceDir records a configured source directory (name is what
// messages call it, key its driftmap.yaml key) and returns its path
// inside root and its entries, read once, or the error that kept it
// from being listed (fs.ErrNotExist when it cannot even be named). A
// directory that does not exist is recorded as such (and
// expected when expectable and the machine has a constellation); one
// that cannot be listed, or whose path leads through a symlink to
// nowhere inside the root, gets a Reason that says so.
func (ld *loader) sourceDir(name, key, configured string, expectable bool) (string, []fs.DirEntry, error) {
	p, ok := ld.l.InRoot(configured)
	if !ok {
		return "", nil, fs.ErrNotExist
	}
	ev := graph.Evidence{File: p, Key: key + " (default)", Token: configured}
	if pos, ok := ld.l.Set[key]; ok {
		ev = graph.Evidence{File: pos.File, Line: pos.Line, Key: key, Token: configured}
	}
	entries, err := ld.fs.ReadDir(p)
	d := SourceDir{Name: name, Path: p, Exists: err == nil, Evidence: ev}
	if err != nil {
		d.Reason = rootfs.DescribeDir(ld.fs, p, err)
	}
	_, isSet := ld.l.Set[key]
	d.Expected = expectable && (isSet || ld.inst != nil || ld.cat != nil)
	ld.dirs = append(ld.dirs, d)
	return p, entries, err
}

func (ld *loader) loadManifests() {
	dir, entries, err := ld.sourceDir("manifests", "manifests", ld.l.Manifests, true)
	if err != nil {
		// A directory that exists but cannot be listed hides manifests:
		// say so, or render would take every manifest in it for missing.
		if !errors.Is(err, fs.ErrNotExist) {
			ld.unreadable = append(ld.unreadable, UnreadableManifest{File: dir, Reason: rootfs.Reason(err), Dir: true})
		}
		return
	}
	var files []string
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasPrefix(name, ".") || !(strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")) {
			continue
		}
		files = append(files, path.Join(dir, name))
	}
	type parsed struct {
		m     sanctum.Manifest
		probs []record.Problem
	}
	res := readAll(ld, files, rootfs.MaxYAML, func(file string, data []byte) parsed {
		m, probs := sanctum.ParseManifest(data, file)
		return parsed{m, probs}
	})
	for i, file := range files {
		data, err := res[i].data, res[i].err
		if err != nil {
			ld.readProblem(file, err)
			if !errors.Is(err, fs.ErrNotExist) { // a link to nothing: render refuses symlinks
				ld.unreadable = append(ld.unreadable, UnreadableManifest{File: file, Reason: rootfs.Reason(err)})
			}
			continue
		}
		m, probs := res[i].v.m, res[i].v.probs
		ld.probs = append(ld.probs, probs...)
		m.Data = data
		ld.manifests = append(ld.manifests, m)
		mn := ld.b.Node(graph.Manifest, file)
		mn.State = graph.Present
		mn.Defined = append(mn.Defined, graph.Evidence{File: file})
		sn := ld.defineService(m.Name, "manifest", m.NameEv)
		ld.b.AddEdge(mn.ID, sn.ID, graph.Describes, m.NameEv)
		sn.ExitsNonzero = sn.ExitsNonzero || m.ExitsNonzero
		ld.claim(sn, m.Ports(), m.LaunchAgent, m.Requires)
	}
}
