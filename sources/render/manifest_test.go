package render

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/driftmap/driftmap/sources"
	"github.com/driftmap/driftmap/sources/record"
	"github.com/driftmap/driftmap/sources/sanctum"
	"github.com/driftmap/driftmap/sources/sourcetest"
	"github.com/google/go-cmp/cmp"
)

// updateRender rewrites testdata/render/*.golden. (Other packages' tests
// use -update; this one has its own name so both can be passed to
// `go test ./...`.)
var updateRender = flag.Bool("update-render", false, "rewrite testdata/render/*.golden")

// renderVoiceAgent is the desired manifest most tests render.
func renderVoiceAgent() DesiredManifest {
	return DesiredManifest{
		Service:       "voice-agent",
		File:          "~/.sanctum/services/voice-agent.yaml",
		Port:          8765,
		Requires:      []string{"qwen3-tts"},
		LaunchAgent:   "com.sanctum.voice-agent",
		GeneratedFrom: []string{"sanctum/runtime_catalog.yaml", "~/.sanctum/instance.yaml"},
	}
}

// renderGolden compares got with testdata/render/NAME, or rewrites it under
// -update-render.
func renderGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "render", name)
	if *updateRender {
		sourcetest.Must(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	sourcetest.Must(t, err)
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s (-want +got):\n%s", path, d)
	}
}

// checkRendered asserts what every successful rendering keeps: the output
// reads back through sanctum.ParseManifest with the desired owned fields, and
// rendering it again changes nothing.
func checkRendered(t *testing.T, out []byte, d DesiredManifest) {
	t.Helper()
	again, diffs, err := Manifest(out, d)
	if err != nil {
		t.Fatalf("re-render: %v\n%s", err, out)
	}
	if len(diffs) != 0 {
		t.Errorf("re-render diffs: %+v\n%s", diffs, out)
	}
	if string(again) != string(out) {
		t.Errorf("re-render changed bytes:\n%s", UnifiedDiff(d.File, out, again))
	}
	man, probs := sanctum.ParseManifest(out, d.File)
	if len(probs) != 0 {
		t.Errorf("sanctum.ParseManifest problems: %+v", probs)
	}
	var requires []string
	for _, r := range man.Requires {
		requires = append(requires, sources.NormName(r.Name))
	}
	slices.Sort(requires)
	var wantRequires []string
	for _, r := range d.Requires {
		wantRequires = append(wantRequires, sources.NormName(r))
	}
	slices.Sort(wantRequires)
	wantRequires = slices.Compact(wantRequires)
	launchAgent := ""
	if man.LaunchAgent != nil {
		launchAgent = man.LaunchAgent.Name
	}
	got := []any{sources.NormName(man.Name), man.Port, requires, launchAgent}
	want := []any{sources.NormName(d.Service), d.Port, wantRequires, d.LaunchAgent}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("sanctum.ParseManifest of the output (-want +got):\n%s", d)
	}
}

func TestRenderManifestNew(t *testing.T) {
	minimal := DesiredManifest{Service: "notes", File: "~/.sanctum/services/notes.yaml"}
	for _, tc := range []struct {
		golden string
		d      DesiredManifest
		diffs  []FieldDiff
	}{
		{"new-voice-agent.golden", renderVoiceAgent(), []FieldDiff{
			{Field: "name", Have: "(absent)", Want: "voice-agent"},
			{Field: "port", Have: "(absent)", Want: "8765"},
			{Field: "requires", Have: "(absent)", Want: "[qwen3-tts]"},
			{Field: "launchagent", Have: "(absent)", Want: "com.sanctum.voice-agent"},
		}},
		{"new-minimal.golden", minimal, []FieldDiff{
			{Field: "name", Have: "(absent)", Want: "notes"},
		}},
		{"new-unsorted.golden", DesiredManifest{
			Service: "triage", Requires: []string{"vm", "qwen3-tts", "vm"}, LaunchAgent: "com.sanctum.triage",
			GeneratedFrom: []string{"b.yaml", "a.yaml"},
		}, []FieldDiff{
			{Field: "name", Have: "(absent)", Want: "triage"},
			{Field: "requires", Have: "(absent)", Want: "[qwen3-tts, vm]"},
			{Field: "launchagent", Have: "(absent)", Want: "com.sanctum.triage"},
		}},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			out, diffs, err := Manifest(nil, tc.d)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.diffs, diffs); d != "" {
				t.Errorf("diffs (-want +got):\n%s", d)
			}
			renderGolden(t, tc.golden, out)
			checkRendered(t, out, tc.d)
			again, _, _ := Manifest(nil, tc.d)
			if string(again) != string(out) {
				t.Error("rendering a new manifest is not deterministic")
			}
		})
	}
}

