package queries

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources"
	"github.com/driftmap/driftmap/sources/artifact"
	"github.com/driftmap/driftmap/sources/launchd"
	"github.com/driftmap/driftmap/sources/record"
	"github.com/driftmap/driftmap/sources/redact"
	"github.com/driftmap/driftmap/sources/render"
	"github.com/driftmap/driftmap/sources/sanctum"
)

// OwnersSchema names the document Owners returns (driftmap owners --format json).
const OwnersSchema = "driftmap/owners/v1"

// The facts owners reports for each service, in order.
const (
	FactEnabled     = "enabled"
	FactPort        = "port"
	FactRequires    = "requires"
	FactLaunchAgent = "launchagent"
	FactRole        = "role"
	FactProgram     = "program"
	FactArguments   = "arguments"
	FactLogs        = "logs"
)

// Owners is the answer of `driftmap owners`: for each service, each
// fact, its value, the canonical source that owns it, and every other
// place that states it.
type Owners struct {
	Schema   string         `json:"schema"`
	Policy   string         `json:"policy"`
	Services []ServiceFacts `json:"services"`
}

// ServiceFacts are the facts of one service.
type ServiceFacts struct {
	Name string `json:"name"`
	// Uncatalogued marks, under truth: catalog, an enabled instance.yaml
	// service the catalog does not list: render skips it.
	Uncatalogued bool   `json:"uncatalogued,omitempty"`
	Facts        []Fact `json:"facts"`
}

// Fact is one fact of a service.
type Fact struct {
	Fact   string `json:"fact"`
	Value  string `json:"value"`
	Owner  Place  `json:"owner"`
	Copies []Copy `json:"copies"`
}

// Place is where a fact is stated.
type Place struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Key  string `json:"key"`
}

// Copy is another place that states a fact: Derived when a known
// mechanism writes it from the owner (render's manifests, a generated
// artifact), else a second statement kept by hand; Agrees when its value
// is the owner's.
type Copy struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Key     string `json:"key"`
	Value   string `json:"value"`
	Derived bool   `json:"derived"`
	Agrees  bool   `json:"agrees"`
}

// statement is one place that states a fact, before owner and copies
// are told apart.
type statement struct {
	source  string // "instance", "catalog", "driftmap.yaml", "manifest", "plist", "template"
	place   Place
	value   string
	derived bool // written by a known mechanism from the canonical inputs
	hand    bool // a hand-registered manifest: it owns its service's facts
}

// canonical reports whether s is a canonical input's statement: a
// person keeps it, and a tool may read it as the truth.
func (st statement) canonical() bool {
	switch st.source {
	case "instance", "catalog", "driftmap.yaml":
		return true
	}
	return st.hand
}

// ownerOrder ranks the sources that may own fact under policy: the
// first canonical statement in this order owns it.
func ownerOrder(fact, policy string) []string {
	switch fact {
	case FactProgram, FactArguments, FactLogs:
		return []string{"template", "plist"}
	}
	if policy == sanctum.TruthCatalog {
		return []string{"catalog", "instance", "driftmap.yaml", "manifest"}
	}
	switch fact {
	case FactEnabled, FactPort:
		return []string{"instance", "catalog", "driftmap.yaml", "manifest"}
	}
	return []string{"catalog", "instance", "driftmap.yaml", "manifest"}
}

// sourceName is how a message names a source.
func sourceName(source string) string {
	switch source {
	case "instance":
		return "instance.yaml"
	}
	return source
}

// OwnersOf answers owners for the services named (by name, old name or a
// job's Label), or for every defined service when names is empty,
// sorted by name. A name that denotes no service is a *NotFoundError.
func OwnersOf(s *sources.Snapshot, names []string) (*Owners, error) {
	policy := s.Layout.Truth()
	out := &Owners{Schema: OwnersSchema, Policy: policy, Services: []ServiceFacts{}}
	var svcs []string
	if len(names) == 0 {
		for _, n := range s.Graph.NodesOf(graph.Service) {
			if n.State != graph.Undefined {
				svcs = append(svcs, n.Name)
			}
		}
	}
	for _, q := range names {
		svc, err := serviceOf(s, q)
		if err != nil {
			return nil, err
		}
		svcs = append(svcs, svc)
	}
	slices.Sort(svcs)
	svcs = slices.Compact(svcs)
	st := collectStatements(s)
	for _, svc := range svcs {
		sf := ServiceFacts{Name: svc, Facts: []Fact{}, Uncatalogued: policy == sanctum.TruthCatalog && st.uncatalogued[svc]}
		for _, fact := range []string{FactEnabled, FactPort, FactRequires, FactLaunchAgent, FactRole, FactProgram, FactArguments, FactLogs} {
			if f, ok := ownedFact(fact, policy, st.of[svc][fact]); ok {
				sf.Facts = append(sf.Facts, f)
			}
		}
		out.Services = append(out.Services, sf)
	}
	return out, nil
}

