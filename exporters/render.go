package exporters

// This is the one file of exporters that knows render's types (package
// sources).

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/driftmap/driftmap/sources/render"
)

// RenderReport is what `driftmap render` formats: its plan and what
// became of it. The command fills it in; a formatter only prints it.
type RenderReport struct {
	Plan  []render.Planned // render's plan, sorted by file
	Dir   string           // the manifests directory, a path inside root
	Check bool             // --check: nothing is written; the summary says what would be
	Diff  bool             // --diff: a unified diff follows each change
	Prune bool             // --prune: extra manifests are retired

	// Applied is set when the plan was carried out (render.Apply
	// succeeded), Failed when carrying it out stopped with an error.
	// Neither is set when nothing was attempted: for --check, or when
	// render refused before writing.
	Applied, Failed bool
	// Written lists the files the plan wrote or moved, in plan order.
	Written []string
}

// FormatRender prints one line per manifest that is neither unchanged
// nor hand-registered:
//
//	FILE: missing; render creates it
//	FILE: port is 8765, render writes 9000; requires is ...
//	FILE: no service renders it; --prune retires it
//	FILE: no service renders it, but no canonical source retires it; render keeps it
//	FILE: cannot be rendered: REASON
//
// each change followed by its unified diff with Diff; then, with Check,
// the summary of what would change; when Applied, a "wrote FILE" line
// per file written and the summary of what changed; when Failed, the
// files written before the failure. Every value is scrubbed and escaped
// (see text), and the diffs are redacted (see render.UnifiedDiff).
func (textFormatter) FormatRender(w io.Writer, r *RenderReport) error {
	var b bytes.Buffer
	counts := map[render.Action]int{}
	unreadable := 0
	for _, p := range r.Plan {
		counts[p.Action]++
		if p.Unreadable {
			unreadable++
		}
		switch p.Action {
		case render.Unchanged, render.Hand:
			continue // a hand-registered manifest is its service's source, not render's
		case render.Kept:
			fmt.Fprintf(&b, "%s: no service renders it, but no canonical source retires it; render keeps it\n", text(p.File))
			continue
		case render.Broken:
			fmt.Fprintf(&b, "%s: cannot be rendered: %s\n", text(p.File), text(p.Err))
			continue
		case render.Extra:
			verb := "no service renders it; --prune retires it"
			if r.Prune {
				verb = "no service renders it; retire it to .retired/"
			}
			fmt.Fprintf(&b, "%s: %s\n", text(p.File), verb)
		case render.Create:
			fmt.Fprintf(&b, "%s: missing; render creates it\n", text(p.File))
		case render.Update:
			parts := make([]string, 0, len(p.Diffs))
			for _, d := range p.Diffs {
				parts = append(parts, fmt.Sprintf("%s is %s, render writes %s", text(d.Field), text(d.Have), text(d.Want)))
			}
			fmt.Fprintf(&b, "%s: %s\n", text(p.File), strings.Join(parts, "; "))
		}
		if r.Diff {
			var newData []byte
			if p.Action != render.Extra {
				newData = p.New
			}
			// UnifiedDiff redacts the lines it shows; textLines scrubs
			// and escapes each once more, as every text value is.
			b.WriteString(textLines(render.UnifiedDiff(text(p.File), p.Old, newData)))
		}
	}
	summary := func(create, update string) string {
		s := fmt.Sprintf("%d %s, %d %s, %d unchanged, %d extra", counts[render.Create], create, counts[render.Update], update, counts[render.Unchanged], counts[render.Extra])
		if n := counts[render.Kept]; n > 0 {
			s += fmt.Sprintf(", %d kept", n)
		}
		if n := counts[render.Broken] - unreadable; n > 0 {
			s += fmt.Sprintf(", %d unparsable", n)
		}
		if unreadable > 0 {
			s += fmt.Sprintf(", %d unreadable", unreadable)
		}
		return s
	}
	switch {
	case r.Check:
		fmt.Fprintf(&b, "render --check: %s in %s\n", summary("to create", "to update"), text(r.Dir))
	case r.Failed:
		if len(r.Written) > 0 {
			written := make([]string, len(r.Written))
			for i, f := range r.Written {
				written[i] = text(f)
			}
			fmt.Fprintf(&b, "render: wrote %s before failing\n", strings.Join(written, ", "))
		}
	case r.Applied:
		for _, f := range r.Written {
			fmt.Fprintf(&b, "wrote %s\n", text(f))
		}
		fmt.Fprintf(&b, "render: %s in %s\n", summary("created", "updated"), text(r.Dir))
	}
	_, err := w.Write(b.Bytes())
	return err
}
