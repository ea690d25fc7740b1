package queries

import (
	"fmt"
	"strings"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources/artifact"
)

// ArtifactMissing reports generated files whose input exists but which
// do not.
var ArtifactMissing = &Rule{
	Name:     "artifact-missing",
	Severity: Warning,
	Title:    "a generated artifact is missing though its input exists",
	Doc: `An artifact's input exists but the artifact does not: whatever reads the
artifact finds nothing, or falls back to a default. Generate it from its
input.

A LaunchAgent template (LABEL.plist) is expected only when its service,
the one that runs as job LABEL (by a launchagent key or the Label naming
convention), is enabled in instance.yaml, or is a catalog auxiliary
service that instance.yaml does not disable: Sanctum's renderer skips
every other template on purpose, so driftmap checks neither its absence
nor its drift (a live plist of a disabled service is live-but-disabled).
Without instance.yaml every template is expected.`,
	Example: `/Users/bert/.sanctum/config/agent-capabilities.yaml: warning: /Users/bert/.sanctum/config/agent-capabilities.yaml is missing; it is a copy of sanctum/agent_capabilities.yaml [artifact-missing]`,
	Run: func(p *Pass) {
		for _, r := range p.Artifacts {
			if r.State != artifact.Missing {
				continue
			}
			p.ReportAt(graph.Evidence{File: r.Output}, graph.ID(graph.Artifact, r.Output),
				fmt.Sprintf("%s is missing; it is generated (%s) from %s", r.Output, r.Spec.Kind, strings.Join(r.Inputs, " and ")),
				r.Spec.Evidence)
		}
	},
}
