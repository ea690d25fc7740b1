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
// edge's kind and first piece of evidence; siblings are sorted by ID.
// Below maxImpactIndent levels the indentation stops growing and each
// line names its parent instead: "(distance 40, under service:s39)". A
// line with im.Note follows the first line when the note is set. The
// output is linear in the answer, and every value is scrubbed and escaped
// (see text).
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
		if hasVia(a) && known[a.Via.To] {
			parent = a.Via.To
		}
		children[parent] = append(children[parent], a)
	}

	printed := make(map[string]bool, len(byID))
	// walk prints the subtree under id depth-first, with an explicit stack
	// so that a deep answer cannot exhaust the goroutine's stack.
	type frame struct {
		parent string
		kids   []queries.Affected
		depth  int
	}
	walk := func(id string, depth int) {
		stack := []frame{{id, children[id], depth}}
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			if len(top.kids) == 0 {
				stack = stack[:len(stack)-1]
				continue
			}
			a, parent, depth := top.kids[0], top.parent, top.depth
			top.kids = top.kids[1:]
			if printed[a.ID] {
				continue
			}
			printed[a.ID] = true
			writeAffected(&b, a, parent, depth)
			stack = append(stack, frame{a.ID, children[a.ID], depth + 1})
		}
	}
	walk(im.Target, 1)
	// Nodes on a parent cycle that never reaches the target (only in a
	// malformed answer) are still printed, at the top level.
	for _, a := range byID {
		if !printed[a.ID] {
			printed[a.ID] = true
			writeAffected(&b, a, im.Target, 1)
			walk(a.ID, 2)
		}
	}
	b.WriteString(plural(len(im.Affected), "node", "nodes") + " affected\n")
	_, err := w.Write(b.Bytes())
	return err
}

// maxImpactIndent is the deepest level the impact tree indents. A deeper
// node is indented as this level and names the node it hangs under, so a
// dependency chain thousands of levels deep prints in space proportional
// to its length, not to its square.
const maxImpactIndent = 32

// writeAffected writes a's line of the impact tree at depth (1: under the
// target), a hanging under parent.
func writeAffected(b *bytes.Buffer, a queries.Affected, parent string, depth int) {
	under := ""
	if depth > maxImpactIndent {
		depth, under = maxImpactIndent, parent
	}
	for range depth {
		b.WriteString("  ")
	}
	b.WriteString(affectedLine(a, under))
	b.WriteString("\n")
}

// hasVia reports whether a carries the first edge of its path (only a
// hand-made answer lacks it).
func hasVia(a queries.Affected) bool { return a.Via.From != "" || a.Via.To != "" }

// affectedLine is `<id>  (distance N) via <kind> at <evidence>`, or
// `<id>  (distance N, under PARENT) via ...` when under is set, each value
// scrubbed and escaped (see text).
func affectedLine(a queries.Affected, under string) string {
	s := fmt.Sprintf("%s  (distance %d)", text(a.ID), a.Distance)
	if under != "" {
		s = fmt.Sprintf("%s  (distance %d, under %s)", text(a.ID), a.Distance, text(under))
	}
	if !hasVia(a) {
		return s
	}
	e := a.Via
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
	path := im.Paths()
	for i, a := range im.Affected {
		doc.Affected = append(doc.Affected, affectedJSON{
			ID: a.ID, Kind: a.Kind, Distance: a.Distance, Path: toEdgesJSON(path(i)),
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
