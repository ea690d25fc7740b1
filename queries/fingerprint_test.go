package queries

import (
	"path/filepath"
	"testing"

	"github.com/driftmap/driftmap/graph"
)

// catalogFinding is the finding the broken demo gives about the catalog,
// as check sees it with the workspace ws: the loader names workspace
// files by filepath.Join(ws, name), in the location, the evidence and a
// file node's ID alike.
func catalogFinding(ws string, line int, msg, token string) Finding {
	cat := filepath.Join(ws, "sanctum", "runtime_catalog.yaml")
	return Finding{
		Rule: "conflicting-definition", Severity: Error, Subject: "service:vm",
		Message: msg, File: cat, Line: line,
		Evidence: []graph.Evidence{
			{File: "/Users/bert/.sanctum/instance.yaml", Line: 45, Key: "services.vm.port", Token: token},
			{File: cat, Line: line, Key: "services.vm.port", Token: "2200"},
		},
	}
}

// fileFinding is a finding about a workspace file node (file:WS/...).
func fileFinding(ws string) Finding {
	cat := filepath.Join(ws, "sanctum", "agent_capabilities.yaml")
	return Finding{
		Rule: "artifact-missing", Severity: Warning, Subject: "file:" + cat,
		Message: "missing", File: cat,
		Evidence: []graph.Evidence{{File: cat, Key: "artifacts (default)"}},
	}
}

func TestFingerprintStable(t *testing.T) {
	base := catalogFinding(".", 25, "service vm has conflicting ports: 2200, 2222", "2222")
	want := Fingerprint(base, ".")
	if !IsFingerprint(want) {
		t.Fatalf("Fingerprint = %q, not 32 hex digits", want)
	}
	reordered := catalogFinding("workspace", 25, "x", "2222")
	reordered.Evidence[0], reordered.Evidence[1] = reordered.Evidence[1], reordered.Evidence[0]
	for _, tc := range []struct {
		name string
		ws   string
		f    Finding
	}{
		{"workspace given as a relative directory", "workspace", catalogFinding("workspace", 25, base.Message, "2222")},
		{"workspace given with ./ and a trailing slash", "./testdata/demo/broken/workspace/", catalogFinding("testdata/demo/broken/workspace", 25, base.Message, "2222")},
		{"workspace given as an absolute path", "/home/ci/src/driftmap/testdata/demo/broken/workspace", catalogFinding("/home/ci/src/driftmap/testdata/demo/broken/workspace", 25, base.Message, "2222")},
		{"another checkout location", "/tmp/checkout-2/workspace", catalogFinding("/tmp/checkout-2/workspace", 25, base.Message, "2222")},
		{"lines moved by an unrelated edit", ".", catalogFinding(".", 31, base.Message, "2222")},
		{"live values changed (message and token)", ".", catalogFinding(".", 25, "service vm has conflicting ports: 2200, 2223", "2223")},
		{"evidence in another order", "workspace", reordered},
	} {
		if got := Fingerprint(tc.f, tc.ws); got != want {
			t.Errorf("%s: fingerprint %s, want %s", tc.name, got, want)
		}
	}

	// A subject that embeds a workspace path.
	fileWant := Fingerprint(fileFinding("."), ".")
	for _, ws := range []string{"workspace", "/abs/checkout/workspace", "../other/ws"} {
		if got := Fingerprint(fileFinding(ws), ws); got != fileWant {
			t.Errorf("file subject with workspace %s: fingerprint %s, want %s", ws, got, fileWant)
		}
	}

	// A rotated credential in a subject and message changes nothing.
	secret := func(pw string) Finding {
		return Finding{Rule: "missing-target", Subject: "file:/opt/bin/tool --password=" + pw, File: "/Users/bert/Library/LaunchAgents/a.plist",
			Message: "runs /opt/bin/tool --password=" + pw, Evidence: []graph.Evidence{{File: "/Users/bert/Library/LaunchAgents/a.plist", Key: "Program", Token: pw}}}
	}
	if a, b := Fingerprint(secret("hunter2"), "."), Fingerprint(secret("correct-horse"), "."); a != b {
		t.Errorf("a rotated password changes the fingerprint: %s, %s", a, b)
	}
}

