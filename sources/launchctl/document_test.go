package launchctl

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// withoutPlaces returns a copy of s without the File and Line of its
// jobs, rows and overrides (a document gives its own).
func withoutPlaces(s *Snapshot) *Snapshot {
	c := *s
	c.Jobs = append([]Job{}, s.Jobs...)
	for i := range c.Jobs {
		c.Jobs[i].File, c.Jobs[i].Line = "", 0
	}
	c.List = append([]ListRow{}, s.List...)
	for i := range c.List {
		c.List[i].File, c.List[i].Line = "", 0
	}
	c.Disabled = append([]Override{}, s.Disabled...)
	for i := range c.Disabled {
		c.Disabled[i].File, c.Disabled[i].Line = "", 0
	}
	return &c
}

// TestRoundTrip: Parse(Marshal(s)) gives s back, but for the places of
// its entries and the values Marshal redacts.
func TestRoundTrip(t *testing.T) {
	for _, in := range fixtures(t) {
		name := filepath.Base(in)
		data, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		s := Parse(data, name)
		doc, err := s.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		back := Parse(doc, "snapshot.json")
		for _, j := range back.Jobs {
			if j.File != "snapshot.json" || j.Line < 2 {
				t.Errorf("%s: job %s read at %s:%d", name, j.Label, j.File, j.Line)
			}
		}
		if strings.Contains(string(doc), "<redacted>") {
			// What was redacted differs; the rest is the same, and a
			// second round changes nothing.
			again, err := back.Marshal()
			if err != nil || string(again) != string(doc) {
				t.Errorf("%s: a second round trip changes the document:\n%s", name, again)
			}
			continue
		}
		if got, want := withoutPlaces(back), withoutPlaces(s); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: Parse(Marshal(s)) = %+v\nwant %+v", name, got, want)
		}
	}
}

func TestMarshalRedacts(t *testing.T) {
	s := empty()
	s.Jobs = append(s.Jobs, Job{
		Label:   "com.sanctum.llm-proxy",
		Program: ptr("/opt/x --token=abc123"),
		Path:    ptr("https://bert:hunter2@example.com/x.plist"),
		Arguments: []string{"/usr/bin/mysql", "-u", "root", "-phunter2", "--api-key", "sk-live-1", "OPENAI_API_KEY=sk-live-2", "--port", "8765",
			// A secret that poses as one already redacted is redacted.
			"--token", "<redacted>sk-live-3", "DB_PASSWORD=<redacted>x"},
	})
	doc, err := s.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"abc123", "hunter2", "sk-live-1", "sk-live-2", "sk-live-3", "<redacted>x"} {
		if strings.Contains(string(doc), secret) {
			t.Errorf("%q in the document:\n%s", secret, doc)
		}
	}
	back := Parse(doc, "d")
	want := []string{"/usr/bin/mysql", "-u", "root", "<redacted>", "--api-key", "<redacted>", "OPENAI_API_KEY=<redacted>", "--port", "8765",
		"--token", "<redacted>", "DB_PASSWORD=<redacted>"}
	if got := onlyJob(t, back).Arguments; !reflect.DeepEqual(got, want) {
		t.Errorf("arguments %q, want %q", got, want)
	}
	if s.Jobs[0].Arguments[5] != "sk-live-1" {
		t.Error("Marshal changed the snapshot it was given")
	}
}

func TestMarshalShape(t *testing.T) {
	doc, err := (&Snapshot{}).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"schema\": \"driftmap/snapshot/v1\",\n  \"jobs\": [],\n  \"list\": [],\n  \"disabled\": [],\n  \"problems\": []\n}\n"
	if string(doc) != want {
		t.Errorf("got\n%s\nwant\n%s", doc, want)
	}
}

// TestDocumentLines: each entry read from a document has the line of
// its object.
func TestDocumentLines(t *testing.T) {
	data, err := os.ReadFile("testdata/snapshot.json")
	if err != nil {
		t.Fatal(err)
	}
	s := Parse(data, "snapshot.json")
	lines := strings.Split(string(data), "\n")
	// The line of the object holding "label": LABEL.
	objectLine := func(label string) int {
		for i, l := range lines {
			if strings.HasPrefix(strings.TrimSpace(l), `"label": "`+label+`"`) {
				for ; i >= 0; i-- {
					if strings.TrimSpace(lines[i]) == "{" {
						return i + 1
					}
				}
			}
		}
		t.Fatalf("no object with label %s", label)
		return 0
	}
	for _, j := range s.Jobs {
		if want := objectLine(j.Label); j.Line != want || j.File != "snapshot.json" {
			t.Errorf("job %s at %s:%d, want line %d", j.Label, j.File, j.Line, want)
		}
	}
	for _, r := range s.List {
		if want := objectLine(r.Label); r.Line != want || r.File != "snapshot.json" {
			t.Errorf("row %s at %s:%d, want line %d", r.Label, r.File, r.Line, want)
		}
	}
	for _, o := range s.Disabled {
		if want := objectLine(o.Label); o.Line != want || o.File != "snapshot.json" {
			t.Errorf("override %s at %s:%d, want line %d", o.Label, o.File, o.Line, want)
		}
	}
	if len(s.Jobs) != 2 || len(s.List) != 2 || len(s.Disabled) != 2 || len(s.Problems) != 1 {
		t.Fatalf("%+v", s)
	}
	if p := s.Problems[0]; p.File != "launchctl print gui/501/com.sanctum.triage" || p.Line != 1 {
		t.Errorf("a problem of the document lost its own place: %+v", p)
	}
}

