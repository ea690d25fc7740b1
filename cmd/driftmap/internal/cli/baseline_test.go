package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/driftmap/driftmap/queries"
)

const fp1, fp2 = "0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"

func TestParseBaseline(t *testing.T) {
	good := `{
  "schema": "driftmap/baseline/v1",
  "entries": [
    {
      "fingerprint": "` + fp1 + `",
      "rule": "missing-target",
      "subject": "job:a",
      "file": "/x"
    },
    {"fingerprint": "` + fp2 + `"}, {"fingerprint": "` + fp1 + `", "later": [1, {"x": 2}]}
  ],
  "future": {"ignored": true}
}
`
	b, err := parseBaseline("b.json", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	want := &queries.Baseline{File: "b.json", Entries: []queries.BaselineEntry{
		{Fingerprint: fp1, Rule: "missing-target", Subject: "job:a", Line: 4},
		{Fingerprint: fp2, Line: 10},
		{Fingerprint: fp1, Line: 10},
	}}
	if d := cmp.Diff(want, b); d != "" {
		t.Errorf("parse (-want +got):\n%s", d)
	}
	if b, err := parseBaseline("e.json", []byte(`{"entries": [], "schema": "driftmap/baseline/v1"}`)); err != nil || len(b.Entries) != 0 {
		t.Errorf("empty baseline: %+v, %v", b, err)
	}

	for _, tc := range []struct{ doc, want string }{
		{``, "b.json:1: the document ends early"},
		{`[]`, "b.json:1: want a JSON object"},
		{`{"schema": "driftmap/baseline/v1", "entries": []} {}`, "b.json:1: more data after the document"},
		{`{"schema": "driftmap/baseline/v1"}`, "b.json:1: no entries member"},
		{`{"entries": []}`, `b.json:1: no schema member; want "driftmap/baseline/v1"`},
		{`{"schema": "driftmap/baseline/v2", "entries": []}`, `b.json:1: schema is not "driftmap/baseline/v1"`},
		{`{"schema": 1, "entries": []}`, "b.json:1: a value must be a string, found number"},
		{"{\"schema\": \"driftmap/baseline/v1\",\n\"entries\": {}}", "b.json:2: want entries to be an array"},
		{"{\"schema\": \"driftmap/baseline/v1\",\n\"entries\": [\n\"x\"]}", "b.json:3: a value must be an object, found string"},
		{"{\"schema\": \"driftmap/baseline/v1\",\n\"entries\": [\n{}]}", "b.json:3: the entry's fingerprint is not 32 lower-case hex digits"},
		{"{\"schema\": \"driftmap/baseline/v1\",\n\"entries\": [\nnull]}", "b.json:3: the entry's fingerprint is not 32 lower-case hex digits"},
		{"{\"schema\": \"driftmap/baseline/v1\",\n\"entries\": [{\"fingerprint\": \"" + strings.ToUpper(fp1) + "\"}]}", "b.json:2: the entry's fingerprint is not 32 lower-case hex digits"},
		{"{\"schema\": \"driftmap/baseline/v1\",\n\"entries\": [{\"fingerprint\": \"" + fp1 + "\", \"subject\": [\"--password=SECRET\"]}]}", "b.json:2: subject must be a string, found array"},
		{"{\"schema\": \"driftmap/baseline/v1\",\n\"entries\": [\n{\"fingerprint\": \"" + fp1 + "\"}, {\n\"fingerprint\": \"" + fp1 + "\",\n\"rule\": 7}]}", "b.json:5: rule must be a string, found number"},
		{"{\"schema\":\n\n\n 7, \"entries\": []}", "b.json:4: a value must be a string, found number"},
		{"{\n\"schema\": \"driftmap/baseline/v1\",\n\"entries\": [\n{\"fingerprint\": \"" + fp1 + "\"},\n]}", "b.json:5: not JSON (invalid character ']' looking for beginning of value)"},
		{"{\"schema\": \"driftmap/baseline/v1\", \"entries\": [", "b.json:1: the document ends early"},
	} {
		_, err := parseBaseline("b.json", []byte(tc.doc))
		if err == nil || err.Error() != "baseline "+tc.want {
			t.Errorf("parseBaseline(%q) error = %v, want baseline %s", tc.doc, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "SECRET") {
			t.Errorf("the error quotes the file: %v", err)
		}
	}
}

// FuzzParseBaseline: parseBaseline never panics; what it accepts has
// valid fingerprints and lines within the document, and what it refuses
// it refuses naming the file.
func FuzzParseBaseline(f *testing.F) {
	f.Add([]byte(`{"schema": "driftmap/baseline/v1", "entries": [{"fingerprint": "` + fp1 + `", "rule": "r", "subject": "s"}]}`))
	f.Add([]byte("{\n\"schema\": \"driftmap/baseline/v1\",\n\"entries\": [\n{\"fingerprint\": \"" + fp2 + "\"},\n{\"fingerprint\": \"" + fp1 + "\", \"x\": [1,2,{}]}\n]\n}\n"))
	f.Add([]byte(`{"entries": [null, "x", 1, {}], "schema": "driftmap/baseline/v1"}`))
	f.Add([]byte(`{"schema": "driftmap/baseline/v1", "entries": [`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := parseBaseline("f.json", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "baseline f.json:") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		for _, e := range b.Entries {
			if !queries.IsFingerprint(e.Fingerprint) || e.Line < 1 || e.Line > lines {
				t.Fatalf("entry %+v of a %d-line document", e, lines)
			}
		}
	})
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "out.sarif")
	if err := writeFileAtomic(name, []byte("one")); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(name); err != nil || fi.Mode().Perm() != 0o644 {
		t.Fatalf("new file: %v, %v; want mode 0644", fi, err)
	}
	if err := os.Chmod(name, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := writeFileAtomic(name, []byte("two")); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(name)
	if err != nil || string(data) != "two" {
		t.Errorf("content %q, %v", data, err)
	}
	if fi, _ := os.Stat(name); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want the old file's 0600", fi.Mode().Perm())
	}
	// A target that cannot be replaced leaves nothing behind.
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sub, "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := writeFileAtomic(sub, []byte("three")); err == nil {
		t.Error("writing over a directory that is not empty succeeded")
	}
	if err := writeFileAtomic(filepath.Join(dir, "nodir", "x"), []byte("x")); err == nil {
		t.Error("writing into a missing directory succeeded")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if d := cmp.Diff([]string{"out.sarif", "sub"}, names); d != "" {
		t.Errorf("files left (-want +got):\n%s", d)
	}
}
