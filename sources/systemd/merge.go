package systemd

import (
	"slices"
	"strings"
)

// Unit is a unit as its manager sees it: its file with its drop-ins
// applied in order.
type Unit struct {
	Name Name
	// File is the unit file (for an instance, its template's, unless the
	// instance has a file of its own).
	File File
	// DropIns are the drop-ins applied, in order.
	DropIns []string
	// Overrides lists the keys a drop-in changed (see Merge).
	Overrides []Override

	// values holds the effective assignments of each section and key,
	// after resets.
	values map[sectionKey][]Entry
}

type sectionKey struct{ section, key string }

// Override is a key of the unit that a drop-in replaced or reset: Was
// is the first assignment it replaced (in the unit file or an earlier
// drop-in), By the drop-in's first assignment of the key that sets a
// value (the new ExecStart=, not the empty one that resets the list),
// or its reset when it sets none.
type Override struct {
	Section, Key string
	Was, By      Entry
}

// listKeys accumulate values: an empty assignment resets the list. The
// dependencies accumulate too, but never reset (see depKeys).
var listKeys = set(
	"ExecCondition", "ExecStartPre", "ExecStart", "ExecStartPost", "ExecReload", "ExecStop",
	"ExecStopPre", "ExecStopPost", "Environment", "EnvironmentFile", "PassEnvironment",
	"UnsetEnvironment", "Sockets", "ListenStream", "ListenDatagram", "ListenSequentialPacket",
	"ListenFIFO", "ListenSpecial", "ListenNetlink", "ListenMessageQueue", "ListenUSBFunction",
	"PathExists", "PathExistsGlob", "PathChanged", "PathModified", "DirectoryNotEmpty",
	"OnCalendar", "OnActiveSec", "OnBootSec", "OnStartupSec", "OnUnitActiveSec", "OnUnitInactiveSec",
	"ReadWritePaths", "ReadOnlyPaths", "InaccessiblePaths", "ExecPaths", "NoExecPaths",
	"BindPaths", "BindReadOnlyPaths", "SupplementaryGroups",
	"WantedBy", "RequiredBy", "UpheldBy", "Alias", "Also", "Documentation",
)

// depKeys never reset: an empty assignment of a dependency is ignored.
var depKeys = set("Wants", "Requires", "Requisite", "BindsTo", "PartOf", "Upholds", "After", "Before",
	"Conflicts", "OnFailure", "OnSuccess")

// Merge applies the drop-ins to the unit file f, in the order given (the
// caller sorts them by file name, as systemd does). In a list key (Exec
// lines, Environment=, EnvironmentFile=, Sockets=, Condition...=,
// Assert...=, ...) an empty assignment resets the list and any other
// adds to it; dependencies (Requires=, After=, ...) only ever add; any
// other key takes its last value. A drop-in that replaces or resets a key that was set before it,
// to other values, is recorded in Overrides, once per drop-in and key;
// adding to a list is not an override.
func Merge(name Name, f File, dropins []File) *Unit {
	u := &Unit{Name: name, File: f, values: map[sectionKey][]Entry{}}
	for _, e := range f.Entries {
		u.apply(e)
	}
	for _, d := range dropins {
		u.DropIns = append(u.DropIns, d.Path)
		before := map[sectionKey][]Entry{}
		var touched []sectionKey
		for _, e := range d.Entries {
			k := sectionKey{e.Section, e.Key}
			if _, ok := before[k]; !ok {
				before[k] = slices.Clone(u.values[k])
				touched = append(touched, k)
			}
			u.apply(e)
		}
		for _, k := range touched {
			was, now := before[k], u.values[k]
			if len(was) == 0 || startsWith(now, was) {
				continue
			}
			by := firstIn(d.Entries, k)
			u.Overrides = append(u.Overrides, Override{Section: k.section, Key: k.key, Was: was[0], By: by})
		}
	}
	return u
}

// startsWith reports whether now keeps every value of was, in order, at
// its start: the key was added to, not changed.
func startsWith(now, was []Entry) bool {
	if len(now) < len(was) {
		return false
	}
	for i := range was {
		if now[i].Value != was[i].Value {
			return false
		}
	}
	return true
}

// firstIn returns the first assignment of k in es that sets a value
// (past a reset), else the first assignment.
func firstIn(es []Entry, k sectionKey) Entry {
	var first Entry
	for _, e := range es {
		if e.Section != k.section || e.Key != k.key {
			continue
		}
		if e.Value != "" {
			return e
		}
		if first.File == "" {
			first = e
		}
	}
	return first
}

func (u *Unit) apply(e Entry) {
	k := sectionKey{e.Section, e.Key}
	switch {
	case depKeys[e.Key]:
		if e.Value != "" {
			u.values[k] = append(u.values[k], e)
		}
	case listKeys[e.Key] || isCondition(e.Key):
		if e.Value == "" {
			u.values[k] = []Entry{}
		} else {
			u.values[k] = append(u.values[k], e)
		}
	default:
		u.values[k] = []Entry{e}
	}
}

// isCondition reports whether key is a Condition...= or Assert...=
// setting: systemd.unit(5) lists them, and an empty assignment resets
// them (all of them, in systemd; here the key's own list).
func isCondition(key string) bool {
	return strings.HasPrefix(key, "Condition") || strings.HasPrefix(key, "Assert")
}

// Values returns the effective assignments of a key, in order.
func (u *Unit) Values(section, key string) []Entry { return u.values[sectionKey{section, key}] }

// Value returns the effective (last) assignment of a key.
func (u *Unit) Value(section, key string) (Entry, bool) {
	vs := u.values[sectionKey{section, key}]
	if len(vs) == 0 {
		return Entry{}, false
	}
	return vs[len(vs)-1], true
}

// Files lists the unit file and its drop-ins, in the order applied.
func (u *Unit) Files() []string {
	var out []string
	if u.File.Path != "" {
		out = append(out, u.File.Path)
	}
	return append(out, u.DropIns...)
}
