package queries

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/driftmap/driftmap/sources"
	"github.com/driftmap/driftmap/sources/sanctum"
	"github.com/driftmap/driftmap/sources/sourcetest"
)

func TestIgnores(t *testing.T) {
	f := Finding{Rule: "orphan-wrapper", Subject: "wrapper:/Users/bert/.sanctum/bin/old-a"}
	bare := Finding{Rule: "parse-error"}
	stale := Finding{Rule: "stale-ignore"}
	tests := []struct {
		e    sanctum.IgnoreEntry
		f    Finding
		want bool
	}{
		{sanctum.IgnoreEntry{Rule: "orphan-wrapper", Subject: f.Subject}, f, true},
		{sanctum.IgnoreEntry{Rule: "missing-target", Subject: f.Subject}, f, false},
		{sanctum.IgnoreEntry{Subject: "wrapper:/Users/bert/.sanctum/bin/old*"}, f, true},
		{sanctum.IgnoreEntry{Subject: "wrapper:*"}, f, false}, // * does not cross /
		{sanctum.IgnoreEntry{Subject: "*"}, f, false},
		{sanctum.IgnoreEntry{Rule: "orphan-wrapper"}, f, true},
		{sanctum.IgnoreEntry{Rule: "parse-error"}, bare, true},
		{sanctum.IgnoreEntry{Rule: "parse-error", Subject: "*"}, bare, false},
		{sanctum.IgnoreEntry{Subject: "*"}, bare, false},
		{sanctum.IgnoreEntry{Rule: "stale-ignore"}, stale, false},
		{sanctum.IgnoreEntry{Subject: "["}, f, false}, // Load refuses it; never a match
	}
	for _, tt := range tests {
		if got := Ignores(tt.e, tt.f); got != tt.want {
			t.Errorf("Ignores(%+v, %s %q) = %v, want %v", tt.e, tt.f.Rule, tt.f.Subject, got, tt.want)
		}
	}
}

// TestCheckCountsIgnored runs the stale-ignore-filters fixture with and
// without its ignore list: the findings it hides are there without it,
// and Check counts them.
func TestCheckCountsIgnored(t *testing.T) {
	ar, err := txtar.ParseFile(filepath.Join("testdata", "rules", "stale-ignore-filters.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	sourcetest.WriteArchive(t, dir, ar.Files, "want")
	sourcetest.Must(t, os.MkdirAll(filepath.Join(dir, "root"), 0o755))
	snap, err := sources.Load(sources.Options{Root: filepath.Join(dir, "root"), Home: "/Users/bert", Workspace: filepath.Join(dir, "workspace")})
	if err != nil {
		t.Fatal(err)
	}
	rules := ruleList(t, ar.Comment)
	res := Check(snap, rules)
	if res.Ignored != 4 {
		t.Errorf("Ignored = %d, want 4 (unused, old-a, old-b, the duplicate key)", res.Ignored)
	}
	snap.Layout.Ignore = nil
	all := Check(snap, rules)
	if all.Ignored != 0 {
		t.Errorf("without an ignore list, Ignored = %d", all.Ignored)
	}
	count := func(fs []Finding, rule string) int {
		return len(slices.DeleteFunc(slices.Clone(fs), func(f Finding) bool { return f.Rule != rule }))
	}
	if n := count(all.Findings, "orphan-wrapper"); n != 4 {
		t.Errorf("without an ignore list, %d orphan-wrapper findings, want 4", n)
	}
	if n := count(all.Findings, "duplicate-key"); n != 1 {
		t.Errorf("without an ignore list, %d duplicate-key findings, want 1", n)
	}
	if n := count(all.Findings, "stale-ignore"); n != 0 {
		t.Errorf("without an ignore list, %d stale-ignore findings", n)
	}
	if got, want := len(res.Findings)+res.Ignored, len(all.Findings)+1; got != want { // +1: the stale entry
		t.Errorf("kept %d + ignored %d != %d findings without the list + 1 stale", len(res.Findings), res.Ignored, len(all.Findings))
	}
}
