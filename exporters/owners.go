package exporters

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/driftmap/driftmap/queries"
)

// OwnersFormatter formats the answer of `driftmap owners`.
type OwnersFormatter interface {
	FormatOwners(w io.Writer, o *queries.Owners) error
}

// FormatOwners writes o as a compact table per service: each fact with
// its value, the place that owns it, and every copy below it, marked
// derived or by hand, and whether it agrees (a copy that differs shows
// its own value).
func (textFormatter) FormatOwners(w io.Writer, o *queries.Owners) error {
	var b strings.Builder
	fmt.Fprintf(&b, "truth: %s\n", Text(o.Policy))
	for _, s := range o.Services {
		b.WriteString("\n")
		b.WriteString("service " + Text(s.Name))
		if s.Uncatalogued {
			b.WriteString("  (uncatalogued: the catalog does not list it, so render skips it under truth: catalog)")
		}
		b.WriteString("\n")
		width := 0
		for _, f := range s.Facts {
			width = max(width, len(f.Fact))
		}
		for _, f := range s.Facts {
			fmt.Fprintf(&b, "  %-*s  %s\n", width, Text(f.Fact), Text(f.Value))
			pad := strings.Repeat(" ", width+4)
			fmt.Fprintf(&b, "%sowner  %s\n", pad, Text(placeText(f.Owner.File, f.Owner.Line, f.Owner.Key)))
			for _, c := range f.Copies {
				how := "by hand"
				if c.Derived {
					how = "derived"
				}
				agree := "agrees"
				if !c.Agrees {
					agree = "differs: " + c.Value
				}
				fmt.Fprintf(&b, "%scopy   %s  (%s, %s)\n", pad, Text(placeText(c.File, c.Line, c.Key)), how, Text(agree))
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// placeText renders file:line key.
func placeText(file string, line int, key string) string {
	s := file
	if line > 0 {
		s += ":" + strconv.Itoa(line)
	}
	if key != "" {
		s += " " + key
	}
	return s
}

// FormatOwners writes o as its OwnersSchema document.
func (jsonFormatter) FormatOwners(w io.Writer, o *queries.Owners) error {
	return writeJSON(w, o)
}
