package sanctum

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources/record"
)

func TestApplyConfigPlaceholders(t *testing.T) {
	const file = "/ws/driftmap.yaml"
	ph := func(name, path string, line int) Placeholder {
		return Placeholder{Name: name, Path: path, Evidence: graph.Evidence{File: file, Line: line, Key: "placeholders." + name, Token: path}}
	}
	tests := []struct {
		name  string
		yaml  string
		want  []Placeholder
		probs []record.Problem
	}{
		{name: "mappings in file order",
			yaml: "placeholders:\n  GATEWAY_PORT: services.openclaw_gateway.port\n  A1: network.bind\n",
			want: []Placeholder{ph("GATEWAY_PORT", "services.openclaw_gateway.port", 2), ph("A1", "network.bind", 3)}},
		{name: "a repeated name: the last wins",
			yaml:  "placeholders:\n  P: a.b\n  P: c.d\n",
			want:  []Placeholder{ph("P", "c.d", 3)},
			probs: []record.Problem{{File: file, Line: 3, Key: "placeholders.P", Message: `duplicate key "P" (first defined at line 2); the last value is used, as Sanctum's own tools read the file`, Rule: record.DuplicateKey}}},
		{name: "bad entries are problems and left out",
			yaml: "placeholders:\n  HOME: x.y\n  lower: a.b\n  EMPTY: \"\"\n  LIST: [a]\n  SPACE: a b\n  OK: services.x.port\n",
			want: []Placeholder{ph("OK", "services.x.port", 7)},
			probs: []record.Problem{
				{File: file, Line: 2, Key: "placeholders.HOME", Message: "placeholders.HOME: {{HOME}} is built in (the home directory) and cannot be mapped"},
				{File: file, Line: 3, Key: "placeholders.lower", Message: "placeholders.lower: a placeholder name must be UPPER_CASE (letters, digits, _); dotted placeholders need no mapping"},
				{File: file, Line: 4, Key: "placeholders.EMPTY", Message: "placeholders.EMPTY must be a dotted path in instance.yaml such as services.NAME.port, found a string"},
				{File: file, Line: 5, Key: "placeholders.LIST", Message: "placeholders.LIST must be a dotted path in instance.yaml such as services.NAME.port, found a list"},
				{File: file, Line: 6, Key: "placeholders.SPACE", Message: "placeholders.SPACE must be a dotted path in instance.yaml such as services.NAME.port, found a string"},
			}},
		{name: "not a mapping", yaml: "placeholders: [a]\n",
			probs: []record.Problem{{File: file, Line: 1, Key: "placeholders", Message: "placeholders must be a mapping, found a list"}}},
		{name: "empty", yaml: "placeholders:\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := DefaultLayout("/r", "/Users/bert", "/ws")
			probs := ApplyConfig(&l, []byte(tt.yaml), file)
			if d := cmp.Diff(tt.want, l.Placeholders); d != "" {
				t.Errorf("Placeholders (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tt.probs, probs); d != "" {
				t.Errorf("problems (-want +got):\n%s", d)
			}
		})
	}
}