func TestRenderManifestUnchanged(t *testing.T) {
	ab := DesiredManifest{Service: "x", Requires: []string{"a", "b"}}
	for _, tc := range []struct {
		name string
		data string
		d    DesiredManifest
	}{
		{"flow requires in another order", "name: x\nrequires: [b, a]\n", ab},
		{"block requires", "name: x\nrequires:\n- b\n-   a\n", ab},
		{"service mappings", "name: x\nrequires:\n  - {service: a}\n  - service: b\n    optional: true\n", ab},
		{"underscores and dashes", "name: x\nrequires: [a_b, c-d]\n", DesiredManifest{Service: "x", Requires: []string{"a-b", "c_d"}}},
		{"underscore in requires", "name: x\nrequires: [qwen3_tts]\n", DesiredManifest{Service: "x", Requires: []string{"qwen3-tts"}}},
		{"underscore in name", "name: voice_agent\n", DesiredManifest{Service: "voice-agent"}},
		{"single name", "name: x\nrequires: a\n", DesiredManifest{Service: "x", Requires: []string{"a"}}},
		{"empty requires list", "name: x\nrequires: []\n", DesiredManifest{Service: "x"}},
		{"null requires", "name: x\nrequires:\nport: ~\nlaunchagent: null\n", DesiredManifest{Service: "x"}},
		{"port 0 and empty launchagent", "name: x\nport: 0\nlaunchagent: ''\n", DesiredManifest{Service: "x"}},
		{"absent port", "name: x\nhealth: {liveness: {type: process}}\n", DesiredManifest{Service: "x"}},
		{"quoting and key order", "launchagent: \"com.x\"\n'port': 0x50\nname: 'x'\n", DesiredManifest{Service: "x", Port: 80, LaunchAgent: "com.x"}},
		{"flow top level", "{name: x, port: 1, requires: [a]}", DesiredManifest{Service: "x", Port: 1, Requires: []string{"a"}}},
		{"no trailing newline", "name: x\nport: 1", DesiredManifest{Service: "x", Port: 1}},
		{"comments everywhere", `# head

# on name
name: x   # odd   spacing kept
port:   8765    # port
requires:     # list
  # a's head
  - a        # a
  - {service: b}  # b
  # foot of list

launchagent: 'com.x'
# trailing
`, DesiredManifest{Service: "x", Port: 8765, Requires: []string{"b", "a"}, LaunchAgent: "com.x"}},
		{"hand edited", readRenderFile(t, "hand-edited.yaml"), DesiredManifest{
			Service: "voice-agent", Port: 8765, Requires: []string{"qwen3-tts", "vm"}, LaunchAgent: "com.sanctum.voice-agent"}},
		{"owned keys inside an alias", "base: &b [a]\nname: x\nrequires: *b\n", DesiredManifest{Service: "x", Requires: []string{"a"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, diffs, err := Manifest([]byte(tc.data), tc.d)
			if err != nil {
				t.Fatal(err)
			}
			if diffs != nil {
				t.Errorf("diffs = %+v, want none", diffs)
			}
			if string(out) != tc.data {
				t.Errorf("bytes changed:\n%s", UnifiedDiff("m.yaml", []byte(tc.data), out))
			}
		})
	}
}

func readRenderFile(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "render", name))
	sourcetest.Must(t, err)
	return string(data)
}

