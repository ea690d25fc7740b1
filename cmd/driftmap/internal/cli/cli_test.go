package cli

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// TestColor checks colour is used only on a terminal and never with
// NO_COLOR set, whatever the value.
func TestColor(t *testing.T) {
	demo, err := filepath.Abs("../../../../testdata/demo/broken")
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"check", "--root", filepath.Join(demo, "root"), "--home", "/Users/bert", "--workspace", filepath.Join(demo, "workspace")}
	for _, tc := range []struct {
		name     string
		terminal bool
		noColor  string
		want     bool
	}{
		{"terminal", true, "", true},
		{"pipe", false, "", false},
		{"terminal with NO_COLOR", true, "1", false},
		{"terminal with NO_COLOR=0", true, "0", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			env := Env{Stdout: &out, Stderr: &errb, IsTerminal: tc.terminal, Getenv: func(k string) string {
				if k == "NO_COLOR" {
					return tc.noColor
				}
				return ""
			}}
			if code := Execute(args, env); code != ExitFindings {
				t.Fatalf("exit %d, stderr %s", code, errb.String())
			}
			if got := strings.Contains(out.String(), "\x1b["); got != tc.want {
				t.Errorf("colour = %v, want %v", got, tc.want)
			}
		})
	}
}