// serviceOf resolves a name, old name or Label to a defined service.
func serviceOf(s *sources.Snapshot, q string) (string, error) {
	svc := s.ServiceName(q)
	if n, ok := s.Graph.Node(graph.ID(graph.Service, svc)); ok && n.State != graph.Undefined {
		return svc, nil
	}
	if _, ok := s.Graph.Node(graph.ID(graph.Job, q)); ok {
		for _, e := range s.Graph.To(graph.ID(graph.Job, q), graph.RunsAs) {
			return strings.TrimPrefix(e.From, "service:"), nil
		}
	}
	var names []string
	for _, n := range s.Graph.NodesOf(graph.Service) {
		if n.State != graph.Undefined {
			names = append(names, n.Name)
		}
	}
	sugg := Suggest(q, names)
	if sugg != "" {
		sugg = graph.ID(graph.Service, sugg)
	}
	return "", &NotFoundError{Query: q, Suggest: sugg}
}

// ownedFact picks the owner of one fact among its statements and lists
// the rest as copies; ok is false when nothing states the fact.
func ownedFact(fact, policy string, sts []statement) (Fact, bool) {
	if len(sts) == 0 {
		return Fact{}, false
	}
	owner := -1
	for _, src := range ownerOrder(fact, policy) {
		for i, st := range sts {
			if st.source == src && (st.canonical() || src == "template" || src == "plist") && !st.derived {
				owner = i
				break
			}
		}
		if owner >= 0 {
			break
		}
	}
	if owner < 0 {
		// Only derived copies state it (a rendered manifest whose
		// inputs no longer do): the first is shown as the owner.
		owner = 0
	}
	f := Fact{Fact: fact, Value: sts[owner].value, Owner: sts[owner].place, Copies: []Copy{}}
	for i, st := range sts {
		if i == owner {
			continue
		}
		f.Copies = append(f.Copies, Copy{File: st.place.File, Line: st.place.Line, Key: st.place.Key,
			Value: st.value, Derived: st.derived, Agrees: st.value == f.Value})
	}
	return f, true
}

// statements holds every statement of every fact, by service.
type statements struct {
	of           map[string]map[string][]statement
	uncatalogued map[string]bool
}

func (st *statements) add(svc, fact string, x statement) {
	if st.of[svc] == nil {
		st.of[svc] = map[string][]statement{}
	}
	st.of[svc][fact] = append(st.of[svc][fact], x)
}

func place(ev graph.Evidence, key string) Place {
	if ev.Key != "" {
		key = ev.Key
	}
	return Place{File: ev.File, Line: ev.Line, Key: key}
}

// collectStatements gathers, for every service, who states each fact:
// instance.yaml, the catalog, driftmap.yaml's services (see
// canonicalStatements), the manifest, the job's plist, and the template
// that generates the plist.
func collectStatements(s *sources.Snapshot) *statements {
	st := canonicalStatements(s)
	manifestStatements(s, st)
	jobStatements(s, st)
	return st
}

// canonicalStatements gathers the statements of the canonical inputs a
// person keeps by hand: the catalog, driftmap.yaml's services and
// instance.yaml (not the manifests, hand-registered or not). It renders
// nothing and reads no plist, so two-sources, which needs no more, runs
// it alone.
func canonicalStatements(s *sources.Snapshot) *statements {
	st := &statements{of: map[string]map[string][]statement{}, uncatalogued: map[string]bool{}}
	catalogued := map[string]bool{}
	entry := func(e sanctum.CatalogEntry, source string) {
		svc := s.ServiceName(e.Name)
		if source == "catalog" {
			catalogued[svc] = true
		}
		if e.Section == sanctum.SectionAuxiliary {
			v := "true"
			ev := e.Evidence
			if e.Enabled != nil && !*e.Enabled {
				v = "false"
			}
			st.add(svc, FactEnabled, statement{source: source, place: place(ev, "auxiliary."+e.Name), value: v})
		}
		if e.Port != 0 {
			st.add(svc, FactPort, statement{source: source, place: place(e.PortEv, "port"), value: strconv.Itoa(e.Port)})
		}
		if e.Requires != nil {
			st.add(svc, FactRequires, statement{source: source, place: place(e.Requires[0].Evidence, "requires"), value: requiresValue(s.CanonicalNames(e.Requires))})
		}
		if e.LaunchAgent != nil {
			st.add(svc, FactLaunchAgent, statement{source: source, place: place(e.LaunchAgent.Evidence, "launchagent"), value: e.LaunchAgent.Name})
		}
		if e.Role != "" {
			st.add(svc, FactRole, statement{source: source, place: place(e.RoleEv, "role"), value: e.Role})
		}
	}
	if s.Catalog != nil {
		for _, e := range s.Catalog.Entries {
			entry(e, "catalog")
		}
	}
	for _, e := range s.Layout.Services {
		entry(e, "driftmap.yaml")
	}
	if s.Instance != nil {
		for _, is := range s.Instance.Services {
			svc := s.InstanceService(is.Key)
			st.add(svc, FactEnabled, statement{source: "instance", place: place(is.EnabledEv, "enabled"), value: strconv.FormatBool(is.Enabled)})
			if is.Port != 0 {
				st.add(svc, FactPort, statement{source: "instance", place: place(is.PortEv, "port"), value: strconv.Itoa(is.Port)})
			}
			if is.Enabled && !catalogued[svc] {
				st.uncatalogued[svc] = true
			}
		}
	}
	return st
}

