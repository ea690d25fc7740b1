package sources

import (
	"errors"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources/record"
	"github.com/driftmap/driftmap/sources/rootfs"
	"github.com/driftmap/driftmap/sources/systemd"
)

// A unitDir is a directory a systemd manager reads units from.
type unitDir struct {
	path    string // as configured: absolute, or ~/ for the home
	user    bool   // a user's manager's
	audited bool   // the units a person wrote (else known units only)
}

// unitDirs lists the unit directories of both managers, each manager's
// in systemd's order of precedence: a name found in an earlier directory
// hides the same name in a later one.
func unitDirs(all bool) []unitDir {
	return []unitDir{
		{"/etc/systemd/system", false, true},
		{"/usr/local/lib/systemd/system", false, all},
		{"/usr/lib/systemd/system", false, all},
		{"/lib/systemd/system", false, all},
		{"~/.config/systemd/user", true, true},
		{"/etc/systemd/user", true, true},
		{"/usr/local/lib/systemd/user", true, all},
		{"/usr/lib/systemd/user", true, all},
	}
}

// unitFile is one name in a manager's unit directories: a unit file, a
// masked name (a link to /dev/null) or an alias (a link to another
// unit's file).
type unitFile struct {
	name    string
	path    string // the file (or link) inside root
	audited bool
	masked  bool
	alias   string // the name it is an alias of
}

// installLink is an entry of a NAME.wants/ or NAME.requires/ directory:
// owner wants (or requires) unit.
type installLink struct {
	owner, unit string
	kind        graph.EdgeKind
	ev          graph.Evidence
	audited     bool
}

// manager is what one systemd manager (the system's, or the user's) has
// in its unit directories.
type manager struct {
	user bool
	// auditedDirs are m's audited directories inside root, each with a
	// trailing slash (see auditedFile).
	auditedDirs []string
	files       map[string]*unitFile
	dropins     map[string]map[string]string // unit name -> drop-in base name -> file (first wins)
	links       []installLink

	units map[string]*loadedUnit // by name, once loaded
}

// loadedUnit is a unit merged from its file and drop-ins.
type loadedUnit struct {
	u       *systemd.Unit
	audited bool
	ctx     systemd.Context
	// template is the template this instance is made from, "" when the
	// unit has its own file.
	template string
}

// nodeName is the name of the node of m's unit name: a user's units'
// are "user/NAME", apart from the system's.
func (m *manager) nodeName(name string) string {
	if m.user {
		return "user/" + name
	}
	return name
}

// id is the node ID of m's unit name.
func (m *manager) id(name string) string { return graph.ID(graph.Unit, m.nodeName(name)) }

// defines reports whether m has a node of its own for name: a unit it
// merged, or a masked name.
func (m *manager) defines(name string) bool {
	if m.units[name] != nil {
		return true
	}
	f := m.files[name]
	return f != nil && f.masked
}

// loadSystemd reads the unit files of the system's and the user's
// managers (see docs/systemd.md): units in the audited directories are
// checked, the others only satisfy dependencies, unless Options.SystemdAll.
func (ld *loader) loadSystemd() {
	sys := &manager{files: map[string]*unitFile{}, dropins: map[string]map[string]string{}, units: map[string]*loadedUnit{}}
	usr := &manager{user: true, files: map[string]*unitFile{}, dropins: map[string]map[string]string{}, units: map[string]*loadedUnit{}}
	found := false
	for _, d := range unitDirs(ld.systemdAll) {
		m := sys
		if d.user {
			m = usr
		}
		p, entries, err := ld.sourceDir("systemd", "systemd_dirs", d.path, false)
		if d.audited && p != "" {
			m.auditedDirs = append(m.auditedDirs, p+"/")
		}
		if err != nil {
			continue
		}
		found = true
		ld.scanUnitDir(m, p, d.audited, entries)
	}
	if !found {
		return
	}
	ld.sysUnits, ld.userUnits = sys, usr
	ld.passwd = ld.readPasswd()
	for _, m := range []*manager{sys, usr} {
		ld.loadManager(m)
	}
}

