package sources

// This file turns the units loadSystemd found into nodes and edges:
// masked names, merged units and their targets, their dependencies and
// install links, and the catalog's systemd_unit claims.

import (
	"maps"
	"slices"
	"strings"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources/launchd"
	"github.com/driftmap/driftmap/sources/record"
	"github.com/driftmap/driftmap/sources/redact"
	"github.com/driftmap/driftmap/sources/systemd"
)

// addUnits adds m's units to the graph: a node each (and for masked
// names), their targets when audited, and the edges of their
// dependencies.
func (ld *loader) addUnits(m *manager) {
	for _, name := range slices.Sorted(maps.Keys(m.files)) {
		f := m.files[name]
		if !f.masked {
			continue
		}
		n := ld.b.Node(graph.Unit, m.nodeName(name))
		n.Label = name
		n.State = graph.Retired
		n.Detail = "masked"
		n.Origins = append(n.Origins, unitOrigin(f.audited))
		n.Defined = append(n.Defined, graph.Evidence{File: f.path, Key: "symlink", Token: "/dev/null"})
	}
	names := slices.Sorted(maps.Keys(m.units))
	for _, name := range names {
		lu := m.units[name]
		n := ld.b.Node(graph.Unit, m.nodeName(name))
		n.Label = name
		n.State = graph.Live
		n.Origins = append(n.Origins, unitOrigin(lu.audited))
		def := graph.Evidence{File: lu.u.File.Path, Line: firstSectionLine(lu.u.File)}
		if lu.template != "" {
			def.Key, def.Token = "template", lu.template
		}
		n.Defined = append(n.Defined, def)
		for _, d := range lu.u.DropIns {
			n.Defined = append(n.Defined, graph.Evidence{File: d, Key: "drop-in"})
		}
		if e, ok := lu.u.Value("Service", "ExecStart"); ok {
			if cmds, ok := systemd.SplitCommands(e.Value); ok && len(cmds) > 0 {
				n.Program = redact.String(cmds[0].Words[0])
				digests := make([]string, len(cmds[0].Words))
				for i, w := range cmds[0].Words {
					digests[i] = launchd.HomeDigest(w, ld.l.Home)
				}
				ld.unitExecs[n.ID] = digests
			}
		}
		if lu.template != "" {
			ld.b.AddEdge(n.ID, ld.unitRef(m, lu.template, true), graph.InstanceOf,
				graph.Evidence{File: lu.u.File.Path, Key: "template", Token: lu.template})
		}
		// A unit in a known directory is checked where an audited drop-in
		// changes it, and only there.
		if !lu.audited && !slices.ContainsFunc(lu.u.DropIns, func(d string) bool { return m.auditedFile(d) }) {
			continue
		}
		audit := func(file string) bool { return lu.audited || m.auditedFile(file) }
		ld.probs = append(ld.probs, keepProblems(lu.u.Validate(), audit)...)
		for _, o := range lu.u.Overrides {
			if audit(o.By.File) {
				ld.overrides = append(ld.overrides, UnitOverride{Unit: n.ID, Section: o.Section, Key: o.Key,
					Was: graph.Evidence{File: o.Was.File, Line: o.Was.Line, Key: o.Key},
					By:  graph.Evidence{File: o.By.File, Line: o.By.Line, Key: o.Key}})
			}
		}
		ts, inds, probs := lu.u.Targets(lu.ctx)
		ld.probs = append(ld.probs, keepProblems(probs, audit)...)
		for _, t := range ts {
			if !audit(t.Evidence.File) || lu.template != "" && !strings.Contains(t.Evidence.Token, "%") {
				continue // a known unit's own, or the template's node has it
			}
			if !t.Evidence.Optional {
				ld.noteJobScript(t)
			}
			ld.addTarget(n, t)
		}
		for _, x := range inds {
			if audit(x.Exec.Evidence.File) {
				ld.addIndirect(n, x)
			}
		}
	}
	for _, name := range names {
		lu := m.units[name]
		audit := func(file string) bool { return lu.audited || m.auditedFile(file) }
		deps, probs := lu.u.Deps(lu.ctx)
		ld.probs = append(ld.probs, keepProblems(probs, audit)...)
		from := m.id(name)
		for _, d := range deps {
			ld.addDep(m, from, d, audit(d.Evidence.File))
		}
	}
	for _, l := range m.links {
		if !m.defines(l.owner) && !systemd.Special(l.owner, m.user) {
			continue
		}
		from := ld.unitRef(m, l.owner, true)
		kind := systemd.Want
		if l.kind == graph.Requires {
			kind = systemd.Requirement
		}
		ld.addDep(m, from, systemd.Dep{Kind: kind, Name: l.unit, Evidence: l.ev}, l.audited)
	}
}

