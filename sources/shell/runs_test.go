package shell

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestParseScriptRuns checks that a script's exec records the program's
// words, fixed or not, and that nothing else (commands, -c strings) does.
func TestParseScriptRuns(t *testing.T) {
	tests := []struct {
		name, src string
		want      []Run
	}{
		{"exec with words", "#!/bin/sh\nexec /x/shim -u ~/app.py \"$PORT\" /health\n",
			[]Run{{Args: []Word{{"-u", 2, true}, {"/Users/bert/app.py", 2, true}, {"", 2, false}, {"/health", 2, true}}}}},
		{"exec -a and --", "#!/bin/sh\nexec -a name -- /x/shim a\n", []Run{{Args: []Word{{"a", 2, true}}}}},
		{"exec without arguments", "#!/bin/sh\nexec /x/shim\n", []Run{{Args: []Word{}}}},
		{"plain command is not a run", "#!/bin/sh\n/x/shim a\n", nil},
		{"unfixed program is not a run", "#!/bin/sh\nexec \"$BIN\" a\n", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			refs, probs := ParseScript([]byte(tc.src), "w", "/Users/bert", nil)
			if len(probs) > 0 {
				t.Fatalf("problems: %+v", probs)
			}
			if diff := cmp.Diff(tc.want, refs.Runs, cmpopts.IgnoreFields(Run{}, "Exec"), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Runs (-want +got):\n%s", diff)
			}
			for _, r := range refs.Runs {
				if r.Exec.Path != "/x/shim" {
					t.Errorf("Exec = %+v, want /x/shim", r.Exec)
				}
			}
		})
	}
}
