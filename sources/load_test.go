package sources

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources/rootfs"
	"github.com/driftmap/driftmap/sources/sourcetest"
)

// tree writes files into a new temporary directory holding root/ and
// ws/, and returns it (see sourcetest.Tree).
func tree(t *testing.T, files map[string]string) string {
	t.Helper()
	return sourcetest.Tree(t, files, "root", "ws")
}

func load(t *testing.T, dir string, fsys rootfs.FS) *Snapshot {
	t.Helper()
	snap, err := Load(Options{Root: filepath.Join(dir, "root"), Home: "/Users/bert", Workspace: filepath.Join(dir, "ws"), FS: fsys})
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

const la = "root/Users/bert/Library/LaunchAgents/"

func TestIdentityJoin(t *testing.T) {
	dir := tree(t, map[string]string{
		"ws/sanctum/runtime_catalog.yaml": `version: 1
services:
  llm-proxy:
    instance_key: litellm
    launchagent: com.sanctum.proxy
  qwen3-tts:
    launchagent: com.sanctum.yoda-tts-worker
    renamed_from: [xtts]
  triage: {}
auxiliary:
  health-tunnel: {launchagent: com.sanctum.health-tunnel, requires: [llm_proxy]}
`,
		"root/Users/bert/.sanctum/instance.yaml":        "services:\n  litellm: {port: 4000}\n  xtts: {port: 7788}\n  voice_agent: {}\n",
		"root/Users/bert/.sanctum/services/triage.yaml": "name: triage\nrequires: [xtts]\n",
		la + "com.sanctum.proxy.plist":                  sourcetest.PlistXML("com.sanctum.proxy", "/usr/bin/true"),
		la + "com.sanctum.yoda-tts-worker.plist":        sourcetest.PlistXML("com.sanctum.yoda-tts-worker", "/usr/bin/true"),
		la + "com.sanctum.triage.plist":                 sourcetest.PlistXML("com.sanctum.triage", "/usr/bin/true"),
		la + "com.sanctum.voice-agent.plist":            sourcetest.PlistXML("com.sanctum.voice-agent", "/usr/bin/true"),
		"root/usr/bin/true":                             "#!/bin/sh\n",
	})
	g := load(t, dir, nil).Graph
	var services []string
	for _, s := range g.NodesOf(graph.Service) {
		services = append(services, fmt.Sprintf("%s %s %v", s.ID, s.State, s.Origins))
	}
	want := []string{
		"service:health-tunnel enabled [auxiliary]",
		"service:llm-proxy enabled [catalog instance]",
		"service:qwen3-tts enabled [catalog instance]",
		"service:triage enabled [catalog manifest]",
		"service:voice-agent enabled [instance]",
	}
	if !reflect.DeepEqual(services, want) {
		t.Errorf("services:\n%s\nwant:\n%s", strings.Join(services, "\n"), strings.Join(want, "\n"))
	}
	var runsAs []string
	for _, e := range g.Edges() {
		if e.Kind == graph.RunsAs || e.Kind == graph.Requires {
			runsAs = append(runsAs, fmt.Sprintf("%s -%s-> %s (%s)", e.From, e.Kind, e.To, e.Evidence[0].Key))
		}
	}
	wantEdges := []string{
		"service:health-tunnel -runs-as-> job:com.sanctum.health-tunnel (auxiliary.health-tunnel.launchagent)",
		"service:health-tunnel -requires-> service:llm-proxy (auxiliary.health-tunnel.requires[0])",
		"service:llm-proxy -runs-as-> job:com.sanctum.proxy (services.llm-proxy.launchagent)",
		"service:qwen3-tts -runs-as-> job:com.sanctum.yoda-tts-worker (services.qwen3-tts.launchagent)",
		"service:triage -runs-as-> job:com.sanctum.triage (Label (naming convention))",
		"service:triage -requires-> service:qwen3-tts (requires[0])",
		"service:voice-agent -runs-as-> job:com.sanctum.voice-agent (Label (naming convention))",
	}
	if !reflect.DeepEqual(runsAs, wantEdges) {
		t.Errorf("edges:\n%s\nwant:\n%s", strings.Join(runsAs, "\n"), strings.Join(wantEdges, "\n"))
	}
	if n, _ := g.Node("job:com.sanctum.health-tunnel"); n.State != graph.Undefined {
		t.Errorf("a label no plist has is %q, want undefined", n.State)
	}
	if n, _ := g.Node("service:llm-proxy"); len(n.Ports) != 1 || n.Ports[0].Port != 4000 {
		t.Errorf("llm-proxy ports = %v", n.Ports)
	}
}

func TestRetiredAndDisabledPlists(t *testing.T) {
	dir := tree(t, map[string]string{
		la + "com.sanctum.a.plist":                        sourcetest.PlistXML("com.sanctum.a", "/gone"),
		la + "com.sanctum.a.plist.bak":                    sourcetest.PlistXML("com.sanctum.a", "/gone"),
		la + "com.sanctum.a.plist.disabled-2026-01-01":    sourcetest.PlistXML("com.sanctum.a", "/gone"),
		la + "retired-2026-04-27/com.sanctum.b.plist":     sourcetest.PlistXML("com.sanctum.b", "/gone"),
		la + "com.sanctum.c.plist.failed":                 "not even XML",
		la + "com.other.d.plist":                          sourcetest.PlistXML("com.other.d", "/gone"),
		la + "README.md":                                  "notes",
		"root/Library/LaunchDaemons/com.sanctum.e.plist":  sourcetest.PlistXML("com.sanctum.e", "/gone"),
		"root/Library/LaunchAgents/local.sanctum.f.plist": sourcetest.PlistXML("com.sanctum.f", "/gone"),
	})
	snap := load(t, dir, nil)
	var jobs []string
	for _, j := range snap.Graph.NodesOf(graph.Job) {
		jobs = append(jobs, fmt.Sprintf("%s %s", j.ID, j.State))
	}
	want := []string{
		"job:com.sanctum.a live",
		"job:com.sanctum.a@com.sanctum.a.plist.bak retired",
		"job:com.sanctum.a@com.sanctum.a.plist.disabled-2026-01-01 retired",
		"job:com.sanctum.b retired",
		"job:com.sanctum.e live",
		"job:com.sanctum.f live",
	}
	if !reflect.DeepEqual(jobs, want) {
		t.Errorf("jobs:\n%s\nwant:\n%s", strings.Join(jobs, "\n"), strings.Join(want, "\n"))
	}
	if len(snap.Problems) != 0 {
		t.Errorf("a broken retired plist must not be a problem: %v", snap.Problems)
	}
	// Only live jobs get target edges.
	for _, e := range snap.Graph.Edges() {
		if e.Kind == graph.Exec && !strings.HasPrefix(e.From, "job:com.sanctum.a") && !strings.HasPrefix(e.From, "job:com.sanctum.e") && !strings.HasPrefix(e.From, "job:com.sanctum.f") {
			t.Errorf("unexpected exec edge from %s", e.From)
		}
		if strings.Contains(e.From, "@") {
			t.Errorf("retired job has an edge: %+v", e)
		}
	}
}

func TestLabelPrefixes(t *testing.T) {
	dir := tree(t, map[string]string{
		la + "com.sanctum.a.plist":       sourcetest.PlistXML("com.sanctum.a", "/usr/bin/true"),
		la + "haus.sanctum.b.plist":      sourcetest.PlistXML("haus.sanctum.b", "/usr/bin/true"),
		la + "com.apple.c.plist":         sourcetest.PlistXML("com.apple.c", "/usr/bin/true"),
		la + "by-file-name.plist":        sourcetest.PlistXML("com.sanctum.by-label", "/usr/bin/true"),
		la + "com.sanctum.nolabel.plist": "<plist><dict><key>Program</key><string>/x</string></dict></plist>",
	})
	count := func(prefixes []string) []string {
		snap, err := Load(Options{Root: filepath.Join(dir, "root"), Home: "/Users/bert", Workspace: filepath.Join(dir, "ws"), LabelPrefixes: prefixes})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, j := range snap.Graph.NodesOf(graph.Job) {
			ids = append(ids, j.Label)
		}
		return ids
	}
	if got := count(nil); !reflect.DeepEqual(got, []string{"com.sanctum.a", "com.sanctum.by-label", "haus.sanctum.b"}) {
		t.Errorf("default prefixes: %v", got)
	}
	if got := count([]string{"haus.sanctum."}); !reflect.DeepEqual(got, []string{"haus.sanctum.b"}) {
		t.Errorf("one prefix: %v", got)
	}
	if got := count([]string{"com.sanctum.", "haus.sanctum."}); len(got) != 3 {
		t.Errorf("two prefixes: %v", got)
	}
	if got := count([]string{""}); len(got) != 4 {
		t.Errorf("empty prefix admits all: %v", got)
	}
}

// label_prefixes in driftmap.yaml replaces the default set, the flag
// replaces both, and a haus.sanctum. Label joins its service by the
// naming convention as a com.sanctum. one does.
func TestLabelPrefixSources(t *testing.T) {
	files := map[string]string{
		la + "com.sanctum.a.plist":        sourcetest.PlistXML("com.sanctum.a", "/usr/bin/true"),
		la + "haus.sanctum.triage.plist":  sourcetest.PlistXML("haus.sanctum.triage", "/usr/bin/true"),
		la + "org.other.c.plist":          sourcetest.PlistXML("org.other.c", "/usr/bin/true"),
		"ws/sanctum/runtime_catalog.yaml": "version: 1\nservices:\n  triage: {}\n",
	}
	labels := func(snap *Snapshot) []string {
		var ids []string
		for _, j := range snap.Graph.NodesOf(graph.Job) {
			ids = append(ids, j.Label)
		}
		return ids
	}
	run := func(config string, flag []string) *Snapshot {
		fs := maps.Clone(files)
		if config != "" {
			fs["ws/driftmap.yaml"] = config
		}
		dir := tree(t, fs)
		snap, err := Load(Options{Root: filepath.Join(dir, "root"), Home: "/Users/bert", Workspace: filepath.Join(dir, "ws"), LabelPrefixes: flag})
		if err != nil {
			t.Fatal(err)
		}
		return snap
	}

	snap := run("", nil)
	if got := labels(snap); !reflect.DeepEqual(got, []string{"com.sanctum.a", "haus.sanctum.triage"}) {
		t.Errorf("default: %v", got)
	}
	var joined []string
	for _, e := range snap.Graph.Edges() {
		if e.Kind == graph.RunsAs {
			joined = append(joined, fmt.Sprintf("%s -> %s (%s)", e.From, e.To, e.Evidence[0].Key))
		}
	}
	if want := []string{"service:triage -> job:haus.sanctum.triage (Label (naming convention))"}; !reflect.DeepEqual(joined, want) {
		t.Errorf("runs-as edges: %v, want %v", joined, want)
	}

	if got := labels(run("label_prefixes: [org.other.]\n", nil)); !reflect.DeepEqual(got, []string{"org.other.c"}) {
		t.Errorf("driftmap.yaml label_prefixes: %v", got)
	}
	if got := labels(run("label_prefixes: [org.other.]\n", []string{"com.sanctum."})); !reflect.DeepEqual(got, []string{"com.sanctum.a"}) {
		t.Errorf("flag over driftmap.yaml: %v", got)
	}
}

func TestReadErrorsBecomeProblems(t *testing.T) {
	dir := tree(t, map[string]string{
		la + "com.sanctum.a.plist":                 sourcetest.PlistXML("com.sanctum.a", "/usr/bin/true"),
		la + "com.sanctum.b.plist":                 sourcetest.PlistXML("com.sanctum.b", "/usr/bin/true"),
		"root/Users/bert/.sanctum/instance.yaml":   "services: {a: {}}\n",
		"root/Users/bert/.sanctum/bin/w":           "#!/bin/sh\nexec /usr/bin/true\n",
		"root/Users/bert/.sanctum/services/a.yaml": "name: a\n",
		"root/usr/bin/true":                        "#!/bin/sh\n",
	})
	fsys := sourcetest.FaultFS{FS: rootfs.RootFS{Dir: filepath.Join(dir, "root")}, Fail: map[string]error{
		"/Users/bert/Library/LaunchAgents/com.sanctum.a.plist": fs.ErrPermission,
		"/Users/bert/.sanctum/instance.yaml":                   errors.New("input/output error"),
		"/Users/bert/.sanctum/bin/w":                           fs.ErrPermission,
		"/Library/LaunchDaemons":                               fs.ErrPermission,
	}}
	snap := load(t, dir, fsys)
	var got []string
	for _, p := range snap.Problems {
		got = append(got, p.File+": "+p.Message)
	}
	want := []string{
		"/Users/bert/.sanctum/bin/w: cannot be read (permission denied)",
		"/Users/bert/.sanctum/instance.yaml: cannot be read (input/output error)",
		"/Users/bert/Library/LaunchAgents/com.sanctum.a.plist: cannot be read (permission denied)",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// An unreadable launchd directory is a source directory that cannot be
	// read (missing-directory reports it), not a parse problem.
	var dirs []string
	for _, d := range snap.Dirs {
		if d.Reason != "" || d.Exists {
			dirs = append(dirs, fmt.Sprintf("%s %s exists=%v %s", d.Name, d.Path, d.Exists, d.Reason))
		}
	}
	wantDirs := []string{
		"manifests /Users/bert/.sanctum/services exists=true ",
		"launchd /Users/bert/Library/LaunchAgents exists=true ",
		"launchd /Library/LaunchDaemons exists=false cannot be read (permission denied)",
		"wrappers /Users/bert/.sanctum/bin exists=true ",
	}
	if !reflect.DeepEqual(dirs, wantDirs) {
		t.Errorf("dirs:\n%s\nwant:\n%s", strings.Join(dirs, "\n"), strings.Join(wantDirs, "\n"))
	}
	if _, ok := snap.Graph.Node("job:com.sanctum.b"); !ok {
		t.Error("the readable plist was not loaded")
	}
}

func TestLoadIsDeterministic(t *testing.T) {
	files := map[string]string{"root/usr/bin/true": "#!/bin/sh\n"}
	for i := range 30 {
		files[fmt.Sprintf("%scom.sanctum.s%02d.plist", la, i)] = sourcetest.PlistXML(fmt.Sprintf("com.sanctum.s%02d", i), "/usr/bin/true", fmt.Sprintf("/opt/s%02d", i%7))
	}
	dir := tree(t, files)
	a, b := load(t, dir, nil), load(t, dir, nil)
	if !reflect.DeepEqual(a.Graph.Nodes(), b.Graph.Nodes()) || !reflect.DeepEqual(a.Graph.Edges(), b.Graph.Edges()) {
		t.Error("two loads of the same tree differ")
	}
}

func TestSetupErrors(t *testing.T) {
	dir := t.TempDir()
	_, err := Load(Options{Root: filepath.Join(dir, "nope"), Home: "/Users/bert", Workspace: dir})
	var se *SetupError
	if !errors.As(err, &se) || se.Hint == "" {
		t.Errorf("missing root: err = %v, want a SetupError with a hint", err)
	}
	_, err = Load(Options{Root: dir, Home: "/Users/bert", Workspace: filepath.Join(dir, "nope")})
	if !errors.As(err, &se) {
		t.Errorf("missing workspace: err = %v, want a SetupError", err)
	}
}

// TestUnitOverridesSorted: Snapshot.UnitOverrides comes sorted by unit
// (node ID), then by the drop-in's file and line, not in the order the
// managers and drop-ins were applied (the system's units before a
// user's; an instance's drop-ins by base name across its own and its
// template's directories).
func TestUnitOverridesSorted(t *testing.T) {
	const etc = "root/etc/systemd/system/"
	dir := tree(t, map[string]string{
		etc + "z.service":                                          "[Service]\nUser=a\nExecStart=/usr/bin/true\n",
		etc + "z.service.d/10.conf":                                "[Service]\nUser=b\nExecStart=\nExecStart=/usr/bin/false\n",
		etc + "w@.service":                                         "[Service]\nUser=a\nExecStart=/usr/bin/true %i\n",
		etc + "w@blue.service.d/10-a.conf":                         "[Service]\nUser=b\n",
		etc + "w@.service.d/20-b.conf":                             "[Service]\nExecStart=\nExecStart=/usr/bin/false %i\n",
		"root/Users/bert/.config/systemd/user/a.service":           "[Service]\nUser=a\n",
		"root/Users/bert/.config/systemd/user/a.service.d/10.conf": "[Service]\nUser=b\n",
	})
	sourcetest.Must(t, os.MkdirAll(filepath.Join(dir, etc, "multi-user.target.wants"), 0o755))
	sourcetest.Must(t, os.Symlink("../w@.service", filepath.Join(dir, etc, "multi-user.target.wants/w@blue.service")))
	var got []string
	for _, o := range load(t, dir, nil).UnitOverrides {
		got = append(got, fmt.Sprintf("%s %s %s:%d", o.Unit, o.Key, strings.TrimPrefix(o.By.File, "/etc/systemd/system/"), o.By.Line))
	}
	want := []string{
		"unit:user/a.service User /Users/bert/.config/systemd/user/a.service.d/10.conf:2",
		"unit:w@.service ExecStart w@.service.d/20-b.conf:3",
		"unit:w@blue.service ExecStart w@.service.d/20-b.conf:3",
		"unit:w@blue.service User w@blue.service.d/10-a.conf:2",
		"unit:z.service User z.service.d/10.conf:2",
		"unit:z.service ExecStart z.service.d/10.conf:4",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("UnitOverrides:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
