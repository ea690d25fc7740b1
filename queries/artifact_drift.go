package queries

import (
	"fmt"
	"strings"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources/artifact"
)

// maxDifferences bounds how many differences one finding spells out.
const maxDifferences = 5

// ArtifactDrift reports generated files that differ from a fresh
// rendering of their inputs.
var ArtifactDrift = &Rule{
	Name:     "artifact-drift",
	Severity: Error,
	Title:    "a generated artifact differs from a fresh rendering of its inputs",
	Doc: `Some runtime files are copies or renderings of checked-in inputs:
~/.sanctum/config/agent-capabilities.yaml is a copy of the workspace's
sanctum/agent_capabilities.yaml, ~/.sanctum/.instance.json is instance.yaml
as JSON, and each installed LaunchAgent plist with a template in
~/.sanctum/templates/launchagents is that template rendered with
instance.yaml. driftmap renders the input afresh and compares values (not
bytes), naming each differing key; credential-like values are never shown.
Regenerate the artifact from its input, or, if the artifact holds the
change you want, put it in the input. Declare other artifacts in
driftmap.yaml (artifacts:).`,
	Example: `/Users/bert/.sanctum/.instance.json: error: /Users/bert/.sanctum/.instance.json differs from a fresh json-cache rendering of /Users/bert/.sanctum/instance.yaml: key services.voice_agent.port: 8765 in input, 8766 in output [artifact-drift]`,
	Run: func(p *Pass) {
		for _, r := range p.Artifacts {
			if r.State != artifact.Drift {
				continue
			}
			diffs := r.Differences
			more := ""
			if len(diffs) > maxDifferences {
				more = fmt.Sprintf("; and %d more", len(diffs)-maxDifferences)
				diffs = diffs[:maxDifferences]
			}
			p.ReportAt(graph.Evidence{File: r.Output}, graph.ID(graph.Artifact, r.Output),
				fmt.Sprintf("%s differs from a fresh %s rendering of %s: %s%s", r.Output, r.Spec.Kind, strings.Join(r.Inputs, " and "), strings.Join(diffs, "; "), more),
				r.Spec.Evidence)
		}
	},
}
