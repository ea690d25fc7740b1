package main

import (
	"bytes"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	// The official SARIF 2.1.0 schema comes from this module (its
	// unexported const schema in schema.go), read from the module cache
	// by sarifSchema. Importing the package keeps the module in go.mod and
	// makes go test download it on a fresh clone.
	_ "github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
	"github.com/xeipuuv/gojsonschema"

	"github.com/driftmap/driftmap/cmd/driftmap/internal/cli"
)

const sarifModule = "github.com/owenrumney/go-sarif/v3"

// sarifSchema returns the official SARIF 2.1.0 JSON schema as
// github.com/owenrumney/go-sarif/v3 carries it: the module's directory
// from `go list -m`, then the string constant schema of
// pkg/report/v210/sarif/schema.go, read with go/parser. Nothing of it is
// copied into this repository.
func sarifSchema(t *testing.T) *gojsonschema.Schema {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to find %s: %v", sarifModule, err)
	}
	out, err := exec.Command(goBin, "list", "-m", "-f", "{{.Dir}}", sarifModule).Output()
	if err != nil {
		t.Fatalf("go list -m %s: %v", sarifModule, err)
	}
	dir := strings.TrimSpace(string(out))
	if dir == "" {
		t.Fatalf("go list -m %s: the module is not in the module cache", sarifModule)
	}
	file := filepath.Join(dir, "pkg", "report", "v210", "sarif", "schema.go")
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var text string
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			for i, n := range vs.Names {
				if lit, ok := vs.Values[i].(*ast.BasicLit); ok && n.Name == "schema" && lit.Kind == token.STRING {
					if text, err = strconv.Unquote(lit.Value); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
	}
	var head struct{ ID, Title string }
	if err := json.Unmarshal([]byte(text), &head); err != nil || !strings.Contains(head.Title, "SARIF") || !strings.HasSuffix(head.ID, "/sarif-schema-2.1.0.json") {
		t.Fatalf("%s holds no SARIF 2.1.0 schema constant (id %q, title %q, err %v)", file, head.ID, head.Title, err)
	}
	schema, err := gojsonschema.NewSchema(gojsonschema.NewStringLoader(text))
	if err != nil {
		t.Fatal(err)
	}
	return schema
}

// validate returns the schema violations of doc, the bytes as written.
func validate(t *testing.T, schema *gojsonschema.Schema, doc []byte) []string {
	t.Helper()
	res, err := schema.Validate(gojsonschema.NewBytesLoader(doc))
	if err != nil {
		t.Fatal(err)
	}
	var errs []string
	for _, e := range res.Errors() {
		errs = append(errs, e.String())
	}
	return errs
}

// runCheck runs check in dir and returns its standard output.
func runCheck(t *testing.T, dir string, exit int, args ...string) []byte {
	t.Helper()
	t.Chdir(dir)
	var out, errb bytes.Buffer
	env := cli.Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	if code := cli.Execute(append([]string{"check", "--home", "/Users/bert"}, args...), env); code != exit {
		t.Fatalf("check %v in %s: exit %d, want %d: %s", args, dir, code, exit, errb.String())
	}
	return out.Bytes()
}

