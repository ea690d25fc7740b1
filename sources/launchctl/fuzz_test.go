package launchctl

import (
	"os"
	"strings"
	"testing"
)

// FuzzParse: Parse never panics or hangs on any input; every problem
// has a file (the input's own, unless it is a document that carries
// the problems of other files); Marshal always succeeds, and its
// document reads back to the same document, with no problem of its own.
func FuzzParse(f *testing.F) {
	for _, in := range fixtures(f) {
		data, err := os.ReadFile(in)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		"", "{", "}", "{}", "[", "a = {\n", "a = [\n0 = \t]\n", "\"x\" => [\n",
		"gui/501 = {\n\tservices = {\n\t\t0 (pe) x\n", "{\n\"Label\" = (\n", "{\"schema\": 1}",
		"gui/501/a = {\n\targuments = {\n\t\t\n\t}\n}\n", "\xff\xfe{\"schema\"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s := Parse(data, "in.txt")
		document := sniff(strings.TrimPrefix(strings.ToValidUTF8(string(data), "\uFFFD"), "\uFEFF")) == sniffDocument
		for _, p := range s.Problems {
			if p.File == "" || !document && p.File != "in.txt" {
				t.Fatalf("problem without the input's name: %+v", p)
			}
		}
		for _, j := range s.Jobs {
			if j.Label == "" || j.Properties == nil || j.Domain != nil && !validDomain(*j.Domain) {
				t.Fatalf("invalid job %+v", j)
			}
		}
		doc, err := s.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		back := Parse(doc, "doc.json")
		for _, p := range back.Problems {
			if p.File == "doc.json" {
				t.Fatalf("Marshal wrote a document Parse refuses: %+v\n%s", p, doc)
			}
		}
		again, err := back.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if string(again) != string(doc) {
			t.Fatalf("the document does not round-trip:\n%s\nbecame\n%s", doc, again)
		}
	})
}
