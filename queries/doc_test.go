package queries

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestRulesDoc keeps docs/rules.md equal to the documentation the rules
// carry (the same text `driftmap explain` prints); -update rewrites it.
func TestRulesDoc(t *testing.T) {
	var b strings.Builder
	b.WriteString("# Rules\n\n<!-- Generated from the rules' own documentation by `go test ./queries -update`; do not edit. -->\n\n")
	var fleet []string
	for _, r := range FleetRules() {
		fleet = append(fleet, r.Name)
	}
	fmt.Fprintf(&b, "`driftmap check` runs every rule below but %s, which only `driftmap fleet` runs over the reports of several hosts; `driftmap explain RULE` prints the same text.\n\n", strings.Join(fleet, ", "))
	b.WriteString("| rule | severity | title |\n|---|---|---|\n")
	for _, r := range Documented() {
		fmt.Fprintf(&b, "| [%s](#%s) | %s | %s |\n", r.Name, r.Name, r.Severity, r.Title)
	}
	for _, r := range Documented() {
		fmt.Fprintf(&b, "\n## %s\n\n%s: %s.\n\n%s\n\nExample:\n\n```\n%s\n```\n", r.Name, r.Severity, r.Title, strings.TrimSpace(r.Doc), r.Example)
	}
	const file = "../docs/rules.md"
	if *update {
		if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(file)
	if err != nil || string(got) != b.String() {
		t.Errorf("docs/rules.md is stale; run go test ./queries -update (err %v)", err)
	}
}