// scanUnitDir sorts the entries of one unit directory into unit files,
// masks, aliases, drop-in directories and install links. Names already
// found in a directory of higher precedence are skipped.
func (ld *loader) scanUnitDir(m *manager, dir string, audited bool, entries []fs.DirEntry) {
	for _, e := range entries {
		name := e.Name()
		p := path.Join(dir, name)
		if e.IsDir() {
			ld.scanUnitSubdir(m, p, name, audited)
			continue
		}
		n, ok := systemd.ParseName(name)
		if !ok || m.files[name] != nil {
			continue
		}
		f := &unitFile{name: name, path: p, audited: audited}
		if e.Type()&fs.ModeSymlink != 0 {
			target, err := ld.fs.Readlink(p)
			if err != nil {
				continue
			}
			switch base := path.Base(target); {
			case target == "/dev/null":
				f.masked = true // never opened
			case base == name || base == n.TemplateName():
				// A linked unit file, or an instance linked to its template.
			default:
				if _, ok := systemd.ParseName(base); !ok {
					continue
				}
				f.alias = base
			}
		} else if !e.Type().IsRegular() {
			continue
		}
		m.files[name] = f
	}
}

// scanUnitSubdir reads a NAME.d/ (drop-ins) or NAME.wants/, NAME.requires/
// (install links) directory.
func (ld *loader) scanUnitSubdir(m *manager, dir, name string, audited bool) {
	var owner, kind string
	for _, suffix := range []string{".d", ".wants", ".requires"} {
		if o, ok := strings.CutSuffix(name, suffix); ok {
			owner, kind = o, suffix
			break
		}
	}
	if _, ok := systemd.ParseName(owner); !ok {
		return
	}
	entries, err := ld.fs.ReadDir(dir)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) && audited {
			ld.readProblem(dir, err)
		}
		return
	}
	for _, e := range entries {
		base := e.Name()
		p := path.Join(dir, base)
		if kind == ".d" {
			if !strings.HasSuffix(base, ".conf") || e.IsDir() {
				continue
			}
			if m.dropins[owner] == nil {
				m.dropins[owner] = map[string]string{}
			}
			if _, ok := m.dropins[owner][base]; ok {
				continue
			}
			if e.Type()&fs.ModeSymlink != 0 {
				if t, err := ld.fs.Readlink(p); err == nil && t == "/dev/null" {
					m.dropins[owner][base] = "" // a masked drop-in
					continue
				}
			}
			m.dropins[owner][base] = p
			continue
		}
		if _, ok := systemd.ParseName(base); !ok {
			continue
		}
		ek, key := graph.Wants, owner+".wants/"
		if kind == ".requires" {
			ek, key = graph.Requires, owner+".requires/"
		}
		m.links = append(m.links, installLink{owner: owner, unit: base, kind: ek, audited: audited,
			ev: graph.Evidence{File: p, Key: key, Token: base}})
	}
}

// readPasswd maps user names to home directories from /etc/passwd
// inside the root; nil when there is none.
func (ld *loader) readPasswd() map[string]string {
	data, err := ld.fs.ReadFile("/etc/passwd", rootfs.MaxYAML)
	if err != nil {
		return nil
	}
	homes := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Split(line, ":")
		if len(f) >= 7 && f[0] != "" && path.IsAbs(f[5]) {
			if _, ok := homes[f[0]]; !ok {
				homes[f[0]] = path.Clean(f[5])
			}
		}
	}
	return homes
}

