package systemd

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources/launchd"
	"github.com/driftmap/driftmap/sources/record"
)

// SearchPath is where systemd looks up an Exec line's bare command name
// (systemd.service(5), "Command lines"), split /usr included.
var SearchPath = []string{"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"}

// execSections are the sections that hold Exec lines and the execution
// environment (systemd.exec(5)).
var execSections = []string{"Service", "Socket", "Mount", "Swap"}

// Targets returns the unit's hard targets (systemd.service(5),
// systemd.exec(5)), each with the file, line and key that names it:
//
//   - the executable of every Exec line (ExecCondition=, ExecStartPre=,
//     ExecStart=, ExecStartPost=, ExecReload=, ExecStop=,
//     ExecStopPost=, and a socket's), after its prefixes; a bare name is
//     looked up in SearchPath. "@" makes the next word argv[0], not a
//     target;
//   - through launchd's rules (launchd.RunTargets), the script an
//     interpreter runs and, for `sh -c`/`bash -c`, the absolute commands
//     of the string (a bare name there depends on the shell's PATH, and
//     is not checked);
//   - WorkingDirectory= ("~" is UserHome; not when RootDirectory= or
//     RootImage= is set, as it is inside the root), RootDirectory=,
//     EnvironmentFile= (unless it is a wildcard expression).
//
// A target of a line or path written with the "-" prefix has Optional
// evidence. Specifiers are expanded (Context.Expand); a word that keeps
// one that cannot be expanded is not a target, nor is any word holding
// $VAR. When RootDirectory= or RootImage= is set, the Exec lines run
// inside it (except those prefixed "+"), so their paths are not checked
// against the machine's. A target at or below the path of a positive
// condition (ConditionPathExists=/x, ConditionFileIsExecutable=/x...)
// is left out: systemd skips the unit, silently, when that path is
// absent.
func (u *Unit) Targets(c Context) ([]record.Target, []launchd.Indirect, []record.Problem) {
	var ts record.TargetSet
	var inds []launchd.Indirect
	var probs []record.Problem
	for _, sec := range execSections {
		cwd := "/"
		if c.User {
			cwd = c.Home
		}
		chroot := false
		if _, ok := u.Value(sec, "RootImage"); ok {
			chroot = true
		}
		if e, ok := u.Value(sec, "RootDirectory"); ok && e.Value != "" {
			chroot = true
			if t, ok := u.dirTarget(c, e, record.TargetRootDir); ok {
				ts.Add(t)
			}
		}
		if chroot {
			// WorkingDirectory= is relative to the root
			// (systemd.exec(5)): neither a target on this machine nor
			// a known directory for the "+" lines' relative scripts.
			cwd = ""
		} else if e, ok := u.Value(sec, "WorkingDirectory"); ok && e.Value != "" {
			if t, ok := u.dirTarget(c, e, record.TargetWorkingDir); ok {
				ts.Add(t)
				cwd = t.Path
			} else {
				cwd = ""
			}
		}
		for _, e := range u.Values(sec, "EnvironmentFile") {
			if t, ok := u.pathTarget(c, e, record.TargetEnvFile); ok {
				ts.Add(t)
			}
		}
		keys := ExecKeys
		if sec == "Socket" {
			keys = socketExecKeys
		}
		for _, key := range keys {
			for _, e := range u.Values(sec, key) {
				cmds, ok := SplitCommands(e.Value)
				if !ok {
					probs = append(probs, record.Problem{File: e.File, Line: e.Line, Key: key,
						Message: key + " has unbalanced quotes: systemd cannot read the line"})
					continue
				}
				for _, cmd := range cmds {
					if chroot && !cmd.Privileged {
						continue
					}
					t, in, pr := u.commandTargets(c, e, cmd, cwd)
					for _, x := range t {
						ts.Add(x)
					}
					inds = append(inds, in...)
					probs = append(probs, pr...)
				}
			}
		}
	}
	return guarded(ts.Targets(), u.conditionPaths(c)), inds, probs
}

// conditionKeys are the [Unit] conditions that make systemd skip a unit,
// silently, when their path is absent: a target at or below such a path
// is expected to be missing sometimes.
var conditionKeys = []string{"ConditionPathExists", "ConditionPathExistsGlob", "ConditionPathIsDirectory",
	"ConditionFileIsExecutable", "ConditionFileNotEmpty", "ConditionDirectoryNotEmpty", "ConditionPathIsMountPoint"}

