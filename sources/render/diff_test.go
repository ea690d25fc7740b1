package render

import (
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/driftmap/driftmap/sources/redact"
)

// No UnifiedDiff case prints a planted secret, whatever -update-render
// wrote into its diff section.
func TestUnifiedDiffNoSecret(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "render", "unified-diff", "*.txtar"))
	planted := 0
	for _, path := range paths {
		ar, err := txtar.ParseFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var old, new []byte
		for _, f := range ar.Files {
			switch f.Name {
			case "old.yaml":
				old = f.Data
			case "new.yaml":
				new = f.Data
			}
		}
		if strings.Contains(string(old)+string(new), "SECRET") {
			planted++
		}
		if got := UnifiedDiff("m.yaml", old, new); strings.Contains(got, "SECRET") {
			t.Errorf("%s: the diff prints a secret:\n%s", path, got)
		}
	}
	if planted < 3 {
		t.Errorf("only %d cases plant a secret", planted)
	}
}

func TestUnifiedDiffRedactsLastLine(t *testing.T) {
	old := []byte("name: x\nport: 1\ntoken: SECRET")
	new := []byte("name: x\nport: 2\ntoken: SECRET")
	want := "--- a/m.yaml\n+++ b/m.yaml\n@@ -1,3 +1,3 @@\n name: x\n-port: 1\n+port: 2\n token: <redacted>\n\\ No newline at end of file\n"
	if got := UnifiedDiff("m.yaml", old, new); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	want = "--- a/m.yaml\n+++ /dev/null\n@@ -1,3 +0,0 @@\n-name: x\n-port: 1\n-token: <redacted>\n\\ No newline at end of file\n"
	if got := UnifiedDiff("m.yaml", old, nil); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestRedactHunks(t *testing.T) {
	for _, tc := range []struct{ name, d, want string }{
		{"unplaceable lines are not shown", "--- a\n+++ b\n@@ -1,1 +1,1 @@\n-x\n+y\n-z\n", "--- a\n+++ b\n@@ -1,1 +1,1 @@\n-A\n+B\n-(line not shown)\n"},
		{"bad hunk header", "--- a\n+++ b\n@@ bad @@\n-x\n x\n", "--- a\n+++ b\n@@ bad @@\n-(line not shown)\n (line not shown)\n"},
		{"unknown line", "--- a\n+++ b\n@@ -1,1 +1,1 @@\n?x\n", "--- a\n+++ b\n@@ -1,1 +1,1 @@\n? (line not shown)\n"},
	} {
		if got := redactHunks(tc.d, []string{"A"}, []string{"B"}); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}

// FuzzUnifiedDiff checks that UnifiedDiff never panics and prints no line
// of either file that redact.YAMLLines did not give it: every hunk line
// is a redacted line of old (context, removed) or new (added).
func FuzzUnifiedDiff(f *testing.F) {
	f.Add([]byte("name: x\napi_key: a\nport: 1\n"), []byte("name: x\napi_key: a\nport: 2\n"))
	f.Add([]byte("a\nb"), []byte("a\nc\n"))
	f.Add([]byte(""), []byte("token: x\n"))
	f.Fuzz(func(t *testing.T, old, new []byte) {
		d := UnifiedDiff("m.yaml", old, new)
		shown := map[string]bool{}
		for _, l := range append(redact.YAMLLines(old), redact.YAMLLines(new)...) {
			shown[l] = true
		}
		lines := strings.Split(strings.TrimSuffix(d, "\n"), "\n")
		for i, l := range lines {
			if i < 2 || l == "" || strings.HasPrefix(l, "@@ ") || strings.HasPrefix(l, `\ No newline`) {
				continue
			}
			if !shown[l[1:]] {
				t.Fatalf("line %q is no redacted line of either file:\n%s", l, d)
			}
		}
	})
}