func TestRenderManifestHandEdited(t *testing.T) {
	// Only port differs: everything the owner wrote survives and only the
	// port line changes.
	in := readRenderFile(t, "hand-edited.yaml")
	d := DesiredManifest{Service: "voice-agent", File: "services/voice-agent.yaml", Port: 8766,
		Requires: []string{"qwen3-tts", "vm"}, LaunchAgent: "com.sanctum.voice-agent"}
	out, diffs, err := Manifest([]byte(in), d)
	if err != nil {
		t.Fatal(err)
	}
	want := []FieldDiff{{Field: "port", Have: "8765", Want: "8766", Line: 7}}
	if d := cmp.Diff(want, diffs); d != "" {
		t.Errorf("diffs (-want +got):\n%s", d)
	}
	renderGolden(t, "hand-edited.golden", out)
	checkRendered(t, out, d)
	udiff := UnifiedDiff(d.File, []byte(in), out)
	renderGolden(t, "hand-edited.diff", []byte(udiff))
	for _, s := range []string{"-port: 8765", "+port: 8766", "--- a/services/voice-agent.yaml\n", "+++ b/services/voice-agent.yaml\n"} {
		if !strings.Contains(udiff, s) {
			t.Errorf("diff lacks %q:\n%s", s, udiff)
		}
	}
	var changed []string
	for _, line := range strings.Split(udiff, "\n") {
		if (strings.HasPrefix(line, "-") || strings.HasPrefix(line, "+")) &&
			!strings.HasPrefix(line, "---") && !strings.HasPrefix(line, "+++") {
			changed = append(changed, line)
		}
	}
	if d := cmp.Diff([]string{"-port: 8765 # the websocket port", "+port: 8766 # the websocket port"}, changed); d != "" {
		t.Errorf("changed lines (-want +got):\n%s", d)
	}
	for _, s := range []string{"# Owned by the voice team", "# shown in the dashboard", "# the websocket port",
		"# How we know it is alive.", "# restart first, page second", "timeout_s: 2", "who: '@voice-oncall'"} {
		if !strings.Contains(string(out), s) {
			t.Errorf("output lost %q", s)
		}
	}
}