// conditionPaths returns the paths of the unit's positive conditions.
func (u *Unit) conditionPaths(c Context) []string {
	var out []string
	for _, k := range conditionKeys {
		for _, e := range u.Values("Unit", k) {
			v := strings.TrimPrefix(e.Value, "|")
			if strings.HasPrefix(v, "!") {
				continue
			}
			if x, ok := c.Expand(v); ok && path.IsAbs(x) {
				out = append(out, path.Clean(x))
			}
		}
	}
	return out
}

// guarded drops the targets at or below a condition's path: systemd
// skips the unit when the path is absent, so their absence is no drift.
func guarded(ts []record.Target, conds []string) []record.Target {
	if len(conds) == 0 {
		return ts
	}
	return slices.DeleteFunc(ts, func(t record.Target) bool {
		for _, p := range conds {
			if t.Path == p || strings.HasPrefix(t.Path, p+"/") {
				return true
			}
		}
		return false
	})
}

// commandTargets returns the targets of one command line.
func (u *Unit) commandTargets(c Context, e Entry, cmd Command, cwd string) ([]record.Target, []launchd.Indirect, []record.Problem) {
	words := make([]launchd.Arg, 0, len(cmd.Words))
	written := map[string]string{} // expanded word -> as written, for tokens
	for i, w := range cmd.Words {
		x, ok := c.Expand(w)
		if !ok {
			if i == 0 {
				return nil, nil, nil // the program itself cannot be known
			}
			x = "${unexpanded}" // never a target: launchd skips words holding $
		}
		if _, ok := written[x]; !ok && x != w {
			written[x] = w
		}
		words = append(words, launchd.Arg{Val: x, Key: e.Key, Line: e.Line})
	}
	exe := words[0]
	if !path.IsAbs(exe.Val) && strings.Contains(exe.Val, "/") {
		if cmd.Soft {
			return nil, nil, nil // systemd skips a soft line it cannot use
		}
		return nil, nil, []record.Problem{{File: e.File, Line: e.Line, Key: e.Key, Rule: record.InvalidUnit,
			Message: fmt.Sprintf("%s runs %q, neither an absolute path nor a bare name: systemd refuses the line", e.Key, cmd.Words[0])}}
	}
	args := words[1:]
	if cmd.Argv0 && len(args) > 0 {
		args = args[1:] // the name the program sees
	}
	ts, inds, probs := launchd.RunTargets(exe, args, e.File, c.Home, SearchPath, cwd)
	out := ts[:0]
	for _, t := range ts {
		t.Evidence.Optional = cmd.Soft
		if w, ok := written[t.Evidence.Token]; ok {
			t.Evidence.Token = w // the word as written, specifiers and all
		}
		out = append(out, t)
	}
	return out, inds, probs
}

// dirTarget is the target of WorkingDirectory= or RootDirectory=.
func (u *Unit) dirTarget(c Context, e Entry, k record.TargetKind) (record.Target, bool) {
	v, soft := strings.CutPrefix(e.Value, "-")
	if k == record.TargetWorkingDir && v == "~" {
		if c.UserHome == "" {
			return record.Target{}, false
		}
		v = c.UserHome
	}
	return u.target(c, e, v, soft, k)
}

// pathTarget is the target of a path-valued key with an optional "-".
func (u *Unit) pathTarget(c Context, e Entry, k record.TargetKind) (record.Target, bool) {
	v, soft := strings.CutPrefix(e.Value, "-")
	return u.target(c, e, v, soft, k)
}

func (u *Unit) target(c Context, e Entry, v string, soft bool, k record.TargetKind) (record.Target, bool) {
	token := strings.TrimPrefix(e.Value, "-")
	x, ok := c.Expand(v)
	if !ok || !path.IsAbs(x) || strings.ContainsAny(x, "$`") {
		return record.Target{}, false
	}
	if k == record.TargetEnvFile && strings.ContainsAny(x, "*?[") {
		return record.Target{}, false // a wildcard expression (systemd.exec(5)): no one file
	}
	return record.Target{Kind: k, Path: path.Clean(x),
		Evidence: graph.Evidence{File: e.File, Line: e.Line, Key: e.Key, Token: token, Optional: soft}}, true
}

// DepKind is how a unit names another.
type DepKind string

// Dependency kinds.
const (
	Requirement DepKind = "requirement" // Requires=, Requisite=, BindsTo=, .requires/
	PartOf      DepKind = "part-of"     // PartOf=: stopped and restarted with Name
	Want        DepKind = "want"        // Wants=, Upholds=
	After       DepKind = "after"       // After=: this unit starts after Name
	Before      DepKind = "before"      // Before=: Name starts after this unit
	Trigger     DepKind = "trigger"     // a timer's, path's or socket's unit
	Socket      DepKind = "socket"      // Sockets=
)

