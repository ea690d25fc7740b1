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

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources/artifact"
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
	}
	if ld.fs == nil {
		ld.fs = rootfs.RootFS{Dir: opts.Root}
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
	fs    rootfs.FS
	l     sanctum.Layout
	b     *graph.Builder
	probs []record.Problem
	dirs  []SourceDir

	inst      *sanctum.Instance
	cat       *sanctum.Catalog
	manifests []sanctum.Manifest
	artifacts []artifact.Result

	byName     map[string]string // normalised canonical name -> service ID
	byAlias    map[string]string // normalised renamed_from name -> service ID
	instanceOf map[string]string // instance.yaml key -> service ID
	// explicit marks services whose job is named by a launchagent key.
	explicit map[string]bool
	claimed  map[string]bool // job IDs some launchagent key names
	refs     []pendingRef
	// otherJobs are KeepAlive.OtherJobEnabled references, resolved once
	// every plist is loaded.
	otherJobs []pendingRef
	jobs      map[string][]string // label -> job IDs, live and disabled first
	paths     *pathnode.Paths     // the file, wrapper and directory nodes

	// scripts are shell scripts outside the wrappers directories that a
	// live job runs or a wrapper sources: their nodes are wrappers.
	scripts    map[string]bool
	jobScripts []string        // the scripts live jobs run, in load order
	queue      []string        // wrappers to scan
	scanned    map[string]bool // wrappers scanned (sourcing cycles end)

	// unreadable are manifests (and the manifests directory) that exist
	// but could not be read.
	unreadable []UnreadableManifest
}

// pendingRef is a reference resolved once every service is known.
type pendingRef struct {
	from string // service ID
	kind graph.EdgeKind
	ref  record.Ref
}

// NormName is the identity rule for service names: names written with
// '_' and '-' (and surrounding space) denote the same service.
func NormName(s string) string { return strings.ReplaceAll(strings.TrimSpace(s), "_", "-") }

func norm(s string) string { return NormName(s) }

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
	ld.claimed = map[string]bool{}
	ld.loadCatalog()
	ld.loadInstance()
	ld.loadManifests()
	ld.loadLaunchd()
	ld.loadWrappers()
	ld.resolveRefs()
	ld.claimByConvention()
	ld.loadArtifacts()
	ld.linkManifestInputs()
	ld.paths.MarkLinks()
}

func (ld *loader) snapshot() *Snapshot {
	slices.SortFunc(ld.probs, func(a, b record.Problem) int {
		return cmp.Or(strings.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), strings.Compare(a.Message, b.Message))
	})
	return &Snapshot{
		Graph:      ld.b.Build(),
		Instance:   ld.inst,
		Catalog:    ld.cat,
		Manifests:  ld.manifests,
		Problems:   slices.Compact(ld.probs),
		Artifacts:  ld.artifacts,
		Dirs:       ld.dirs,
		Layout:     ld.l,
		byName:     ld.byName,
		byAlias:    ld.byAlias,
		instanceOf: ld.instanceOf,

		UnreadableManifests: ld.unreadable, // in directory order, which is sorted
	}
}

// ---- services ----

// service returns the service known by name (canonical or alias), or "".
func (ld *loader) service(name string) string {
	n := norm(name)
	if id, ok := ld.byName[n]; ok {
		return id
	}
	return ld.byAlias[n]
}

// defineService creates (or returns) the service with canonical name.
func (ld *loader) defineService(name, origin string, ev graph.Evidence) *graph.Node {
	id := ld.service(name)
	var n *graph.Node
	if id != "" {
		n, _ = ld.b.Lookup(id)
	} else {
		n = ld.b.Node(graph.Service, name)
		n.State = graph.Enabled
		ld.byName[norm(name)] = n.ID
	}
	n.Origins = append(n.Origins, origin)
	n.Defined = append(n.Defined, ev)
	return n
}

func (ld *loader) loadCatalog() {
	file := filepath.Join(ld.l.Workspace, filepath.FromSlash(ld.l.Catalog))
	data, ok := ld.readOptional(file, hostReader(rootfs.MaxFleet))
	if !ok {
		return
	}
	cat, probs := sanctum.ParseCatalog(data, file)
	ld.probs = append(ld.probs, probs...)
	ld.cat = &cat
	// Canonical names first, so an alias never shadows a real name.
	for _, e := range cat.Entries {
		origin := "catalog"
		if e.Section == sanctum.SectionAuxiliary {
			origin = "auxiliary"
		}
		n := ld.defineService(e.Name, origin, e.Evidence)
		if e.Enabled != nil && !*e.Enabled {
			n.State = graph.Disabled
			n.Detail = fmt.Sprintf("enabled: false in %s", e.Evidence.Location())
		}
		if e.Role != "" {
			n.Role = e.Role
		}
		ld.claim(n, []graph.Port{{Port: e.Port, Evidence: e.PortEv}}, e.LaunchAgent, e.Requires)
	}
	for _, e := range cat.Entries {
		id := ld.service(e.Name)
		n, _ := ld.b.Lookup(id)
		for _, a := range e.RenamedFrom {
			if _, taken := ld.byName[norm(a.Name)]; taken {
				continue
			}
			ld.byAlias[norm(a.Name)] = id
			n.Aliases = append(n.Aliases, a.Name)
		}
	}
}

