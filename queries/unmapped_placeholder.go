package queries

import (
	"fmt"

	"github.com/driftmap/driftmap/graph"
)

// UnmappedPlaceholder reports UPPER_CASE template placeholders that
// driftmap.yaml does not map to an instance.yaml value.
var UnmappedPlaceholder = &Rule{
	Name:     "unmapped-placeholder",
	Severity: Warning,
	Title:    "a template placeholder is not mapped, so its value is not compared",
	Doc: `A LaunchAgent template uses an UPPER_CASE placeholder such as
{{GATEWAY_PORT}} that driftmap.yaml's placeholders: does not map to a
value in instance.yaml. driftmap cannot know what it renders to, so the
installed plist's value at its place is not compared: a gateway port that
drifted from 1977 to 1978 there would go unseen. The rest of the template
is still compared. Map it to its instance.yaml path in driftmap.yaml:

    placeholders:
      GATEWAY_PORT: services.openclaw_gateway.port

{{HOME}} is built in and dotted placeholders ({{services.x.port}}) need no
mapping. A placeholder whose name looks like a credential
({{GATEWAY_TOKEN}}, {{OPENAI_API_KEY}}) is a Keychain secret: it is never
compared and never reported.`,
	Example: `/Users/bert/.sanctum/templates/launchagents/haus.sanctum.gateway.plist:12: warning: placeholder {{GATEWAY_PORT}} has no entry in driftmap.yaml's placeholders:, so its value in /Users/bert/Library/LaunchAgents/haus.sanctum.gateway.plist is not compared [unmapped-placeholder]`,
	Run: func(p *Pass) {
		for _, r := range p.Artifacts {
			for _, u := range r.Unmapped {
				p.Report(graph.ID(graph.Artifact, r.Output),
					fmt.Sprintf("placeholder {{%s}} has no entry in driftmap.yaml's placeholders:, so its value in %s is not compared", u.Name, r.Output),
					graph.Evidence{File: u.File, Line: u.Line, Token: "{{" + u.Name + "}}"})
			}
		}
	},
}
