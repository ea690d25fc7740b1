package queries

import "testing"

func TestPlaceholder(t *testing.T) {
	for in, want := range map[string]string{
		"/{{SCRIPTS_DIR}}/run.sh":        "{{SCRIPTS_DIR}}",
		"{{ workmode_path }}":            "{{ workmode_path }}",
		"/@bindir@/nix-daemon":           "@bindir@",
		"/__HOME__/Library/x.py":         "__HOME__",
		"/opt/<%= @prefix %>/bin/worker": "<%= @prefix %>",
		"/opt/${job_id}/run":             "${job_id}",
		"/usr/local/bin/node":            "",
		"/Users/bert/__pycache__/x.pyc":  "",
		"user@example.com":               "",
	} {
		if got := placeholder(in); got != want {
			t.Errorf("placeholder(%q) = %q, want %q", in, got, want)
		}
	}
}
