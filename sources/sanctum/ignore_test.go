package sanctum

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/driftmap/driftmap/sources/record"
)

func TestApplyConfigIgnore(t *testing.T) {
	const file = "/ws/driftmap.yaml"
	tests := []struct {
		name    string
		yaml    string
		want    []IgnoreEntry
		invalid []int  // lines of InvalidIgnore problems
		problem string // substring of a parse-error problem
	}{
		{name: "entries", yaml: "ignore:\n  - {rule: orphan-wrapper, subject: \"wrapper:/a*\", reason: manual}\n  - rule: duplicate-key\n    reason: upstream\n",
			want: []IgnoreEntry{
				{Rule: "orphan-wrapper", Subject: "wrapper:/a*", Reason: "manual", File: file, Line: 2},
				{Rule: "duplicate-key", Reason: "upstream", File: file, Line: 3},
			}},
		{name: "no reason", yaml: "ignore:\n  - {rule: a, reason: ok}\n  - rule: b\n    subject: x\n", want: []IgnoreEntry{{Rule: "a", Reason: "ok", File: file, Line: 2}}, invalid: []int{3}},
		{name: "empty reason", yaml: "ignore:\n  - {rule: b, reason: \"\"}\n", invalid: []int{2}},
		{name: "nothing to narrow", yaml: "ignore:\n  - {reason: everything}\n", invalid: []int{2}},
		{name: "bad pattern", yaml: "ignore:\n  - {subject: \"[\", reason: x}\n", invalid: []int{2}},
		{name: "unknown key drops the entry", yaml: "ignore:\n  - {rule: a, subjet: x, reason: typo}\n", problem: `unknown key "subjet"`},
		{name: "wrong type drops the entry", yaml: "ignore:\n  - {rule: [a], subject: x, reason: r}\n", problem: "must be a string"},
		{name: "not a list", yaml: "ignore: {rule: a}\n", problem: "must be a list"},
		{name: "item not a mapping", yaml: "ignore:\n  - a\n", problem: "must be a mapping"},
		{name: "empty", yaml: "ignore: []\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := DefaultLayout("/r", "/Users/bert", "/ws")
			probs := ApplyConfig(&l, []byte(tt.yaml), file)
			if d := cmp.Diff(tt.want, l.Ignore); d != "" {
				t.Errorf("Ignore (-want +got):\n%s", d)
			}
			var lines []int
			found := tt.problem == ""
			for _, p := range probs {
				if p.Rule == record.InvalidIgnore {
					lines = append(lines, p.Line)
					if !strings.HasPrefix(p.Message, file+":") {
						t.Errorf("message %q does not name %s and the line", p.Message, file)
					}
				} else if tt.problem != "" && strings.Contains(p.Message, tt.problem) {
					found = true
				}
			}
			if d := cmp.Diff(tt.invalid, lines); d != "" {
				t.Errorf("invalid-ignore lines (-want +got):\n%s\n%v", d, probs)
			}
			if !found {
				t.Errorf("no problem containing %q in %v", tt.problem, probs)
			}
		})
	}
}
