package exporters

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/queries"
)

// FormatImpact writes im as a tree rooted at the target:
//
//	impact of removing file:/opt/tts/bin/run.sh
//	  wrapper:tts-start  (distance 1) via exec at wrappers/tts-start:3 exec "/opt/tts/bin/run.sh"
//	    job:com.acme.tts  (distance 2) via exec at ...
//	2 nodes affected
//
// Each affected node is printed under the node it depends on (the target
// of the first edge of its path), indented two spaces per level, with the
// edge's kind and first piece of evidence; siblings are sorted by ID. A
// line with im.Note follows the first line when the note is set. Every
// value is scrubbed and escaped (see text).
func (textFormatter) FormatImpact(w io.Writer, im *queries.Impact) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "impact of removing %s\n", text(im.Target))
	if im.Note != "" {
		b.WriteString(text(im.Note))
		b.WriteString("\n")
	}
	if len(im.Affected) == 0 {
		fmt.Fprintf(&b, "nothing depends on %s\n", text(im.Target))
		_, err := w.Write(b.Bytes())
		return err
	}

	byID := slices.Clone(im.Affected)
	slices.SortStableFunc(byID, func(a, b queries.Affected) int { return strings.Compare(a.ID, b.ID) })
	known := make(map[string]bool, len(byID)+1)
	known[im.Target] = true
	for _, a := range byID {
		known[a.ID] = true
	}
	// children lists are filled in ID order, so they are sorted. A node
	// without a path, or whose parent is not in the answer, hangs
	// directly under the target.
	children := make(map[string][]queries.Affected, len(byID))
	for _, a := range byID {
		parent := im.Target
		if len(a.Path) > 0 && known[a.Path[0].To] {
			parent = a.Path[0].To
		}
		children[parent] = append(children[parent], a)
	}

	printed := make(map[string]bool, len(byID))
	var walk func(id string, depth int)
	walk = func(id string, depth int) {
		for _, a := range children[id] {
			if printed[a.ID] {
				continue
			}
			printed[a.ID] = true
			b.WriteString(strings.Repeat("  ", depth))
			b.WriteString(affectedLine(a))
			b.WriteString("\n")
			walk(a.ID, depth+1)
		}
	}
	walk(im.Target, 1)
	// Nodes on a parent cycle that never reaches the target (only in a
	// malformed answer) are still printed, at the top level.
	for _, a := range byID {
		if !printed[a.ID] {
			printed[a.ID] = true
			b.WriteString("  " + affectedLine(a) + "\n")
			walk(a.ID, 2)
		}
	}
	b.WriteString(plural(len(im.Affected), "node", "nodes") + " affected\n")
	_, err := w.Write(b.Bytes())
	return err
}

// affectedLine is `<id>  (distance N) via <kind> at <evidence>`, each
// value scrubbed and escaped (see text).
func affectedLine(a queries.Affected) string {
	s := fmt.Sprintf("%s  (distance %d)", text(a.ID), a.Distance)
	if len(a.Path) == 0 {
		return s
	}
	e := a.Path[0]
	s += " via " + text(string(e.Kind))
	if len(e.Evidence) > 0 {
		s += " at " + evidenceText(e.Evidence[0])
	}
	return s
}

type impactJSON struct {
	Schema       string         `json:"schema"`
	Target       string         `json:"target"`
	ResolvedFrom string         `json:"resolved_from"`
	Note         string         `json:"note"`
	Affected     []affectedJSON `json:"affected"`
}

type affectedJSON struct {
	ID       string     `json:"id"`
	Kind     graph.Kind `json:"kind"`
	Distance int        `json:"distance"`
	Path     []edgeJSON `json:"path"`
}

// FormatImpact writes im as an ImpactSchema document. "resolved_from" and
// "note" are always present ("" when unset); "affected" and every "path"
// are always arrays, in the order of im.
func (jsonFormatter) FormatImpact(w io.Writer, im *queries.Impact) error {
	doc := impactJSON{
		Schema:       ImpactSchema,
		Target:       im.Target,
		ResolvedFrom: im.ResolvedFrom,
		Note:         im.Note,
		Affected:     make([]affectedJSON, 0, len(im.Affected)),
	}
	for _, a := range im.Affected {
		doc.Affected = append(doc.Affected, affectedJSON{
			ID: a.ID, Kind: a.Kind, Distance: a.Distance, Path: toEdgesJSON(a.Path),
		})
	}
	return writeJSON(w, doc)
}

// FormatWhy writes y as the chain of edges from y.From to y.To:
//
//	service:voice-agent
//	  -> service:tts [requires] instance.yaml:8 services.voice-agent.requires[0] "tts"
//
// with each edge's first piece of evidence and a count of the others, or
// `<from> does not depend on <to>` when there is no path. Every value is
// scrubbed and escaped (see text).
func (textFormatter) FormatWhy(w io.Writer, y *queries.Why) error {
	var b bytes.Buffer
	if y.Path == nil {
		fmt.Fprintf(&b, "%s does not depend on %s\n", text(y.From), text(y.To))
	} else {
		b.WriteString(text(y.From) + "\n")
		for _, e := range y.Path {
			fmt.Fprintf(&b, "  -> %s [%s]", text(e.To), text(string(e.Kind)))
			if len(e.Evidence) > 0 {
				b.WriteString(" " + evidenceText(e.Evidence[0]))
			}
			if n := len(e.Evidence) - 1; n > 0 {
				fmt.Fprintf(&b, " (+%d more)", n)
			}
			b.WriteString("\n")
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

type whyJSON struct {
	Schema  string     `json:"schema"`
	From    string     `json:"from"`
	To      string     `json:"to"`
	Depends bool       `json:"depends"`
	Path    []edgeJSON `json:"path"`
}

// FormatWhy writes y as a WhySchema document. "depends" is false when To is
// unreachable from From; "path" is always an array (empty then).
func (jsonFormatter) FormatWhy(w io.Writer, y *queries.Why) error {
	return writeJSON(w, whyJSON{
		Schema:  WhySchema,
		From:    y.From,
		To:      y.To,
		Depends: y.Path != nil,
		Path:    toEdgesJSON(y.Path),
	})
}
