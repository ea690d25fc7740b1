package queries

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/driftmap/driftmap/sources"
	"github.com/driftmap/driftmap/sources/sourcetest"
)

// loadFixture loads the machine of testdata/rules/NAME.txtar.
func loadFixture(t *testing.T, name string) (*sources.Snapshot, *txtar.Archive, string) {
	t.Helper()
	ar, err := txtar.ParseFile(filepath.Join("testdata", "rules", name+".txtar"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	sourcetest.WriteArchive(t, dir, ar.Files, "want", "baseline")
	sourcetest.Must(t, os.MkdirAll(filepath.Join(dir, "root"), 0o755))
	sourcetest.Must(t, os.MkdirAll(filepath.Join(dir, "workspace"), 0o755))
	snap, err := sources.Load(sources.Options{Root: filepath.Join(dir, "root"), Home: "/Users/bert", Workspace: filepath.Join(dir, "workspace")})
	if err != nil {
		t.Fatal(err)
	}
	return snap, ar, dir
}

// TestCheckBaseline: without a baseline nothing is left out and
// stale-baseline says nothing; a baseline of every finding leaves out
// every finding, one entry each; the fixture's baseline leaves out two.
func TestCheckBaseline(t *testing.T) {
	snap, ar, dir := loadFixture(t, "stale-baseline")
	rules := ruleList(t, ar.Comment)
	all := Check(snap, rules)
	if all.Baselined != 0 || len(all.Findings) != 3 {
		t.Fatalf("without a baseline: %d findings, %d baselined; want 3, 0", len(all.Findings), all.Baselined)
	}
	if got := CheckBaseline(snap, rules, nil); len(got.Findings) != 3 || got.Baselined != 0 {
		t.Errorf("CheckBaseline(nil) differs from Check: %+v", got)
	}

	every := &Baseline{File: "b.json"}
	for _, f := range all.Findings {
		every.Entries = append(every.Entries, BaselineEntry{Fingerprint: Fingerprint(f, snap.Layout.Workspace), Rule: f.Rule, Subject: f.Subject})
	}
	if got := CheckBaseline(snap, rules, every); len(got.Findings) != 0 || got.Baselined != 3 {
		t.Errorf("a baseline of every finding: %d findings left, %d baselined; want 0, 3: %+v", len(got.Findings), got.Baselined, got.Findings)
	}

	// Two copies of one finding need two entries: with the entry of one
	// finding given twice, and the others once, nothing is left and one
	// copy is stale.
	twice := &Baseline{File: "b.json", Entries: append(every.Entries[:len(every.Entries):len(every.Entries)], every.Entries[0])}
	got := CheckBaseline(snap, rules, twice)
	if got.Baselined != 3 || len(got.Findings) != 1 || got.Findings[0].Rule != StaleBaseline.Name || got.Findings[0].Line != 0 {
		t.Errorf("an entry given twice: %+v, want one stale-baseline finding and 3 baselined", got)
	}

	var base *Baseline
	for _, f := range ar.Files {
		if f.Name == "baseline" {
			base = fixtureBaseline(filepath.Join(dir, "baseline"), string(f.Data))
		}
	}
	got = CheckBaseline(snap, rules, base)
	if got.Baselined != 2 {
		t.Errorf("the fixture's baseline left out %d findings, want 2 (orphan a, the unknown dependency)", got.Baselined)
	}
	if got.Ignored != 0 {
		t.Errorf("Ignored = %d", got.Ignored)
	}

	// Without stale-baseline among the rules, stale entries are not
	// reported but matching ones still leave findings out.
	quiet := CheckBaseline(snap, []*Rule{OrphanWrapper, UnknownDependency}, base)
	if quiet.Baselined != 2 || len(quiet.Findings) != 1 {
		t.Errorf("without stale-baseline: %+v", quiet)
	}
}
