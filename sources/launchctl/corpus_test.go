package launchctl

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// corpusDir holds real launchctl outputs published by others (see its
// SOURCES.md), on machines that have it; they are read in place, never
// copied into the project.
const corpusDir = "/work/shared/corpus/launchctl-realworld"

var (
	// A service print's header: "gui/501/LABEL = {", "LABEL = {".
	headerLine = regexp.MustCompile(`^\s*(\S+) = \{\s*$`)
	// A domain prefix of a header's target.
	domainPrefix = regexp.MustCompile(`^(system/|(gui|user|pid|login)/[0-9]+/)`)
	// The Label line of a `list LABEL` output.
	labelLine = regexp.MustCompile(`^\s*"Label" = "([^"]*)";\s*$`)
)

// TestCorpus parses every file of the corpus, whose name says its kind
// (NNN-source.KIND.txt), and checks that what the kind must give was
// read. Files with problems are logged.
func TestCorpus(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(corpusDir, "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Skip("no corpus at " + corpusDir)
	}
	for _, f := range files {
		name := filepath.Base(f)
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		s := Parse(data, name)
		parts := strings.Split(name, ".")
		kind := parts[len(parts)-2]
		switch kind {
		case "print-service":
			label := firstMatch(data, headerLine)
			label = domainPrefix.ReplaceAllString(label, "")
			if label == "" || !hasJob(s, label) {
				t.Errorf("%s: no job %q in %+v", name, label, s.Jobs)
			}
		case "list-label":
			label := firstMatch(data, labelLine)
			if label == "" || !hasJob(s, label) {
				t.Errorf("%s: no job %q in %+v", name, label, s.Jobs)
			}
		case "list":
			if len(s.List) == 0 {
				t.Errorf("%s: no row", name)
			}
		case "print-disabled":
			if len(s.Disabled) == 0 {
				t.Errorf("%s: no override", name)
			}
		case "print-domain":
			// A print the poster cut before its services block has
			// none to give, and must say it ends inside a block.
			cut := !strings.Contains(string(data), "services = {") && hasProblem(s, "ends inside a block")
			if len(s.List) == 0 && !cut {
				t.Errorf("%s: no row", name)
			}
			if len(s.List) == 0 {
				t.Logf("%s: cut before its services block, no row", name)
			}
		case "procinfo", "blame":
			if len(s.Problems) == 0 || len(s.Jobs)+len(s.List)+len(s.Disabled) != 0 {
				t.Errorf("%s: a %s output read as %+v", name, kind, s)
			}
		default:
			t.Errorf("%s: unknown kind %q", name, kind)
		}
		for _, p := range s.Problems {
			if p.File != name {
				t.Errorf("%s: problem of another file: %+v", name, p)
			}
			t.Logf("%s:%d: %s", p.File, p.Line, p.Message)
		}
		doc, err := s.Marshal()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if again, _ := Parse(doc, "d").Marshal(); string(again) != string(doc) {
			t.Errorf("%s: the document does not round-trip", name)
		}
	}
}

func firstMatch(data []byte, re *regexp.Regexp) string {
	for line := range strings.Lines(string(data)) {
		if m := re.FindStringSubmatch(strings.TrimRight(line, "\r\n")); m != nil {
			return m[1]
		}
	}
	return ""
}

func hasJob(s *Snapshot, label string) bool {
	for _, j := range s.Jobs {
		if j.Label == label {
			return true
		}
	}
	return false
}

func hasProblem(s *Snapshot, text string) bool {
	for _, p := range s.Problems {
		if strings.Contains(p.Message, text) {
			return true
		}
	}
	return false
}