// Dep is a unit that a unit names, with where.
type Dep struct {
	Kind DepKind
	Name string
	// Evidence has the key and the name as written; for a trigger by
	// the same name (no Unit=), the Key is "Unit (default)" or
	// "Service (default)" and the line its section's.
	Evidence graph.Evidence
}

var depKeyKinds = []struct {
	key  string
	kind DepKind
}{
	{"Requires", Requirement}, {"Requisite", Requirement}, {"BindsTo", Requirement}, {"PartOf", PartOf},
	{"Wants", Want}, {"Upholds", Want}, {"After", After}, {"Before", Before},
}

// Deps returns the units this unit names in [Unit] and, for a timer,
// path or socket, the unit it starts (Unit=, Service=, else the service
// of the same name; a socket with Accept=yes starts instances of the
// template NAME@.service), and a service's Sockets=. Names holding a
// specifier that cannot be expanded are left out; a name that is not a
// valid unit name is a Problem (systemd ignores it).
func (u *Unit) Deps(c Context) ([]Dep, []record.Problem) {
	var out []Dep
	var probs []record.Problem
	add := func(kind DepKind, e Entry, name string) {
		x, ok := c.Expand(name)
		if !ok {
			return
		}
		if _, ok := ParseName(x); !ok {
			probs = append(probs, record.Problem{File: e.File, Line: e.Line, Key: e.Key,
				Message: fmt.Sprintf("%s names %q, which is not a valid unit name: systemd ignores it", e.Key, name)})
			return
		}
		out = append(out, Dep{Kind: kind, Name: x, Evidence: graph.Evidence{File: e.File, Line: e.Line, Key: e.Key, Token: name}})
	}
	for _, dk := range depKeyKinds {
		for _, e := range u.Values("Unit", dk.key) {
			for _, name := range strings.Fields(e.Value) {
				add(dk.kind, e, name)
			}
		}
	}
	stem := strings.TrimSuffix(u.Name.Full, "."+u.Name.Type)
	trigger := func(section, key string) {
		if e, ok := u.Value(section, key); ok && e.Value != "" {
			add(Trigger, e, e.Value)
			return
		}
		name := stem + ".service"
		if u.Name.Type == "socket" {
			if a, ok := u.Value("Socket", "Accept"); ok && parseBool(a.Value) {
				name = u.Name.Prefix + "@.service"
			}
		}
		if x, ok := c.Expand(name); ok {
			out = append(out, Dep{Kind: Trigger, Name: x, Evidence: graph.Evidence{File: u.File.Path, Line: u.File.SectionLine(section), Key: key + " (default)", Token: name}})
		}
	}
	switch u.Name.Type {
	case "timer":
		trigger("Timer", "Unit")
	case "path":
		trigger("Path", "Unit")
	case "socket":
		trigger("Socket", "Service")
	case "service":
		for _, e := range u.Values("Service", "Sockets") {
			for _, name := range strings.Fields(e.Value) {
				add(Socket, e, name)
			}
		}
	}
	return out, probs
}

// parseBool reads a systemd boolean.
func parseBool(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "yes", "y", "true", "t", "on":
		return true
	}
	return false
}

// Validate returns what makes systemd refuse to load a service as
// written, as record.InvalidUnit problems: more than one ExecStart=
// command when Type= is not oneshot, or neither ExecStart= nor ExecStop=
// nor SuccessAction=.
func (u *Unit) Validate() []record.Problem {
	if u.Name.Type != "service" || len(u.File.Sections) == 0 {
		return nil // a file with no section at all is a parse problem already
	}
	typ := "simple"
	if e, ok := u.Value("Service", "Type"); ok && e.Value != "" {
		typ = e.Value
	}
	starts := u.Values("Service", "ExecStart")
	var n int
	for _, e := range starts {
		cmds, _ := SplitCommands(e.Value)
		n += len(cmds)
		if n > 1 && typ != "oneshot" {
			return []record.Problem{{File: e.File, Line: e.Line, Key: "ExecStart", Rule: record.InvalidUnit,
				Message: fmt.Sprintf("service %s has more than one ExecStart= command, which only Type=oneshot allows: systemd refuses to load it (a drop-in must reset the list with an empty ExecStart= first)", u.Name.Full)}}
		}
	}
	if n == 0 {
		_, stop := u.Value("Service", "ExecStop")
		_, success := u.Value("Unit", "SuccessAction") // a [Unit] key
		if !stop && !success {
			return []record.Problem{{File: u.File.Path, Line: u.File.SectionLine("Service"), Key: "ExecStart", Rule: record.InvalidUnit,
				Message: fmt.Sprintf("service %s has no ExecStart= (nor ExecStop= or SuccessAction=): systemd refuses to load it", u.Name.Full)}}
		}
	}
	return nil
}