// loadManager reads, merges and adds to the graph the units of m.
func (ld *loader) loadManager(m *manager) {
	names := slices.Sorted(maps.Keys(m.files))
	// Read every unit file and drop-in once, on the workers.
	var files []string
	seen := map[string]bool{}
	want := func(p string) {
		if p != "" && !seen[p] {
			seen[p] = true
			files = append(files, p)
		}
	}
	for _, name := range names {
		if f := m.files[name]; !f.masked && f.alias == "" {
			want(f.path)
		}
	}
	for _, o := range slices.Sorted(maps.Keys(m.dropins)) {
		for _, base := range slices.Sorted(maps.Keys(m.dropins[o])) {
			want(m.dropins[o][base])
		}
	}
	type parsed struct {
		f     systemd.File
		probs []record.Problem
	}
	res := readAll(ld, files, rootfs.MaxYAML, func(file string, data []byte) parsed {
		f, probs := systemd.ParseFile(data, file)
		return parsed{f, probs}
	})
	parsedFiles := map[string]systemd.File{}
	for i, file := range files {
		if err := res[i].err; err != nil {
			if m.auditedFile(file) {
				ld.readProblem(file, err)
			}
			continue
		}
		if m.auditedFile(file) {
			ld.probs = append(ld.probs, res[i].v.probs...)
		}
		parsedFiles[file] = res[i].v.f
	}
	// Units with a file of their own, then the instances named anywhere
	// whose template has one.
	for _, name := range names {
		f := m.files[name]
		if f.masked || f.alias != "" {
			continue
		}
		file, ok := parsedFiles[f.path]
		if !ok {
			continue
		}
		n, _ := systemd.ParseName(name)
		ld.mergeUnit(m, n, file, f.audited, "", parsedFiles)
	}
	for round := 0; round < 4; round++ {
		var more []string
		for _, name := range ld.namedInstances(m) {
			if _, ok := m.units[name]; ok || m.files[name] != nil {
				continue
			}
			n, _ := systemd.ParseName(name)
			t := m.files[n.TemplateName()]
			if t == nil || t.masked || t.alias != "" {
				continue
			}
			if file, ok := parsedFiles[t.path]; ok {
				ld.mergeUnit(m, n, file, t.audited, t.name, parsedFiles)
				more = append(more, name)
			}
		}
		if len(more) == 0 {
			break
		}
	}
	ld.addUnits(m)
}

// auditedFile reports whether file lies in an audited directory of m.
func (m *manager) auditedFile(file string) bool {
	return slices.ContainsFunc(m.auditedDirs, func(dir string) bool { return strings.HasPrefix(file, dir) })
}

// mergeUnit merges a unit from its file and drop-ins (its own NAME.d/,
// and its template's for an instance; by base name, the instance's
// first) and records it in m.
func (ld *loader) mergeUnit(m *manager, n systemd.Name, file systemd.File, audited bool, template string, parsed map[string]systemd.File) {
	byBase := map[string]string{}
	for _, owner := range []string{n.Full, n.TemplateName()} {
		for base, p := range m.dropins[owner] {
			if _, ok := byBase[base]; !ok {
				byBase[base] = p
			}
		}
	}
	var dropins []systemd.File
	for _, base := range slices.Sorted(maps.Keys(byBase)) {
		if d, ok := parsed[byBase[base]]; ok {
			dropins = append(dropins, d)
		}
	}
	u := systemd.Merge(n, file, dropins)
	lu := &loadedUnit{u: u, audited: audited, template: template, ctx: ld.unitContext(m, u)}
	m.units[n.Full] = lu
}

// unitContext says what specifiers expand to for u: a user's manager
// runs as the owner of --home, the system's as root (%h is /root
// whatever User= says); WorkingDirectory=~ is the home of User= (from
// /etc/passwd), root's when there is no User=.
func (ld *loader) unitContext(m *manager, u *systemd.Unit) systemd.Context {
	c := systemd.Context{Unit: u.Name, User: m.user}
	if m.user {
		c.Home, c.UserHome = ld.l.Home, ld.l.Home
		c.UserName = path.Base(ld.l.Home)
		return c
	}
	c.Home, c.UserName = "/root", "root"
	e, ok := u.Value("Service", "User")
	switch {
	case !ok || e.Value == "" || e.Value == "root" || e.Value == "0":
		c.UserHome = "/root"
	default:
		c.UserHome = ld.passwd[e.Value] // "" when unknown
	}
	return c
}

// namedInstances lists, sorted, the instance names that m's units, its
// install links and the catalog's systemd_unit entries name.
func (ld *loader) namedInstances(m *manager) []string {
	var out []string
	for _, r := range ld.unitClaims {
		out = append(out, r.ref.Name)
	}
	for _, l := range m.links {
		out = append(out, l.unit)
	}
	for _, name := range slices.Sorted(maps.Keys(m.units)) {
		lu := m.units[name]
		deps, _ := lu.u.Deps(lu.ctx)
		for _, d := range deps {
			out = append(out, d.Name)
		}
	}
	out = slices.DeleteFunc(out, func(s string) bool {
		n, ok := systemd.ParseName(s)
		return !ok || n.Instance == ""
	})
	slices.Sort(out)
	return slices.Compact(out)
}
