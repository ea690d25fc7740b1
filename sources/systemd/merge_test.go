package systemd

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

const (
	unitPath = "/usr/lib/systemd/system/app.service"
	dropA    = "/etc/systemd/system/app.service.d/10-a.conf"
	dropB    = "/etc/systemd/system/app.service.d/20-b.conf"
)

// parsed parses data as file, failing the test on any problem.
func parsed(t testing.TB, file, data string) File {
	t.Helper()
	f, probs := ParseFile([]byte(data), file)
	if len(probs) > 0 {
		t.Fatalf("%s: unexpected problems %+v", file, probs)
	}
	return f
}

func TestMerge(t *testing.T) {
	const unit = `[Unit]
Wants=a.service
After=a.service
[Service]
ExecStart=/bin/a
Environment=A=1
User=alice
[Unit]
ConditionPathExists=/etc/app.conf
`
	// The unit file's entries, by line.
	u := func(line int) Entry {
		f := parsed(t, unitPath, unit)
		for _, e := range f.Entries {
			if e.Line == line {
				return e
			}
		}
		t.Fatalf("no entry at line %d", line)
		return Entry{}
	}
	in := func(file, section, key, value string, line int) Entry {
		return Entry{Section: section, Key: key, Value: value, File: file, Line: line}
	}
	type kv struct{ section, key string }

	tests := []struct {
		name      string
		dropins   []string // contents of dropA, dropB
		values    map[kv][]Entry
		overrides []Override
	}{
		{
			name: "no drop-in",
			values: map[kv][]Entry{
				{"Unit", "Wants"}:        {u(2)},
				{"Service", "ExecStart"}: {u(5)},
				{"Service", "User"}:      {u(7)},
			},
		},
		{
			name:    "list keys append",
			dropins: []string{"[Service]\nExecStart=/bin/b\nEnvironment=B=2\nEnvironment=C=3\n"},
			values: map[kv][]Entry{
				{"Service", "ExecStart"}:   {u(5), in(dropA, "Service", "ExecStart", "/bin/b", 2)},
				{"Service", "Environment"}: {u(6), in(dropA, "Service", "Environment", "B=2", 3), in(dropA, "Service", "Environment", "C=3", 4)},
			},
		},
		{
			name:    "an empty assignment resets a list",
			dropins: []string{"[Service]\nExecStart=\nExecStart=/bin/b\n"},
			values:  map[kv][]Entry{{"Service", "ExecStart"}: {in(dropA, "Service", "ExecStart", "/bin/b", 3)}},
			// By is the new value, not the reset before it.
			overrides: []Override{{Section: "Service", Key: "ExecStart", Was: u(5),
				By: in(dropA, "Service", "ExecStart", "/bin/b", 3)}},
		},
		{
			name:    "a reset alone empties the list",
			dropins: []string{"[Service]\nEnvironment=\n"},
			values:  map[kv][]Entry{{"Service", "Environment"}: nil},
			overrides: []Override{{Section: "Service", Key: "Environment", Was: u(6),
				By: in(dropA, "Service", "Environment", "", 2)}},
		},
		{
			name:    "reset then the same values is no override",
			dropins: []string{"[Service]\nExecStart=\nExecStart=/bin/a\n"},
			values:  map[kv][]Entry{{"Service", "ExecStart"}: {in(dropA, "Service", "ExecStart", "/bin/a", 3)}},
		},
		{
			name:    "reset then the same values and more is no override",
			dropins: []string{"[Service]\nExecStart=\nExecStart=/bin/a\nExecStart=/bin/b\n"},
			values: map[kv][]Entry{{"Service", "ExecStart"}: {
				in(dropA, "Service", "ExecStart", "/bin/a", 3), in(dropA, "Service", "ExecStart", "/bin/b", 4),
			}},
		},
		{
			name:    "dependency keys never reset",
			dropins: []string{"[Unit]\nWants=\nWants=b.service\nAfter=\n"},
			values: map[kv][]Entry{
				{"Unit", "Wants"}: {u(2), in(dropA, "Unit", "Wants", "b.service", 3)},
				{"Unit", "After"}: {u(3)},
			},
		},
		{
			// systemd.unit(5), drop-ins: "a setting that is parsed as a
			// list (and is not a dependency), such as AssertPathExists=".
			name:    "conditions and asserts are lists",
			dropins: []string{"[Unit]\nConditionPathExists=/etc/app.d\nAssertPathExists=/srv/app\n"},
			values: map[kv][]Entry{
				{"Unit", "ConditionPathExists"}: {u(9), in(dropA, "Unit", "ConditionPathExists", "/etc/app.d", 2)},
				{"Unit", "AssertPathExists"}:    {in(dropA, "Unit", "AssertPathExists", "/srv/app", 3)},
			},
		},
		{
			name:    "an empty condition resets",
			dropins: []string{"[Unit]\nConditionPathExists=\n"},
			values:  map[kv][]Entry{{"Unit", "ConditionPathExists"}: nil},
			overrides: []Override{{Section: "Unit", Key: "ConditionPathExists", Was: u(9),
				By: in(dropA, "Unit", "ConditionPathExists", "", 2)}},
		},
		{
			name:      "single keys: the last value wins",
			dropins:   []string{"[Service]\nUser=bob\n"},
			values:    map[kv][]Entry{{"Service", "User"}: {in(dropA, "Service", "User", "bob", 2)}},
			overrides: []Override{{Section: "Service", Key: "User", Was: u(7), By: in(dropA, "Service", "User", "bob", 2)}},
		},
		{
			name:    "single key set to the same value is no override",
			dropins: []string{"[Service]\nUser=alice\n"},
			values:  map[kv][]Entry{{"Service", "User"}: {in(dropA, "Service", "User", "alice", 2)}},
		},
		{
			name:      "single key emptied",
			dropins:   []string{"[Service]\nUser=\n"},
			values:    map[kv][]Entry{{"Service", "User"}: {in(dropA, "Service", "User", "", 2)}},
			overrides: []Override{{Section: "Service", Key: "User", Was: u(7), By: in(dropA, "Service", "User", "", 2)}},
		},
		{
			name:      "one override per drop-in and key, By its first assignment",
			dropins:   []string{"[Service]\nUser=bob\nUser=carol\n"},
			values:    map[kv][]Entry{{"Service", "User"}: {in(dropA, "Service", "User", "carol", 3)}},
			overrides: []Override{{Section: "Service", Key: "User", Was: u(7), By: in(dropA, "Service", "User", "bob", 2)}},
		},
		{
			name:    "a key set only by a drop-in is no override",
			dropins: []string{"[Service]\nGroup=staff\nExecStartPre=/bin/pre\n"},
			values: map[kv][]Entry{
				{"Service", "Group"}:        {in(dropA, "Service", "Group", "staff", 2)},
				{"Service", "ExecStartPre"}: {in(dropA, "Service", "ExecStartPre", "/bin/pre", 3)},
			},
		},
		{
			name:    "the same key in another section is another key",
			dropins: []string{"[Unit]\nUser=bob\n"},
			values: map[kv][]Entry{
				{"Service", "User"}: {u(7)},
				{"Unit", "User"}:    {in(dropA, "Unit", "User", "bob", 2)},
			},
		},
		{
			name:    "multiple drop-ins apply in order",
			dropins: []string{"[Service]\nUser=bob\nExecStart=\nExecStart=/bin/b\n", "[Service]\nUser=carol\nExecStart=/bin/c\n"},
			values: map[kv][]Entry{
				{"Service", "User"}:      {in(dropB, "Service", "User", "carol", 2)},
				{"Service", "ExecStart"}: {in(dropA, "Service", "ExecStart", "/bin/b", 4), in(dropB, "Service", "ExecStart", "/bin/c", 3)},
			},
			overrides: []Override{
				{Section: "Service", Key: "User", Was: u(7), By: in(dropA, "Service", "User", "bob", 2)},
				{Section: "Service", Key: "ExecStart", Was: u(5), By: in(dropA, "Service", "ExecStart", "/bin/b", 4)},
				{Section: "Service", Key: "User", Was: in(dropA, "Service", "User", "bob", 2), By: in(dropB, "Service", "User", "carol", 2)},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var dropins []File
			for i, d := range tc.dropins {
				dropins = append(dropins, parsed(t, []string{dropA, dropB}[i], d))
			}
			m := Merge(mustName(t, "app.service"), parsed(t, unitPath, unit), dropins)
			for k, want := range tc.values {
				if diff := cmp.Diff(want, m.Values(k.section, k.key), cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("Values(%s, %s) (-want +got):\n%s", k.section, k.key, diff)
				}
				last, ok := m.Value(k.section, k.key)
				if ok != (len(want) > 0) {
					t.Errorf("Value(%s, %s) ok = %v", k.section, k.key, ok)
				}
				if len(want) > 0 && last != want[len(want)-1] {
					t.Errorf("Value(%s, %s) = %+v, want the last of Values", k.section, k.key, last)
				}
			}
			if diff := cmp.Diff(tc.overrides, m.Overrides, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Overrides (-want +got):\n%s", diff)
			}
			wantFiles := []string{unitPath, dropA, dropB}[:1+len(tc.dropins)]
			if diff := cmp.Diff(wantFiles, m.Files()); diff != "" {
				t.Errorf("Files (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(wantFiles[1:], m.DropIns, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("DropIns (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMergeAccessors(t *testing.T) {
	m := Merge(mustName(t, "app.service"), File{}, []File{parsed(t, dropA, "[Service]\nUser=bob\n")})
	if diff := cmp.Diff([]string{dropA}, m.Files()); diff != "" {
		t.Errorf("Files of a unit without a file (-want +got):\n%s", diff)
	}
	if v, ok := m.Value("Service", "Group"); ok || v != (Entry{}) {
		t.Errorf("Value of an unset key = %+v, %v", v, ok)
	}
	if v := m.Values("Service", "Group"); v != nil {
		t.Errorf("Values of an unset key = %+v", v)
	}
	if m.Name.Full != "app.service" || m.File.Path != "" {
		t.Errorf("Name %+v, File %+v", m.Name, m.File)
	}
}