func (ld *loader) loadInstance() {
	p, ok := ld.l.InRoot(ld.l.Instance)
	if !ok {
		return
	}
	data, ok := ld.readOptional(p, ld.rootReader(rootfs.MaxFleet))
	if !ok {
		return
	}
	inst, probs := sanctum.ParseInstance(data, p)
	ld.probs = append(ld.probs, probs...)
	inst = inst.ForNode(ld.l.Node)
	ld.inst = &inst
	keyed := map[string]string{} // explicit instance_key -> service ID
	if ld.cat != nil {
		for _, e := range ld.cat.Entries {
			if e.InstanceKey != "" {
				keyed[e.InstanceKey] = ld.service(e.Name)
			}
		}
	}
	for _, s := range inst.Services {
		var n *graph.Node
		if id, ok := keyed[s.Key]; ok {
			n, _ = ld.b.Lookup(id)
			n.Origins = append(n.Origins, "instance")
			n.Defined = append(n.Defined, s.Evidence)
		} else {
			n = ld.defineService(norm(s.Key), "instance", s.Evidence)
		}
		ld.instanceOf[s.Key] = n.ID
		if !s.Enabled {
			n.State = graph.Disabled
			n.Detail = fmt.Sprintf("enabled: false in %s", s.EnabledEv.Location())
		}
		if s.Port != 0 {
			n.Ports = append(n.Ports, graph.Port{Port: s.Port, Evidence: s.PortEv})
		}
	}
	ld.unkeyed()
}

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
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasPrefix(name, ".") || !(strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")) {
			continue
		}
		file := path.Join(dir, name)
		data, err := ld.fs.ReadFile(file, rootfs.MaxYAML)
		if err != nil {
			ld.readProblem(file, err)
			if !errors.Is(err, fs.ErrNotExist) { // a link to nothing: render refuses symlinks
				ld.unreadable = append(ld.unreadable, UnreadableManifest{File: file, Reason: rootfs.Reason(err)})
			}
			continue
		}
		m, probs := sanctum.ParseManifest(data, file)
		ld.probs = append(ld.probs, probs...)
		m.Data = data
		ld.manifests = append(ld.manifests, m)
		mn := ld.b.Node(graph.Manifest, file)
		mn.State = graph.Present
		mn.Defined = append(mn.Defined, graph.Evidence{File: file})
		sn := ld.defineService(m.Name, "manifest", m.NameEv)
		ld.b.AddEdge(mn.ID, sn.ID, graph.Describes, m.NameEv)
		ld.claim(sn, m.Ports(), m.LaunchAgent, m.Requires)
	}
}

// claim records what a source says about service n: the ports it claims
// (port 0 claims none), the job that runs it and the services it
// requires (resolved once every service is known).
func (ld *loader) claim(n *graph.Node, ports []graph.Port, launch *record.Ref, requires []record.Ref) {
	for _, p := range ports {
		if p.Port != 0 {
			n.Ports = append(n.Ports, p)
		}
	}
	if launch != nil {
		ld.refs = append(ld.refs, pendingRef{n.ID, graph.RunsAs, *launch})
		ld.explicit[n.ID] = true
	}
	for _, r := range requires {
		ld.refs = append(ld.refs, pendingRef{n.ID, graph.Requires, r})
	}
}

// resolveRefs turns requires and launchagent references into edges. A
// name defined nowhere becomes an Undefined service; a label no plist has
// becomes an Undefined job.
func (ld *loader) resolveRefs() {
	for _, r := range append(ld.otherJobs, ld.refs...) {
		switch r.kind {
		case graph.Requires:
			id := ld.service(r.ref.Name)
			if id == "" {
				n := ld.b.Node(graph.Service, norm(r.ref.Name))
				if n.State == "" {
					n.State = graph.Undefined
				}
				id = n.ID
			}
			ld.b.AddEdge(r.from, id, graph.Requires, r.ref.Evidence)
		case graph.OtherJob:
			ld.b.AddEdge(r.from, ld.jobRef(r.ref.Name), graph.OtherJob, r.ref.Evidence)
		case graph.RunsAs:
			jid := ld.jobRef(r.ref.Name)
			ld.claimed[jid] = true
			ld.b.AddEdge(r.from, jid, graph.RunsAs, r.ref.Evidence)
		}
	}
}

// jobRef returns the job a label names: a live or disabled plist's job, else
// a retired one, else a new Undefined job.
func (ld *loader) jobRef(label string) string {
	if ids := ld.jobs[label]; len(ids) > 0 {
		return ids[0]
	}
	n := ld.b.Node(graph.Job, label)
	n.Label = label
	if n.State == "" {
		n.State = graph.Undefined
	}
	return n.ID
}

// claimByConvention gives each unclaimed live or disabled job to the
// service whose name is its Label without the prefix
// (com.sanctum.triage -> triage), unless that service names its job
// explicitly.
func (ld *loader) claimByConvention() {
	labels := make([]string, 0, len(ld.jobs))
	for l := range ld.jobs {
		labels = append(labels, l)
	}
	slices.Sort(labels)
	for _, label := range labels {
		jid := ld.jobs[label][0]
		jn, _ := ld.b.Lookup(jid)
		if jn.State == graph.Retired || ld.claimed[jid] {
			continue
		}
		for _, p := range ld.l.LabelPrefixes {
			if p == "" || !strings.HasPrefix(label, p) {
				continue
			}
			sid := ld.service(strings.TrimPrefix(label, p))
			if sid == "" || ld.explicit[sid] {
				continue
			}
			ev := jn.Defined[0]
			ev.Key = "Label (naming convention)"
			ld.b.AddEdge(sid, jid, graph.RunsAs, ev)
			break
		}
	}
}
