package exporters

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/queries"
)

func TestSARIFArtifact(t *testing.T) {
	for _, tc := range []struct {
		file, ws string
		want     sarifArtifactLocation
	}{
		{"sanctum/runtime_catalog.yaml", ".", sarifArtifactLocation{URI: "sanctum/runtime_catalog.yaml", URIBaseID: "WORKSPACE"}},
		{"workspace/sanctum/runtime_catalog.yaml", "workspace", sarifArtifactLocation{URI: "sanctum/runtime_catalog.yaml", URIBaseID: "WORKSPACE"}},
		{"/ci/src/ws/driftmap.yaml", "/ci/src/ws", sarifArtifactLocation{URI: "driftmap.yaml", URIBaseID: "WORKSPACE"}},
		{"/Users/bert/.sanctum/instance.yaml", ".", sarifArtifactLocation{URI: "Users/bert/.sanctum/instance.yaml", URIBaseID: "ROOT"}},
		{"/Users/bert/.sanctum/instance.yaml", "/ci/src/ws", sarifArtifactLocation{URI: "Users/bert/.sanctum/instance.yaml", URIBaseID: "ROOT"}},
		// A file relative to the working directory, outside a relative
		// workspace (a baseline next to it).
		{".driftmap-baseline.json", "workspace", sarifArtifactLocation{URI: "../.driftmap-baseline.json", URIBaseID: "WORKSPACE"}},
		// Percent-encoding, and a colon in the first segment.
		{"/Library/Launch Agents/100%.plist", ".", sarifArtifactLocation{URI: "Library/Launch%20Agents/100%25.plist", URIBaseID: "ROOT"}},
		{"a:b/c.yaml", ".", sarifArtifactLocation{URI: "./a:b/c.yaml", URIBaseID: "WORKSPACE"}},
		{"evil\n.plist", ".", sarifArtifactLocation{URI: "evil%0A.plist", URIBaseID: "WORKSPACE"}},
		// The URI is built from the scrubbed path.
		{"/opt/bin/tool --password=SECRET", ".", sarifArtifactLocation{URI: "opt/bin/tool%20--password=%3Credacted%3E", URIBaseID: "ROOT"}},
	} {
		if got := sarifArtifact(tc.file, tc.ws); got != tc.want {
			t.Errorf("sarifArtifact(%q, %q) = %+v, want %+v", tc.file, tc.ws, got, tc.want)
		}
	}
}

// TestSARIFReport formats findings of a machine audited with a relative
// workspace: its levels, locations, regions, rule indexes and
// fingerprints, repeated fingerprints numbered.
func TestSARIFReport(t *testing.T) {
	cat := "workspace/sanctum/runtime_catalog.yaml"
	dup := queries.Finding{Rule: "stale-ignore", Severity: queries.Info, Message: "stale", File: "workspace/driftmap.yaml", Line: 3,
		Evidence: []graph.Evidence{{File: "workspace/driftmap.yaml", Line: 3, Key: "ignore"}}}
	dup2 := dup
	dup2.Line, dup2.Evidence = 9, []graph.Evidence{{File: "workspace/driftmap.yaml", Line: 9, Key: "ignore"}}
	fs := []queries.Finding{
		{Rule: "missing-target", Severity: queries.Error, Subject: "job:com.sanctum.a", Message: "runs /x", File: "/Users/bert/Library/LaunchAgents/com.sanctum.a.plist", Line: 9},
		{Rule: "renamed-reference", Severity: queries.Warning, Subject: "service:voice-agent", Message: "old name", File: cat, Line: 7},
		dup, dup2,
		{Rule: "not-a-rule", Severity: queries.Info, Message: "from elsewhere"},
	}
	r := &Report{Findings: fs, Workspace: "workspace"}
	var doc struct {
		Schema  string `json:"$schema"`
		Version string
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name  string
					Rules []struct {
						ID                   string
						DefaultConfiguration struct{ Level string }
					}
				}
			}
			Results []struct {
				RuleID              string
				RuleIndex           *int
				Level               string
				Message             struct{ Text string }
				Locations           []json.RawMessage
				PartialFingerprints map[string]string
			}
		}
	}
	out := formatted(t, check("sarif", Options{}, r))
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Schema != SARIFSchema || doc.Version != "2.1.0" || len(doc.Runs) != 1 {
		t.Fatalf("header: %q %q, %d runs", doc.Schema, doc.Version, len(doc.Runs))
	}
	run := doc.Runs[0]
	all := queries.All()
	if len(run.Tool.Driver.Rules) != len(all) || run.Tool.Driver.Name != "driftmap" {
		t.Fatalf("driver %q with %d rules, want %d", run.Tool.Driver.Name, len(run.Tool.Driver.Rules), len(all))
	}
	for i, rule := range run.Tool.Driver.Rules {
		if rule.ID != all[i].Name || rule.DefaultConfiguration.Level != sarifLevel(all[i].Severity) {
			t.Errorf("rule %d = %+v, want %s", i, rule, all[i].Name)
		}
	}
	levels := map[string]string{}
	for _, rule := range run.Tool.Driver.Rules {
		levels[rule.ID] = rule.DefaultConfiguration.Level
	}
	if levels["missing-target"] != "error" || levels["unmanaged"] != "warning" || levels["orphan-wrapper"] != "note" {
		t.Errorf("levels = %v", levels)
	}
	var got []string
	for i, res := range run.Results {
		idx := "-"
		if res.RuleIndex != nil {
			idx = run.Tool.Driver.Rules[*res.RuleIndex].ID
		}
		loc := "none"
		if len(res.Locations) == 1 {
			loc = string(res.Locations[0])
		}
		fp := res.PartialFingerprints[FingerprintKey]
		base, _, _ := strings.Cut(fp, ":")
		if want := queries.Fingerprint(fs[i], "workspace"); base != want {
			t.Errorf("result %d fingerprint %s, want %s", i, fp, want)
		}
		got = append(got, strings.Join([]string{res.RuleID, idx, res.Level, res.Message.Text, strings.TrimPrefix(fp, base), strings.Join(strings.Fields(loc), "")}, " | "))
	}
	want := []string{
		`missing-target | missing-target | error | runs /x |  | {"physicalLocation":{"artifactLocation":{"uri":"Users/bert/Library/LaunchAgents/com.sanctum.a.plist","uriBaseId":"ROOT"},"region":{"startLine":9}}}`,
		`renamed-reference | renamed-reference | warning | old name |  | {"physicalLocation":{"artifactLocation":{"uri":"sanctum/runtime_catalog.yaml","uriBaseId":"WORKSPACE"},"region":{"startLine":7}}}`,
		`stale-ignore | stale-ignore | note | stale |  | {"physicalLocation":{"artifactLocation":{"uri":"driftmap.yaml","uriBaseId":"WORKSPACE"},"region":{"startLine":3}}}`,
		`stale-ignore | stale-ignore | note | stale | :2 | {"physicalLocation":{"artifactLocation":{"uri":"driftmap.yaml","uriBaseId":"WORKSPACE"},"region":{"startLine":9}}}`,
		`not-a-rule | - | note | from elsewhere |  | none`,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("results (-want +got):\n%s", d)
	}
}