func TestRenderManifestChanged(t *testing.T) {
	base := DesiredManifest{Service: "x", Port: 8765, Requires: []string{"a", "b"}, LaunchAgent: "com.x"}
	with := func(f func(*DesiredManifest)) DesiredManifest {
		d := base
		f(&d)
		return d
	}
	const current = "# head\nname: x\nport: 8765 # api\nrequires: [a, b] # deps\nlaunchagent: com.x\nhealth: {liveness: {type: port, port: 8765}}\n"
	for _, tc := range []struct {
		name  string
		data  string
		d     DesiredManifest
		want  string
		diffs []FieldDiff
	}{
		{
			name:  "port",
			data:  current,
			d:     with(func(d *DesiredManifest) { d.Port = 9000 }),
			want:  "# head\nname: x\nport: 9000 # api\nrequires: [a, b] # deps\nlaunchagent: com.x\nhealth: {liveness: {type: port, port: 8765}}\n",
			diffs: []FieldDiff{{Field: "port", Have: "8765", Want: "9000", Line: 3}},
		},
		{
			name:  "requires added and flow style kept",
			data:  current,
			d:     with(func(d *DesiredManifest) { d.Requires = []string{"c", "a", "b"} }),
			want:  "# head\nname: x\nport: 8765 # api\nrequires: [a, b, c] # deps\nlaunchagent: com.x\nhealth: {liveness: {type: port, port: 8765}}\n",
			diffs: []FieldDiff{{Field: "requires", Have: "[a, b]", Want: "[a, b, c]", Line: 4}},
		},
		{
			name: "block requires keeps style and item comments, writes plain names",
			data: "name: x\nrequires:\n  - service: a # first\n  - old\nextra: 1\n",
			d:    DesiredManifest{Service: "x", Requires: []string{"a", "new"}},
			want: "name: x\nrequires:\n  - a # first\n  - new\nextra: 1\n",
			diffs: []FieldDiff{
				{Field: "requires", Have: "[a, old]", Want: "[a, new]", Line: 2},
			},
		},
		{
			name:  "requires removed",
			data:  current,
			d:     with(func(d *DesiredManifest) { d.Requires = nil }),
			want:  "# head\nname: x\nport: 8765 # api\nlaunchagent: com.x\nhealth: {liveness: {type: port, port: 8765}}\n",
			diffs: []FieldDiff{{Field: "requires", Have: "[a, b]", Want: "(absent)", Line: 4}},
		},
		{
			name:  "launchagent removed",
			data:  current,
			d:     with(func(d *DesiredManifest) { d.LaunchAgent = "" }),
			want:  "# head\nname: x\nport: 8765 # api\nrequires: [a, b] # deps\nhealth: {liveness: {type: port, port: 8765}}\n",
			diffs: []FieldDiff{{Field: "launchagent", Have: "com.x", Want: "(absent)", Line: 5}},
		},
		{
			name:  "launchagent added after the owned fields before it",
			data:  "name: x\nport: 8765\nhealth: {}\n",
			d:     DesiredManifest{Service: "x", Port: 8765, LaunchAgent: "com.x"},
			want:  "name: x\nport: 8765\nlaunchagent: com.x\nhealth: {}\n",
			diffs: []FieldDiff{{Field: "launchagent", Have: "(absent)", Want: "com.x"}},
		},
		{
			name:  "launchagent changed keeps quoting",
			data:  "name: x\nlaunchagent: 'com.old'\n",
			d:     DesiredManifest{Service: "x", LaunchAgent: "com.new"},
			want:  "name: x\nlaunchagent: 'com.new'\n",
			diffs: []FieldDiff{{Field: "launchagent", Have: "com.old", Want: "com.new", Line: 2}},
		},
		{
			name:  "name changed",
			data:  current,
			d:     with(func(d *DesiredManifest) { d.Service = "y" }),
			want:  "# head\nname: y\nport: 8765 # api\nrequires: [a, b] # deps\nlaunchagent: com.x\nhealth: {liveness: {type: port, port: 8765}}\n",
			diffs: []FieldDiff{{Field: "name", Have: "x", Want: "y", Line: 2}},
		},
		{
			name: "all owned fields missing: inserted first, in order, header kept on top",
			data: "# header\ndisplay_name: X\nhealth: {}\n",
			d:    base,
			want: "# header\nname: x\nport: 8765\nrequires:\n  - a\n  - b\nlaunchagent: com.x\ndisplay_name: X\nhealth: {}\n",
			diffs: []FieldDiff{
				{Field: "name", Have: "(absent)", Want: "x"},
				{Field: "port", Have: "(absent)", Want: "8765"},
				{Field: "requires", Have: "(absent)", Want: "[a, b]"},
				{Field: "launchagent", Have: "(absent)", Want: "com.x"},
			},
		},
		{
			name: "wrong types are rewritten",
			data: "name: [x]\nport: \"8765\"\nrequires: {a: 1}\nlaunchagent: {label: com.x}\n",
			d:    base,
			want: "name: x\nport: 8765\nrequires:\n  - a\n  - b\nlaunchagent: com.x\n",
			diffs: []FieldDiff{
				{Field: "name", Have: "[x]", Want: "x", Line: 1},
				{Field: "port", Have: `"8765"`, Want: "8765", Line: 2},
				{Field: "requires", Have: "{a: 1}", Want: "[a, b]", Line: 3},
				{Field: "launchagent", Have: "{label: com.x}", Want: "com.x", Line: 4},
			},
		},
		{
			name:  "empty list to names keeps flow style",
			data:  "name: x\nrequires: []\n",
			d:     DesiredManifest{Service: "x", Requires: []string{"a"}},
			want:  "name: x\nrequires: [a]\n",
			diffs: []FieldDiff{{Field: "requires", Have: "[]", Want: "[a]", Line: 2}},
		},
		{
			name:  "duplicate requires entries differ",
			data:  "name: x\nrequires: [a, a_]\nother: [a, a]\n",
			d:     DesiredManifest{Service: "x", Requires: []string{"a"}},
			want:  "name: x\nrequires: [a]\nother: [a, a]\n",
			diffs: []FieldDiff{{Field: "requires", Have: "[a, a_]", Want: "[a]", Line: 2}},
		},
		{
			name:  "deleted first key's header moves to the next key",
			data:  "# header\nport: 1\nname: x\n",
			d:     DesiredManifest{Service: "x"},
			want:  "# header\nname: x\n",
			diffs: []FieldDiff{{Field: "port", Have: "1", Want: "(absent)", Line: 2}},
		},
		{
			name:  "deleted key's foot comment stays",
			data:  "name: x\nport: 1\n# about what follows\n\nhealth: {}\n",
			d:     DesiredManifest{Service: "x"},
			want:  "name: x\n# about what follows\n\nhealth: {}\n",
			diffs: []FieldDiff{{Field: "port", Have: "1", Want: "(absent)", Line: 2}},
		},
		{
			name:  "anchor in a replaced value: its aliases are expanded",
			data:  "name: x\nport: &p 8765\nhealth: {liveness: {port: *p}}\n",
			d:     DesiredManifest{Service: "x", Port: 9000},
			want:  "name: x\nport: 9000\nhealth: {liveness: {port: 8765}}\n",
			diffs: []FieldDiff{{Field: "port", Have: "8765", Want: "9000", Line: 2}},
		},
		{
			name:  "anchor in a deleted value",
			data:  "name: x\nrequires: &r [a, {service: b}]\nalso: *r\nagain: *r\n",
			d:     DesiredManifest{Service: "x"},
			want:  "name: x\nalso: [a, {service: b}]\nagain: [a, {service: b}]\n",
			diffs: []FieldDiff{{Field: "requires", Have: "[a, b]", Want: "(absent)", Line: 2}},
		},
		{
			name:  "CRLF line endings are kept",
			data:  "name: x\r\nport: 1\r\n\r\nhealth: {}\r\n",
			d:     DesiredManifest{Service: "x", Port: 2, LaunchAgent: "com.x"},
			want:  "name: x\r\nport: 2\r\nlaunchagent: com.x\r\n\r\nhealth: {}\r\n",
			diffs: []FieldDiff{{Field: "port", Have: "1", Want: "2", Line: 2}, {Field: "launchagent", Have: "(absent)", Want: "com.x"}},
		},
		{
			name:  "no trailing newline, changed last line",
			data:  "name: x\nport: 1",
			d:     DesiredManifest{Service: "x", Port: 2},
			want:  "name: x\nport: 2\n",
			diffs: []FieldDiff{{Field: "port", Have: "1", Want: "2", Line: 2}},
		},
		{
			name:  "no trailing newline, inserted at the end",
			data:  "health: 1\nname: x",
			d:     DesiredManifest{Service: "x", LaunchAgent: "com.x"},
			want:  "health: 1\nname: x\nlaunchagent: com.x\n",
			diffs: []FieldDiff{{Field: "launchagent", Have: "(absent)", Want: "com.x"}},
		},
		{
			name:  "deleted key's own comment goes with it",
			data:  "name: x\n\n# the port\nport: 1 # api\nother: 2\n",
			d:     DesiredManifest{Service: "x"},
			want:  "name: x\n\nother: 2\n",
			diffs: []FieldDiff{{Field: "port", Have: "1", Want: "(absent)", Line: 4}},
		},
		{
			name:  "block list: comments after it stay once",
			data:  "name: x\nrequires:\n  # deps\n  - a # first\n  - b\n  # foot of list\n\n# la\nlaunchagent: y\n",
			d:     DesiredManifest{Service: "x", Requires: []string{"a", "c"}, LaunchAgent: "y"},
			want:  "name: x\nrequires:\n  # deps\n  - a # first\n  - c\n  # foot of list\n\n# la\nlaunchagent: y\n",
			diffs: []FieldDiff{{Field: "requires", Have: "[a, b]", Want: "[a, c]", Line: 2}},
		},
		{
			name:  "multi-line flow value",
			data:  "name: x\nrequires: [a,\n  b]\nz: 1\n",
			d:     DesiredManifest{Service: "x", Requires: []string{"a"}},
			want:  "name: x\nrequires: [a]\nz: 1\n",
			diffs: []FieldDiff{{Field: "requires", Have: "[a, b]", Want: "[a]", Line: 2}},
		},
		{
			name:  "byte order mark and document markers are kept",
			data:  "\ufeff%YAML 1.1\n---\nport: 1\nname: x\n...\n",
			d:     DesiredManifest{Service: "x", Port: 2},
			want:  "\ufeff%YAML 1.1\n---\nport: 2\nname: x\n...\n",
			diffs: []FieldDiff{{Field: "port", Have: "1", Want: "2", Line: 3}},
		},
		{
			name:  "document end marker after a replaced last field",
			data:  "name: x\nport: 1\n...\n",
			d:     DesiredManifest{Service: "x", Port: 2},
			want:  "name: x\nport: 2\n...\n",
			diffs: []FieldDiff{{Field: "port", Have: "1", Want: "2", Line: 2}},
		},
		{
			name:  "flow top level is re-encoded",
			data:  "{name: x, port: 1, z: [1, 2]}",
			d:     DesiredManifest{Service: "x", Port: 2},
			want:  "{name: x, port: 2, z: [1, 2]}\n",
			diffs: []FieldDiff{{Field: "port", Have: "1", Want: "2", Line: 1}},
		},
		{
			name:  "re-encoding spells implicit nulls",
			data:  "{name: x, tags: {a, b: ~}}",
			d:     DesiredManifest{Service: "x", Port: 2},
			want:  "{name: x, port: 2, tags: {a: null, b: ~}}\n",
			diffs: []FieldDiff{{Field: "port", Have: "(absent)", Want: "2"}},
		},
		{
			name:  "indented top level is re-encoded",
			data:  "  name: x\n  port: 1\n\n  z:   3\n",
			d:     DesiredManifest{Service: "x", Port: 2},
			want:  "name: x\nport: 2\nz: 3\n",
			diffs: []FieldDiff{{Field: "port", Have: "1", Want: "2", Line: 2}},
		},
		{
			name:  "alias as an owned value",
			data:  "defaults: {port: &p 1}\nname: x\nport: *p\n",
			d:     DesiredManifest{Service: "x", Port: 2},
			want:  "defaults: {port: &p 1}\nname: x\nport: 2\n",
			diffs: []FieldDiff{{Field: "port", Have: "1", Want: "2", Line: 3}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.d.File = "m.yaml"
			out, diffs, err := Manifest([]byte(tc.data), tc.d)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.diffs, diffs); d != "" {
				t.Errorf("diffs (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.want, string(out)); d != "" {
				t.Errorf("output (-want +got):\n%s", d)
			}
			checkRendered(t, out, tc.d)
		})
	}
}