// manifestStatements adds the manifests' statements to st: derived when
// render writes the manifest, hand when a hand-registered manifest is
// all that defines its service.
func manifestStatements(s *sources.Snapshot, st *statements) {
	rendered := map[string]bool{}
	for _, d := range render.Desired(s) {
		rendered[d.Service] = true
	}
	for _, m := range s.Manifests {
		svc := s.ServiceName(m.Name)
		n, _ := s.Graph.Node(graph.ID(graph.Service, svc))
		hand := n != nil && len(n.Origins) == 1 && n.Origins[0] == "manifest"
		derived := rendered[svc] && !hand
		mk := func(ev graph.Evidence, key, v string) statement {
			return statement{source: "manifest", place: place(ev, key), value: v, derived: derived, hand: hand}
		}
		st.add(svc, FactEnabled, mk(m.NameEv, "name", "true"))
		if m.Port != 0 {
			st.add(svc, FactPort, mk(m.PortEv, "port", strconv.Itoa(m.Port)))
		}
		if m.Requires != nil {
			ev := graph.Evidence{File: m.File, Key: "requires"}
			if len(m.Requires) > 0 {
				ev = m.Requires[0].Evidence
			}
			st.add(svc, FactRequires, mk(ev, "requires", requiresValue(s.CanonicalNames(m.Requires))))
		}
		if m.LaunchAgent != nil {
			st.add(svc, FactLaunchAgent, mk(m.LaunchAgent.Evidence, "launchagent", m.LaunchAgent.Name))
		}
	}
}

// jobStatements adds to st what the plist of each service's job states,
// and the template that generates the plist (see jobFacts).
func jobStatements(s *sources.Snapshot, st *statements) {
	generated := map[string]artifact.Result{} // plist -> the artifact that generates it
	for _, a := range s.Artifacts {
		if a.Spec.Kind == sanctum.ArtifactTemplate {
			generated[a.Output] = a
		}
	}
	for _, sn := range s.Graph.NodesOf(graph.Service) {
		for _, e := range s.Graph.From(sn.ID, graph.RunsAs) {
			j, ok := s.Graph.Node(e.To)
			if !ok || j.Kind != graph.Job || len(j.Defined) == 0 {
				continue
			}
			def := j.Defined[0]
			a, gen := generated[def.File]
			key := "(a live plist)"
			if j.State == graph.Disabled {
				key = "Disabled"
			}
			st.add(sn.Name, FactEnabled, statement{source: "plist", place: Place{File: def.File, Line: def.Line, Key: key},
				value: strconv.FormatBool(j.State == graph.Live), derived: gen})
			st.add(sn.Name, FactLaunchAgent, statement{source: "plist", place: place(def, "Label"), value: j.Label, derived: gen})
			job, ok := s.JobDef(j.ID)
			if !ok {
				continue
			}
			jobFacts(st, sn.Name, job, gen, a)
		}
	}
}

