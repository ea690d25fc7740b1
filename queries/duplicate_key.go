package queries

import "github.com/driftmap/driftmap/sources/record"

// DuplicateKey reports keys repeated in one YAML mapping.
var DuplicateKey = &Rule{
	Name:     record.DuplicateKey,
	Severity: Warning,
	Title:    "a YAML key is repeated in one mapping",
	Doc: `A key appears twice in the same mapping of instance.yaml, the catalog, a
manifest or driftmap.yaml. YAML parsers do not agree on what that means;
Sanctum's own tools (and driftmap, to match them) take the last value and
read the rest of the file normally, so the earlier value is silently
ignored: whoever edits it changes nothing. The finding names both lines.
Delete the copy you do not mean, or merge the two.`,
	Example: `/Users/bert/.sanctum/instance.yaml:12: warning: duplicate key "voice_agent" (first defined at line 9); the last value is used, as Sanctum's own tools read the file [duplicate-key]`,
	Run:     func(p *Pass) { reportProblems(p, record.DuplicateKey) },
}
