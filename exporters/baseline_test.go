package exporters

import (
	"bytes"
	"encoding/json"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestBaselineStable: a baseline does not change when lines move,
// messages or tokens change, or the workspace is given another way, and
// lists one entry per finding, sorted by fingerprint.
func TestBaselineStable(t *testing.T) {
	relocate := func(ws string, shift int, suffix string) *Report {
		fs := fixtureFindings()
		for i := range fs {
			f := &fs[i]
			if f.File != "" {
				f.File = filepath.Join(ws, f.File)
				f.Line += shift
			}
			f.Message += suffix
			for j := range f.Evidence {
				e := &f.Evidence[j]
				e.File, e.Line, e.Token = filepath.Join(ws, e.File), e.Line+shift, e.Token+suffix
			}
		}
		return &Report{Findings: fs, Workspace: ws}
	}
	want := formatted(t, func(w io.Writer) error { return FormatBaseline(w, relocate(".", 0, "")) })
	for _, r := range []*Report{
		relocate("workspace", 0, ""),
		relocate("/home/ci/checkout/workspace", 3, " (changed)"),
		relocate(".", 10, "!"),
	} {
		if got := formatted(t, func(w io.Writer) error { return FormatBaseline(w, r) }); !bytes.Equal(got, want) {
			t.Errorf("baseline with workspace %s differs:\n%s\nwant:\n%s", r.Workspace, got, want)
		}
	}
	var doc struct {
		Schema  string
		Entries []struct{ Fingerprint, Rule, Subject, File string }
	}
	decode(t, want, &doc)
	if doc.Schema != BaselineSchema || len(doc.Entries) != len(fixtureFindings()) {
		t.Fatalf("schema %q, %d entries", doc.Schema, len(doc.Entries))
	}
	if !slices.IsSortedFunc(doc.Entries, func(a, b struct{ Fingerprint, Rule, Subject, File string }) int {
		return strings.Compare(a.Fingerprint, b.Fingerprint)
	}) {
		t.Error("entries are not sorted by fingerprint")
	}

	// Two findings with one fingerprint are two entries.
	r := relocate(".", 0, "")
	r.Findings = append(r.Findings, r.Findings[0])
	var twice struct{ Entries []json.RawMessage }
	if err := json.Unmarshal(formatted(t, func(w io.Writer) error { return FormatBaseline(w, r) }), &twice); err != nil || len(twice.Entries) != len(r.Findings) {
		t.Errorf("%d entries for %d findings (%v)", len(twice.Entries), len(r.Findings), err)
	}
}