// keepProblems returns the problems of the files keep accepts.
func keepProblems(probs []record.Problem, keep func(string) bool) []record.Problem {
	return slices.DeleteFunc(probs, func(p record.Problem) bool { return !keep(p.File) })
}

func unitOrigin(audited bool) string {
	if audited {
		return "unit"
	}
	return "vendor"
}

func firstSectionLine(f systemd.File) int {
	if len(f.Sections) > 0 {
		return f.Sections[0].Line
	}
	return 0
}

// addDep adds the edge of one dependency of unit from. A name no file
// defines becomes an Undefined unit when the dependency needs it to
// exist (a requirement, a trigger, Sockets=) and the unit is audited;
// a want or an ordering on it is no edge, as systemd ignores it. Units
// made at run time (devices, mounts, slices...) are never edges.
func (ld *loader) addDep(m *manager, from string, d systemd.Dep, audited bool) {
	n, _ := systemd.ParseName(d.Name)
	if n.Dynamic() {
		return
	}
	needed := d.Kind == systemd.Requirement || d.Kind == systemd.PartOf || d.Kind == systemd.Trigger || d.Kind == systemd.Socket
	to := ld.unitRef(m, d.Name, needed && audited)
	if to == "" {
		return
	}
	if d.Kind == systemd.Before {
		ld.b.AddEdge(to, from, graph.After, d.Evidence) // read backwards
		return
	}
	ld.b.AddEdge(from, to, depEdges[d.Kind], d.Evidence)
}

// depEdges is the edge kind of each kind of dependency (Before= is an
// after edge read backwards).
var depEdges = map[systemd.DepKind]graph.EdgeKind{
	systemd.Requirement: graph.Requires,
	systemd.PartOf:      graph.PartOf,
	systemd.Want:        graph.Wants,
	systemd.After:       graph.After,
	systemd.Trigger:     graph.Triggers,
	systemd.Socket:      graph.Sockets,
}

// unitRef returns the node of the unit m knows by name: its own, its
// alias's target's, a special unit's (systemd.special(7)), or, when
// create is true, a new Undefined unit; "" otherwise.
func (ld *loader) unitRef(m *manager, name string, create bool) string {
	for range 8 { // alias chains are short; a loop ends here
		f := m.files[name]
		if f == nil || f.alias == "" {
			break
		}
		name = f.alias
	}
	if m.defines(name) {
		return m.id(name)
	}
	if systemd.Special(name, m.user) {
		n := ld.b.Node(graph.Unit, m.nodeName(name))
		if n.State == "" {
			n.State, n.Label = graph.Live, name
			n.Origins = append(n.Origins, "systemd")
		}
		return n.ID
	}
	if !create {
		return ""
	}
	n := ld.b.Node(graph.Unit, m.nodeName(name))
	if n.State == "" {
		n.State, n.Label = graph.Undefined, name
	}
	return n.ID
}

// resolveUnitClaims joins each catalog service that names its unit
// (systemd_unit: NAME) to the unit as unitRef finds it (through an
// alias link, or a special unit systemd defines itself), a system unit
// first, then a user's; a name neither manager knows becomes an
// Undefined system unit. On a machine with no systemd unit directory at
// all (a Mac, with a catalog shared with a Linux machine) the claims
// are not this machine's to check, and are left out.
func (ld *loader) resolveUnitClaims() {
	if ld.sysUnits == nil {
		return
	}
	for _, r := range ld.unitClaims {
		id := ld.unitRef(ld.sysUnits, r.ref.Name, false)
		if id == "" {
			id = ld.unitRef(ld.userUnits, r.ref.Name, false)
		}
		if id == "" {
			id = ld.unitRef(ld.sysUnits, r.ref.Name, true)
		}
		ld.runners[id] = append(ld.runners[id], r.from)
		ld.b.AddEdge(r.from, id, graph.RunsAs, r.ref.Evidence)
	}
}
