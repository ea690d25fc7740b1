package exporters

import (
	"bytes"
	"strings"
	"testing"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/queries"
)

// TestFleetHostile: a report's values, however hostile, reach every
// fleet format only through the escaping of the format.
func TestFleetHostile(t *testing.T) {
	f := &queries.Fleet{
		Hosts: []queries.HostSummary{{Host: "mac", Summary: queries.Summary{Errors: 1}}},
		Findings: []queries.HostFinding{{Host: "mac", Finding: queries.Finding{
			Rule: "missing-target", Severity: queries.Error, Subject: "job:x",
			Message: "<script>alert(1)</script>\x1b[31m\nnext line", File: "/a</td>.plist", Line: 2,
			Evidence: []graph.Evidence{{File: "/a.plist", Key: "<b>", Token: "\"><img src=x>"}},
		}}},
	}
	for _, name := range FleetFormats() {
		fm, err := Fleet(name)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := fm.FormatFleet(&b, f); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out := b.String()
		if strings.Contains(out, "\x1b") {
			t.Errorf("%s: an escape sequence reaches the output", name)
		}
		if name == "html" && (strings.Contains(out, "<script>") || strings.Contains(out, "<img") || strings.Contains(out, "</td>.plist")) {
			t.Errorf("html: markup from a report reaches the page:\n%s", out)
		}
		if name == "text" && strings.Count(out, "\n") != 6 {
			t.Errorf("text: a finding spans more than one line:\n%s", out)
		}
	}
}
