package exporters

import (
	"bytes"
	"fmt"

	"github.com/driftmap/driftmap/queries"
)

// writeHTMLOwners writes the owners section: the truth policy, then per
// service a table of its facts, each with its value and owner and its
// copies below it. A service opens by default when a copy disagrees or
// it is uncatalogued: that is where to look. Every value passes htmlText.
func writeHTMLOwners(b *bytes.Buffer, o *queries.Owners) {
	if o == nil || len(o.Services) == 0 {
		return
	}
	b.WriteString("<h2 id=\"dm-owners\">Who owns each fact</h2>\n")
	fmt.Fprintf(b, "<p class=\"dm-muted\">truth: %s. Each fact's owner is the canonical source that states it under this policy; a copy is derived when a known mechanism writes it from the owner (render, a template), by hand otherwise. <code>driftmap owners --truth catalog</code> shows the other answer.</p>\n", htmlText(o.Policy))
	for _, s := range o.Services {
		open := s.Uncatalogued
		for _, f := range s.Facts {
			for _, c := range f.Copies {
				open = open || !c.Agrees
			}
		}
		attr := ""
		if open {
			attr = " open"
		}
		fmt.Fprintf(b, "<details class=\"dm-owners\"%s><summary>service %s", attr, htmlText(s.Name))
		if s.Uncatalogued {
			b.WriteString(" <span class=\"dm-warning\">uncatalogued: the catalog does not list it, so render skips it under truth: catalog</span>")
		}
		b.WriteString("</summary>\n<table>\n<thead><tr><th scope=\"col\">Fact</th><th scope=\"col\">Value</th><th scope=\"col\">Stated at</th><th scope=\"col\">As</th></tr></thead>\n<tbody>\n")
		for _, f := range s.Facts {
			fmt.Fprintf(b, "<tr><th scope=\"row\">%s</th><td>%s</td><td class=\"dm-loc\">%s</td><td>owner</td></tr>\n",
				htmlText(f.Fact), htmlText(f.Value), htmlText(placeText(f.Owner.File, f.Owner.Line, f.Owner.Key)))
			for _, c := range f.Copies {
				how := "copy, by hand"
				if c.Derived {
					how = "copy, derived"
				}
				value, class := "=", ""
				if !c.Agrees {
					value, class = "≠ "+c.Value, " class=\"dm-error\""
				}
				fmt.Fprintf(b, "<tr%s><td></td><td>%s</td><td class=\"dm-loc\">%s</td><td>%s</td></tr>\n",
					class, htmlText(value), htmlText(placeText(c.File, c.Line, c.Key)), how)
			}
		}
		b.WriteString("</tbody>\n</table>\n</details>\n")
	}
}