func TestDocumentProblems(t *testing.T) {
	const head = `{"schema": "driftmap/snapshot/v1", `
	for _, tc := range []struct {
		name, in string
		want     []Problem
		jobs     int
	}{
		{"no schema", `{"jobs": []}`, []Problem{{File: "d", Message: "is not a driftmap/snapshot/v1 document: its schema is missing or another; nothing in it was read"}}, 0},
		{"other schema later", `{"jobs": [{"label": "a"}], "schema": "driftmap/snapshot/v2"}`, []Problem{{File: "d", Message: "is not a driftmap/snapshot/v1 document: its schema is missing or another; nothing in it was read"}}, 0},
		{"empty object", `{}`, []Problem{{File: "d", Message: "is not a driftmap/snapshot/v1 document: its schema is missing or another; nothing in it was read"}}, 0},
		{"schema after the jobs", `{"jobs": [{"label": "a"}], "schema": "driftmap/snapshot/v1"}`, []Problem{}, 1},
		{"truncated", head + "\n\"jobs\": [{\"label\": \"a\"},\n{\"label\": ", []Problem{{File: "d", Line: 3, Message: "ends inside its document (truncated?); what was read before is kept"}}, 1},
		{"bad JSON", head + "\n\"jobs\": [{\"label\": \"a\"}\n\n{\"label\": \"b\"}]}", []Problem{{File: "d", Line: 4, Message: "is not valid JSON at this line; the rest is not read"}}, 1},
		{"trailing data", head + "\"jobs\": []}\n{}", []Problem{{File: "d", Line: 2, Message: "has more after the end of its document; it is not read"}}, 0},
		{"repeated key", head + "\"jobs\": [],\n\"jobs\": []}", []Problem{{File: "d", Line: 2, Message: "repeats a key of the document; the rest is not read"}}, 0},
		{"jobs not a list", head + "\"jobs\": {\"label\": \"a\"}}", []Problem{{File: "d", Line: 1, Message: "has a jobs that is not a list; the rest is not read"}}, 0},
		{"null lists", head + "\"jobs\": null, \"list\": null}", []Problem{}, 0},
		{"a problem with no file", head + "\"problems\": [{\"message\": \"m\"}]}", []Problem{{File: "d", Message: "m"}}, 0},
		{"a problem with no message", head + "\"problems\": [{\"file\": \"f\"}]}", []Problem{{File: "d", Line: 1, Message: "an entry of problems has no message; it is skipped"}}, 0},
		{"a row with no label", head + "\"list\": [{\"pid\": 1}]}", []Problem{{File: "d", Line: 1, Message: "an entry of list has no label; it is skipped"}}, 0},
		{"an entry that is not an object", head + "\"list\": [[1]]}", []Problem{{File: "d", Line: 1, Message: "an entry of list is not an object; it is skipped"}}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := Parse([]byte(tc.in), "d")
			if !reflect.DeepEqual(s.Problems, tc.want) || len(s.Jobs) != tc.jobs {
				t.Errorf("got %+v, %d jobs\nwant %+v, %d", s.Problems, len(s.Jobs), tc.want, tc.jobs)
			}
		})
	}
}

// TestDocumentQuotesNothing: the problems of a hostile document name no
// value from it.
func TestDocumentQuotesNothing(t *testing.T) {
	in := `{"schema": "driftmap/snapshot/v1", "SECRETKEY": 1, "jobs": [{"label": "a", "hunter2": true}, {"label": 5}, {"label": "b", "pid": "hunter3"}], "list": [hunter4]}`
	s := Parse([]byte(in), "d")
	if len(s.Problems) != 5 {
		t.Fatalf("%+v", s.Problems)
	}
	for _, p := range s.Problems {
		for _, v := range []string{"SECRETKEY", "hunter"} {
			if strings.Contains(p.Message, v) {
				t.Errorf("problem quotes the document: %+v", p)
			}
		}
	}
}
