package exporters

import (
	"cmp"
	"io"
	"slices"

	"github.com/driftmap/driftmap/queries"
)

// BaselineSchema names the document FormatBaseline writes.
const BaselineSchema = "driftmap/baseline/v1"

type baselineJSON struct {
	Schema  string              `json:"schema"`
	Entries []baselineEntryJSON `json:"entries"`
}

// baselineEntryJSON is one finding of a baseline: its fingerprint, which
// is all that matching uses, and for people its rule, subject and file,
// with workspace paths relative to the workspace (so that the file does
// not change with the directory it was written from).
type baselineEntryJSON struct {
	Fingerprint string `json:"fingerprint"`
	Rule        string `json:"rule"`
	Subject     string `json:"subject"`
	File        string `json:"file"`
}

// FormatBaseline writes the report's findings as a BaselineSchema
// document, one entry per finding (two findings with one fingerprint
// are two entries), sorted by fingerprint, then rule, subject and file,
// so that the same findings always give the same bytes whatever their
// lines or messages. `check --baseline` reads it back.
func FormatBaseline(w io.Writer, r *Report) error {
	doc := baselineJSON{Schema: BaselineSchema, Entries: make([]baselineEntryJSON, 0, len(r.Findings))}
	for _, fd := range r.Findings {
		file, _ := queries.WorkspaceRel(fd.File, r.Workspace)
		doc.Entries = append(doc.Entries, baselineEntryJSON{
			Fingerprint: queries.Fingerprint(fd, r.Workspace),
			Rule:        fd.Rule,
			Subject:     queries.SubjectRel(fd.Subject, r.Workspace),
			File:        file,
		})
	}
	slices.SortFunc(doc.Entries, func(a, b baselineEntryJSON) int {
		return cmp.Or(cmp.Compare(a.Fingerprint, b.Fingerprint), cmp.Compare(a.Rule, b.Rule),
			cmp.Compare(a.Subject, b.Subject), cmp.Compare(a.File, b.File))
	})
	return writeJSON(w, doc)
}
