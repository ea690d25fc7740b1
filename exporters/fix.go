package exporters

// This is the one file of exporters that knows fix's plan (package
// queries/fix).

import (
	"bytes"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/driftmap/driftmap/queries/fix"
	"github.com/driftmap/driftmap/sources/render"
)

// FixReport is what `driftmap fix` formats: the plan and, after
// --apply, where its journal is.
type FixReport struct {
	Plan *fix.Plan
	// Applied is set when the plan was carried out; Journal is then the
	// journal's path inside the root.
	Applied bool
	Journal string
}

// FixFormatter formats a fix plan.
type FixFormatter interface {
	FormatFix(w io.Writer, r *FixReport) error
}

var fixFormats = newRegistry(
	format[FixFormatter]{"text", func(Options) FixFormatter { return textFormatter{} }},
	format[FixFormatter]{"json", func(Options) FixFormatter { return jsonFormatter{} }},
)

// Fix returns the fix formatter called name ("json" or "text").
func Fix(name string) (FixFormatter, error) { return fixFormats.lookup(name, Options{}) }

// FixFormats returns the names Fix accepts, sorted.
func FixFormats() []string { return fixFormats.names() }

// fixPlanJSON is the plan as its JSON document.
type fixPlanJSON struct {
	Format string `json:"format"`
	*fix.Plan
}

// FormatFix writes the plan as the driftmap/fix-plan/v1 document: every
// step with its operations (paths, modes, the SHA-256 of what a write
// writes, and the state each was planned against; never the bytes), and
// the findings that need a person. `driftmap fix --apply --plan FILE`
// reads it back.
func (jsonFormatter) FormatFix(w io.Writer, r *FixReport) error {
	return writeJSON(w, fixPlanJSON{Format: fix.PlanFormat, Plan: r.Plan})
}

// FormatFix prints the plan for people: the numbered steps, each with
// the findings it resolves, its operations and the launchctl commands
// to run after it; the steps offered on request; the findings that need
// a person, each with why and what to run to see more (and, for a
// checked-in file, the change as a diff fix never applies); then a
// summary. After --apply it says where the journal is and how to undo.
// Every value is scrubbed and escaped (see text).
func (f textFormatter) FormatFix(w io.Writer, r *FixReport) error {
	var b bytes.Buffer
	p := r.Plan
	for i, s := range p.Steps {
		f.fixStep(&b, fmt.Sprintf("%d.", i+1), s)
	}
	if len(p.Offered) > 0 {
		fmt.Fprintf(&b, "Offered, not planned (ask with the option shown):\n\n")
		for _, s := range p.Offered {
			f.fixStep(&b, "-", s)
		}
	}
	if len(p.Manual) > 0 {
		fmt.Fprintf(&b, "Needs a person (%d):\n\n", len(p.Manual))
		for _, m := range p.Manual {
			fd := m.Finding
			loc := findingLocation(fd)
			if loc != "" {
				loc = text(loc) + ": "
			}
			fmt.Fprintf(&b, "- %s%s: %s [%s]\n", loc, f.severity(fd.Severity), text(fd.Message), text(fd.Rule))
			fmt.Fprintf(&b, "  why: %s\n", text(m.Why))
			for _, c := range m.Inspect {
				fmt.Fprintf(&b, "  inspect: %s\n", text(c))
			}
			if m.Diff != "" {
				b.WriteString("  the change (a checked-in file: driftmap never applies it):\n")
				for _, l := range strings.SplitAfter(strings.TrimSuffix(m.Diff, "\n"), "\n") {
					b.WriteString("    " + text(strings.TrimSuffix(l, "\n")) + "\n")
				}
			}
			b.WriteString("\n")
		}
	}
	resolved := 0
	for _, s := range p.Steps {
		resolved += len(s.Resolves)
	}
	switch {
	case r.Applied:
		fmt.Fprintf(&b, "applied %s; %s\n", plural(len(p.Steps), "step", "steps"), fixAfter(p))
		fmt.Fprintf(&b, "journal: %s (undo with: driftmap fix --undo %s)\n", text(r.Journal), text(fix.ShellQuote(r.Journal)))
	case p.Before == 0:
		b.WriteString("nothing to do: check reports no findings\n")
	case len(p.Steps) == 0:
		fmt.Fprintf(&b, "nothing to do: no finding has a safe remedy; %s\n", fixAfter(p))
	default:
		fmt.Fprintf(&b, "dry run: %s, nothing changed (apply with driftmap fix --apply); %s\n", plural(len(p.Steps), "step", "steps"), fixAfter(p))
	}
	_, err := w.Write(b.Bytes())
	return err
}

// fixAfter says what the audit reports before the plan and after it.
func fixAfter(p *fix.Plan) string {
	offered := 0
	for _, s := range p.Offered {
		offered += len(s.Resolves)
	}
	s := fmt.Sprintf("check reports %s now, %d after the plan: %d %s a person", plural(p.Before, "finding", "findings"), p.After,
		len(p.Manual), map[bool]string{true: "needs", false: "need"}[len(p.Manual) == 1])
	if offered > 0 {
		s += fmt.Sprintf(", %d %s an offered step", offered, map[bool]string{true: "has", false: "have"}[offered == 1])
	}
	return s
}

// fixStep prints one step.
func (f textFormatter) fixStep(b *bytes.Buffer, mark string, s fix.Step) {
	fmt.Fprintf(b, "%s %s [%s]\n", mark, text(s.Summary), text(s.Rule))
	if s.Option != "" {
		fmt.Fprintf(b, "   ask with: driftmap fix --apply %s\n", text(s.Option))
	}
	for _, fd := range s.Resolves {
		loc := findingLocation(fd)
		if loc != "" {
			loc = text(loc) + ": "
		}
		fmt.Fprintf(b, "   resolves: %s%s\n", loc, text(fd.Message))
	}
	for _, op := range s.Ops {
		fmt.Fprintf(b, "   %s\n", text(opLine(op)))
	}
	for _, c := range s.Reload {
		fmt.Fprintf(b, "   then run: %s\n", text(c))
	}
	b.WriteString("\n")
}

// opLine describes one operation.
func opLine(op render.Op) string {
	switch op.Kind {
	case render.OpMkdir:
		return fmt.Sprintf("mkdir   %s (%04o)", op.Path, uint32(op.Mode))
	case render.OpWrite:
		was := "new"
		if op.Before.Exists {
			was = "replaces " + op.Before.String() + ", kept in the journal"
		}
		return fmt.Sprintf("write   %s (%04o, %d bytes; %s)", op.Path, uint32(op.Mode), len(op.Data), was)
	case render.OpRename:
		return fmt.Sprintf("rename  %s -> %s", op.Path, path.Base(op.To))
	case render.OpChmod:
		return fmt.Sprintf("chmod   %s %04o -> %04o", op.Path, uint32(op.Before.Mode), uint32(op.Mode))
	}
	return string(op.Kind) + " " + op.Path
}