func TestRenderManifestErrors(t *testing.T) {
	d := DesiredManifest{Service: "x", File: "m.yaml", Port: 1}
	for _, tc := range []struct {
		name string
		data string
		d    DesiredManifest
		want record.Problem
	}{
		{"invalid YAML", "name: x\nport: [1\n", d,
			record.Problem{File: "m.yaml", Line: 1, Message: "invalid YAML: did not find expected ',' or ']'"}},
		{"tab indent", "name: x\n\tport: 1\n", d,
			record.Problem{File: "m.yaml", Line: 2, Message: "invalid YAML: found a tab character that violates indentation"}},
		{"duplicate key", "name: x\nport: 1\nport: 2\n", d,
			record.Problem{File: "m.yaml", Line: 3, Key: "port", Message: `duplicate key "port" (first defined at line 2); YAML keeps only one of them`}},
		{"nested duplicate key", "name: x\nport: 1\nhealth: {a: 1, a: 2}\n", d,
			record.Problem{File: "m.yaml", Line: 3, Key: "health.a", Message: `duplicate key "a" (first defined at line 3); YAML keeps only one of them`}},
		{"top-level list", "- name: x\n", d,
			record.Problem{File: "m.yaml", Line: 1, Message: "top level must be a mapping, found a list"}},
		{"top-level string", "name\n", d,
			record.Problem{File: "m.yaml", Line: 1, Message: "top level must be a mapping, found a string"}},
		{"empty", "", d,
			record.Problem{File: "m.yaml", Message: "manifest is empty; the top level must be a mapping"}},
		{"only comments", "# nothing yet\n", d,
			record.Problem{File: "m.yaml", Message: "manifest is empty; the top level must be a mapping"}},
		{"null", "~\n", d,
			record.Problem{File: "m.yaml", Line: 1, Message: "top level must be a mapping, found null"}},
		{"two documents", "name: x\nport: 1\n---\nname: y\n", d,
			record.Problem{File: "m.yaml", Line: 3, Message: "manifest has more than one YAML document; render rewrites single-document manifests only"}},
		{"no service name", "name: x\n", DesiredManifest{File: "m.yaml"},
			record.Problem{File: "m.yaml", Message: "cannot render manifest: no service name"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, diffs, err := Manifest([]byte(tc.data), tc.d)
			var rerr *ManifestError
			if !errors.As(err, &rerr) {
				t.Fatalf("err = %v (%T), want a *ManifestError; out:\n%s", err, err, out)
			}
			if d := cmp.Diff(tc.want, rerr.Problem); d != "" {
				t.Errorf("problem (-want +got):\n%s", d)
			}
			if out != nil || diffs != nil {
				t.Errorf("got output %q and diffs %+v with an error", out, diffs)
			}
			if !strings.HasPrefix(err.Error(), "m.yaml:") {
				t.Errorf("error %q does not start with the file", err)
			}
		})
	}
}

