package queries

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"

	"github.com/driftmap/driftmap/sources"
	"github.com/driftmap/driftmap/sources/sourcetest"
)

var update = flag.Bool("update", false, "rewrite the want sections of testdata/rules/*.txtar")

// Each testdata/rules/NAME.txtar is a small machine: files under root/
// (home is /Users/bert) and workspace/. Files whose content starts with
// "#!" are made executable; a ".symlinks" file lists "path -> target"
// lines (paths under root/). The archive comment's first line names the
// rules to run ("rules: a b"); the "want" file lists their findings, one
// per line, as "rule: file:line: message" with paths relative to the
// temporary root. Files under live/ are what launchd has loaded
// (launchctl outputs or snapshots), passed as --live in name order. An
// optional "baseline" file is a baseline given to
// CheckBaseline, one entry a line: "FINGERPRINT [RULE [SUBJECT]]" (blank
// lines and lines starting with # are skipped; line numbers count them).
// Run with -update to rewrite want after a deliberate change, and review
// the diff.
func TestRules(t *testing.T) {
	files, err := filepath.Glob("testdata/rules/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no rule fixtures: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			rules := ruleList(t, ar.Comment)
			dir := t.TempDir()
			sourcetest.WriteArchive(t, dir, ar.Files, "want", "baseline")
			var want string
			var base *Baseline
			for _, f := range ar.Files {
				switch f.Name {
				case "want":
					want = string(f.Data)
				case "baseline":
					base = fixtureBaseline(filepath.Join(dir, "baseline"), string(f.Data))
				}
			}
			sourcetest.Must(t, os.MkdirAll(filepath.Join(dir, "root"), 0o755))
			sourcetest.Must(t, os.MkdirAll(filepath.Join(dir, "workspace"), 0o755))
			got := runFixture(t, dir, rules, base)
			if *update {
				for i := range ar.Files {
					if ar.Files[i].Name == "want" {
						ar.Files[i].Data = []byte(got)
					}
				}
				sourcetest.Must(t, os.WriteFile(file, txtar.Format(ar), 0o644))
				return
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("findings (-want +got):\n%s", d)
			}
		})
	}
}

func ruleList(t *testing.T, comment []byte) []*Rule {
	line, _, _ := strings.Cut(string(comment), "\n")
	names, ok := strings.CutPrefix(line, "rules:")
	if !ok {
		t.Fatalf("archive comment must start with 'rules:', got %q", line)
	}
	var rules []*Rule
	for _, n := range strings.Fields(names) {
		r, ok := Lookup(n)
		if !ok {
			t.Fatalf("unknown rule %q", n)
		}
		rules = append(rules, r)
	}
	return rules
}

// fixtureBaseline parses a fixture's baseline file (see TestRules).
func fixtureBaseline(file, data string) *Baseline {
	b := &Baseline{File: file}
	for i, line := range strings.Split(data, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		e := BaselineEntry{Fingerprint: f[0], Line: i + 1}
		if len(f) > 1 {
			e.Rule = f[1]
		}
		if len(f) > 2 {
			e.Subject = f[2]
		}
		b.Entries = append(b.Entries, e)
	}
	return b
}

func runFixture(t *testing.T, dir string, rules []*Rule, base *Baseline) string {
	t.Helper()
	root := filepath.Join(dir, "root")
	ws := filepath.Join(dir, "workspace")
	live, _ := filepath.Glob(filepath.Join(dir, "live", "*"))
	snap, err := sources.Load(sources.Options{Root: root, Home: "/Users/bert", Workspace: ws, Live: live})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, f := range CheckBaseline(snap, rules, base).Findings {
		file := strings.TrimPrefix(f.File, dir+string(filepath.Separator))
		loc := file
		if f.Line > 0 {
			loc = fmt.Sprintf("%s:%d", file, f.Line)
		}
		msg := strings.ReplaceAll(f.Message, dir+string(filepath.Separator), "")
		fmt.Fprintf(&b, "%s: %s: %s\n", f.Rule, loc, msg)
	}
	return b.String()
}

// TestRegistry checks every rule is documented and has a fixture.
func TestRegistry(t *testing.T) {
	var names []string
	for _, r := range All() {
		names = append(names, r.Name)
		if r.Title == "" || len(r.Doc) < 80 || r.Example == "" || r.Run == nil {
			t.Errorf("rule %s lacks a title, documentation, example or Run", r.Name)
		}
		if !strings.HasSuffix(r.Example, "["+r.Name+"]") {
			t.Errorf("rule %s: example does not end with [%s]", r.Name, r.Name)
		}
		if _, err := os.Stat(filepath.Join("testdata", "rules", r.Name+".txtar")); err != nil {
			t.Errorf("rule %s has no testdata/rules/%s.txtar", r.Name, r.Name)
		}
	}
	if !slices.IsSorted(names) {
		t.Errorf("All() is not sorted: %v", names)
	}
}