// TestSARIFSchema validates the SARIF driftmap writes, byte for byte,
// against the official schema: for the broken, clean and real demo
// trees and the exporters' golden files. It also shows that the
// validation fails on documents that break the schema, so that a pass
// means something.
func TestSARIFSchema(t *testing.T) {
	schema := sarifSchema(t)
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	demo := filepath.Join(repo, "testdata", "demo")
	docs := map[string][]byte{
		"broken": runCheck(t, filepath.Join(demo, "broken"), 1, "--format", "sarif", "--root", "root", "--workspace", "workspace"),
		"clean":  runCheck(t, filepath.Join(demo, "clean"), 0, "--format", "sarif", "--root", "root", "--workspace", "workspace"),
		"real":   runCheck(t, filepath.Join(demo, "real"), 1, "--format", "sarif", "--root", "root", "--workspace", "workspace"),
	}
	goldens, err := filepath.Glob(filepath.Join(repo, "exporters", "testdata", "golden", "*.sarif.golden"))
	if err != nil || len(goldens) == 0 {
		t.Fatalf("no SARIF golden files: %v", err)
	}
	for _, g := range goldens {
		data, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		docs[filepath.Base(g)] = data
	}
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for k := range docs {
			if !yield(k) {
				return
			}
		}
	}) {
		if errs := validate(t, schema, docs[name]); len(errs) > 0 {
			t.Errorf("%s: SARIF breaks the schema:\n%s", name, strings.Join(errs, "\n"))
		}
	}
	var broken struct {
		Runs []struct{ Results []json.RawMessage }
	}
	if err := json.Unmarshal(docs["broken"], &broken); err != nil || len(broken.Runs) != 1 || len(broken.Runs[0].Results) != 20 {
		t.Fatalf("broken demo: want one run with 20 results (err %v)", err)
	}

	// Each edit breaks the schema, and validation must say so. The first
	// changes nothing: decoding and encoding again keeps the document
	// valid, so each failure below is the edit's.
	for _, tc := range []struct {
		name string
		edit func(doc map[string]any)
	}{
		{"no edit", func(map[string]any) {}},
		{"a version other than 2.1.0", func(doc map[string]any) { doc["version"] = "2.0.0" }},
		{"no runs", func(doc map[string]any) { delete(doc, "runs") }},
		{"an unknown top-level member", func(doc map[string]any) { doc["extra"] = true }},
		{"a level SARIF does not have", func(doc map[string]any) { result(doc)["level"] = "fatal" }},
		{"a result without a message", func(doc map[string]any) { delete(result(doc), "message") }},
		{"a start line of 0", func(doc map[string]any) {
			loc := result(doc)["locations"].([]any)[0].(map[string]any)
			loc["physicalLocation"].(map[string]any)["region"] = map[string]any{"startLine": 0}
		}},
		{"a fingerprint that is not a string", func(doc map[string]any) {
			result(doc)["partialFingerprints"] = map[string]any{"driftmap/v1": 1}
		}},
	} {
		var doc map[string]any
		if err := json.Unmarshal(docs["broken"], &doc); err != nil {
			t.Fatal(err)
		}
		tc.edit(doc)
		bad, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		errs := validate(t, schema, bad)
		switch {
		case tc.name == "no edit" && len(errs) > 0:
			t.Errorf("the broken demo's SARIF, decoded and encoded again, breaks the schema: %v", errs)
		case tc.name != "no edit" && len(errs) == 0:
			t.Errorf("%s: the schema accepts it", tc.name)
		default:
			t.Logf("%s: %v", tc.name, errs)
		}
	}
	if errs := validate(t, schema, []byte(`{"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]}`)); len(errs) == 0 {
		t.Error("a driver without a name is accepted")
	}
}

// result is the first result of the first run of a decoded SARIF log.
func result(doc map[string]any) map[string]any {
	return doc["runs"].([]any)[0].(map[string]any)["results"].([]any)[0].(map[string]any)
}

// TestSARIFFingerprintsStable checks the broken demo's fingerprints end
// to end: the same whether --workspace is relative, absolute, or "."
// from inside the workspace (with --root adjusted), and all distinct.
func TestSARIFFingerprintsStable(t *testing.T) {
	broken, err := filepath.Abs("../../testdata/demo/broken")
	if err != nil {
		t.Fatal(err)
	}
	fingerprints := func(doc []byte) []string {
		var log struct {
			Runs []struct {
				Results []struct{ PartialFingerprints map[string]string }
			}
		}
		if err := json.Unmarshal(doc, &log); err != nil {
			t.Fatal(err)
		}
		var fps []string
		for _, r := range log.Runs[0].Results {
			fps = append(fps, r.PartialFingerprints["driftmap/v1"])
		}
		return fps
	}
	want := fingerprints(runCheck(t, broken, 1, "--format", "sarif", "--root", "root", "--workspace", "workspace"))
	if len(want) != 20 || len(slices.Compact(slices.Sorted(slices.Values(want)))) != 20 {
		t.Fatalf("want 20 distinct fingerprints, got %v", want)
	}
	for _, tc := range []struct {
		dir  string
		args []string
	}{
		{broken, []string{"--root", "root", "--workspace", filepath.Join(broken, "workspace")}},
		{filepath.Join(broken, "workspace"), []string{"--root", "../root", "--workspace", "."}},
		{filepath.Dir(broken), []string{"--root", "broken/root", "--workspace", "broken/workspace/"}},
	} {
		got := fingerprints(runCheck(t, tc.dir, 1, append([]string{"--format", "sarif"}, tc.args...)...))
		if !slices.Equal(got, want) {
			t.Errorf("check %v in %s: fingerprints\n%v\nwant\n%v", tc.args, tc.dir, got, want)
		}
	}
}