func TestManifestRenderErrorText(t *testing.T) {
	for _, tc := range []struct {
		p    record.Problem
		want string
	}{
		{record.Problem{File: "f.yaml", Line: 3, Message: "bad"}, "f.yaml:3: bad"},
		{record.Problem{File: "f.yaml", Message: "bad"}, "f.yaml: bad"},
		{record.Problem{Message: "bad"}, "bad"},
	} {
		if got := (&ManifestError{tc.p}).Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
}

func TestUnifiedDiffRender(t *testing.T) {
	old := []byte("name: x\nport: 8765\nhost: localhost\n")
	new := []byte("name: x\nport: 8766\nhost: localhost\n")
	for _, tc := range []struct {
		name     string
		old, new []byte
		want     string
	}{
		{"equal", old, old, ""},
		{"both nil", nil, nil, ""},
		{"port", old, new, "--- a/m.yaml\n+++ b/m.yaml\n@@ -1,3 +1,3 @@\n name: x\n-port: 8765\n+port: 8766\n host: localhost\n"},
		{"new file", nil, []byte("name: x\n"), "--- /dev/null\n+++ b/m.yaml\n@@ -0,0 +1,1 @@\n+name: x\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if d := cmp.Diff(tc.want, UnifiedDiff("m.yaml", tc.old, tc.new)); d != "" {
				t.Errorf("diff (-want +got):\n%s", d)
			}
		})
	}
	if got := UnifiedDiff("/abs/m.yaml", old, new); !strings.HasPrefix(got, "--- a/abs/m.yaml\n+++ b/abs/m.yaml\n") {
		t.Errorf("absolute path headers:\n%s", got)
	}
}
