package queries

import "github.com/driftmap/driftmap/graph"

// TemplateError reports template placeholders that cannot be resolved.
var TemplateError = &Rule{
	Name:     "template-error",
	Severity: Error,
	Title:    "a template placeholder cannot be resolved",
	Doc: `A template uses a placeholder that driftmap cannot resolve from
instance.yaml: {{HOME}} is the home directory, a dotted path such as
{{services.voice_agent.port}} names a value in instance.yaml, and an
UPPER_CASE name ({{GATEWAY_PORT}}) names the value driftmap.yaml's
placeholders: maps it to (see unmapped-placeholder; a credential-like one
such as {{OPENAI_API_KEY}} is a Keychain token that matches any value).
A dotted path, or a mapping, that leads to nothing would render as a
silent blank. Fix the placeholder or its mapping, or add the value to
instance.yaml. A template is checked only when its service is enabled
(see artifact-missing).`,
	Example: `/Users/bert/.sanctum/templates/launchagents/com.sanctum.voice-agent.plist:14: error: placeholder {{services.voice.port}} cannot be resolved from instance.yaml [template-error]`,
	Run: func(p *Pass) {
		for _, r := range p.Artifacts {
			for _, te := range r.TemplateErrors {
				p.Report(graph.ID(graph.Artifact, r.Output), te.Message, graph.Evidence{File: te.File, Line: te.Line, Key: te.Key})
			}
		}
	},
}