func TestFingerprintDistinct(t *testing.T) {
	base := catalogFinding("ws", 25, "m", "2222")
	seen := map[string]string{Fingerprint(base, "ws"): "base"}
	variant := func(name string, edit func(*Finding)) {
		f := catalogFinding("ws", 25, "m", "2222")
		edit(&f)
		fp := Fingerprint(f, "ws")
		if other, ok := seen[fp]; ok {
			t.Errorf("%s has the fingerprint of %s: %s", name, other, fp)
		}
		seen[fp] = name
	}
	variant("another rule", func(f *Finding) { f.Rule = "port-conflict" })
	variant("another subject", func(f *Finding) { f.Subject = "service:vm2" })
	variant("no subject", func(f *Finding) { f.Subject = "" })
	variant("another location", func(f *Finding) { f.File = "/Users/bert/.sanctum/instance.yaml" })
	variant("another evidence key", func(f *Finding) { f.Evidence[0].Key = "services.vm.ports" })
	variant("another evidence file", func(f *Finding) { f.Evidence[0].File = "/Users/bert/.sanctum/other.yaml" })
	variant("less evidence", func(f *Finding) { f.Evidence = f.Evidence[1:] })
	variant("more evidence", func(f *Finding) { f.Evidence = append(f.Evidence, graph.Evidence{File: "x", Key: "y"}) })
	// A root file and a workspace file of the same name are different
	// files.
	variant("the catalog's path inside the root", func(f *Finding) {
		f.File = "/sanctum/runtime_catalog.yaml"
		f.Evidence[1].File = "/sanctum/runtime_catalog.yaml"
	})
	// Field boundaries are unambiguous.
	a := Finding{Rule: "a", Subject: "bc"}
	b := Finding{Rule: "ab", Subject: "c"}
	if Fingerprint(a, ".") == Fingerprint(b, ".") {
		t.Error("rule a/subject bc and rule ab/subject c share a fingerprint")
	}
}

func TestWorkspaceRel(t *testing.T) {
	for _, tc := range []struct {
		p, ws string
		want  string
		in    bool
	}{
		{"sanctum/runtime_catalog.yaml", ".", "sanctum/runtime_catalog.yaml", true},
		{"sanctum/runtime_catalog.yaml", "", "sanctum/runtime_catalog.yaml", true},
		{"workspace/sanctum/runtime_catalog.yaml", "workspace", "sanctum/runtime_catalog.yaml", true},
		{"workspace/sanctum/runtime_catalog.yaml", "./workspace/", "sanctum/runtime_catalog.yaml", true},
		{"/src/ws/driftmap.yaml", "/src/ws", "driftmap.yaml", true},
		{"/src/ws", "/src/ws", ".", true},
		{"/src/wsx/a", "/src/ws", "/src/wsx/a", false},
		{"/Users/bert/.sanctum/instance.yaml", ".", "/Users/bert/.sanctum/instance.yaml", false},
		{"/Users/bert/.sanctum/instance.yaml", "workspace", "/Users/bert/.sanctum/instance.yaml", false},
		{"~/.sanctum/.instance.json", ".", "~/.sanctum/.instance.json", false},
		{"~/.sanctum/.instance.json", "workspace", "~/.sanctum/.instance.json", false},
		{"voice-agent", "workspace", "voice-agent", false},
		{"", ".", "", false},
	} {
		got, in := WorkspaceRel(tc.p, tc.ws)
		if got != tc.want || in != tc.in {
			t.Errorf("WorkspaceRel(%q, %q) = %q, %v; want %q, %v", tc.p, tc.ws, got, in, tc.want, tc.in)
		}
	}
}

func TestIsFingerprint(t *testing.T) {
	for s, want := range map[string]bool{
		"0123456789abcdef0123456789abcdef":  true,
		"0123456789ABCDEF0123456789abcdef":  false,
		"0123456789abcdef0123456789abcde":   false,
		"0123456789abcdef0123456789abcdef0": false,
		"0123456789abcdef0123456789abcdeg":  false,
		"":                                  false,
	} {
		if got := IsFingerprint(s); got != want {
			t.Errorf("IsFingerprint(%q) = %v", s, got)
		}
	}
}