// jobFacts adds what a job's plist states of its program, arguments and
// logs, and, when a template generates the plist, the template as the
// statement that owns them (the plist a derived copy, which agrees
// unless the artifact check found that key different).
func jobFacts(st *statements, svc string, job launchd.Job, gen bool, a artifact.Result) {
	c := job.Command
	args := make([]string, len(c.Args))
	for i, w := range c.Args {
		args[i] = w.Shown
	}
	logs := map[string]string{}
	var logEv graph.Evidence
	for _, t := range job.Targets {
		if t.Kind == record.TargetLogDir {
			if logEv.File == "" {
				logEv = t.Evidence
			}
			logs[t.Evidence.Key] = redact.String(t.Evidence.Token)
		}
	}
	program := redact.String(job.Program)
	// What the template renders: the plist's values with the
	// differences the artifact check found put back; unknown (ok false)
	// when a difference cannot be put back.
	tArgs, tLogs, tProgram := slices.Clone(args), maps.Clone(logs), program
	known := map[string]bool{FactProgram: true, FactArguments: true, FactLogs: true}
	touched := map[string]bool{}
	if gen {
		for _, d := range a.Differences {
			key, tv, ok := templateValue(d)
			var fact string
			switch {
			case key == "Program" || key == "ProgramArguments[0]" && c.Key != "Program":
				fact = FactProgram
				if ok {
					tProgram = tv
				}
			case key == "StandardOutPath" || key == "StandardErrorPath":
				fact = FactLogs
				if ok {
					tLogs[key] = tv
				}
			}
			if i, isArg := argIndex(key); isArg {
				touched[FactArguments] = true
				if ok && i < len(tArgs) {
					tArgs[i] = tv
				} else {
					known[FactArguments] = false
				}
			}
			if fact != "" {
				touched[fact] = true
				known[fact] = known[fact] && ok
			}
		}
	}
	facts := []struct {
		fact, value, tvalue string
		ev                  graph.Evidence
	}{
		{FactProgram, program, tProgram, graph.Evidence{File: job.File, Line: c.Line, Key: c.Key}},
		{FactArguments, strings.Join(args, " "), strings.Join(tArgs, " "), graph.Evidence{File: job.File, Line: c.Line, Key: "ProgramArguments"}},
		{FactLogs, logsValue(logs), logsValue(tLogs), logEv},
	}
	for _, f := range facts {
		if f.value == "" {
			continue
		}
		if !gen {
			st.add(svc, f.fact, statement{source: "plist", place: place(f.ev, f.fact), value: f.value})
			continue
		}
		tmpl := a.Output
		if len(a.Inputs) > 0 {
			tmpl = a.Inputs[0]
		}
		tv := f.tvalue
		if !known[f.fact] {
			tv = "(as the template renders it; see artifact-drift)"
		}
		if !touched[f.fact] {
			tv = f.value
		}
		st.add(svc, f.fact, statement{source: "template", place: Place{File: tmpl, Key: f.ev.Key}, value: tv})
		st.add(svc, f.fact, statement{source: "plist", place: place(f.ev, f.fact), value: f.value, derived: true})
	}
}

// diffRE reads one difference of a template artifact
// (`key ProgramArguments[4]: "8765" in template, "8781" installed`).
var diffRE = regexp.MustCompile(`^key (\S+): (.*) in template, (.*) installed$`)

// templateValue returns the key of a difference and the template's
// value, when the difference gives it.
func templateValue(d string) (key, value string, ok bool) {
	m := diffRE.FindStringSubmatch(d)
	if m == nil {
		key, _, _ = strings.Cut(strings.TrimPrefix(d, "key "), ":")
		return key, "", false
	}
	v := m[2]
	if u, err := strconv.Unquote(v); err == nil {
		v = u
	}
	return m[1], v, true
}

// argIndex reads "ProgramArguments[N]".
func argIndex(key string) (int, bool) {
	s, ok := strings.CutPrefix(key, "ProgramArguments[")
	if !ok || !strings.HasSuffix(s, "]") {
		return 0, false
	}
	i, err := strconv.Atoi(strings.TrimSuffix(s, "]"))
	return i, err == nil
}

// logsValue shows the log paths as owners prints them, sorted by key.
func logsValue(logs map[string]string) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(logs)) {
		parts = append(parts, k+"="+logs[k])
	}
	return strings.Join(parts, " ")
}

// twoSources lists, for the two-sources rule, the facts stated by hand
// in more than one canonical source with one value: the owner and the
// redundant statements, under the policy in force, by service. They
// need no finer sort: CheckBaseline sorts every finding, and no two of
// these compare equal (the message names the service and the fact).
func twoSources(s *sources.Snapshot) []twoSource {
	policy := s.Layout.Truth()
	st := canonicalStatements(s) // the statements it keeps are canonical ones, never a manifest's
	var out []twoSource
	for _, svc := range slices.Sorted(maps.Keys(st.of)) {
		for _, fact := range []string{FactPort, FactRequires, FactLaunchAgent, FactRole} {
			var canon []statement
			for _, x := range st.of[svc][fact] {
				if x.canonical() && !x.hand {
					canon = append(canon, x)
				}
			}
			if len(canon) < 2 {
				continue
			}
			if slices.ContainsFunc(canon, func(x statement) bool { return x.value != canon[0].value }) {
				continue // disagreeing: conflicting-definition
			}
			f, _ := ownedFact(fact, policy, canon)
			out = append(out, twoSource{service: svc, fact: fact, owner: f.Owner, canon: canon})
		}
	}
	return out
}

// twoSource is a fact of a service that canon, the canonical statements
// of it, all state alike; owner is the one that owns it.
type twoSource struct {
	service, fact string
	owner         Place
	canon         []statement
}

// requiresValue shows a requires list as owners prints it.
func requiresValue(names []string) string { return "[" + strings.Join(names, ", ") + "]" }

// describePlace renders a place as file:line for messages.
func describePlace(p Place) string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return p.File
}
