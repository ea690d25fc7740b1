package cli

import (
	"bytes"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/driftmap/driftmap/exporters"
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

// TestFormatNames checks that each command lists exactly the formats
// exporters has for its kind of document, and that the texts built from
// the lists are the ones the scripts and users know.
func TestFormatNames(t *testing.T) {
	for _, tt := range []struct {
		cmd        string
		names      []string
		registered []string
		hint       string
	}{
		{"check", checkFormats, exporters.CheckFormats(), "use --format text, json or dot"},
		// graph draws the map (dot, svg, mermaid) or exports the graph (json).
		{"graph", graphFormats, mapAndGraphFormats(), "use --format dot, svg, mermaid or json"},
		{"impact", answerFormats, exporters.ImpactFormats(), "use --format text or json"},
		{"why", answerFormats, exporters.WhyFormats(), "use --format text or json"},
	} {
		if got := slices.Sorted(slices.Values(tt.names)); !slices.Equal(got, tt.registered) {
			t.Errorf("%s lists formats %v, exporters has %v", tt.cmd, tt.names, tt.registered)
		}
		if got := formatHint(tt.names); got != tt.hint {
			t.Errorf("%s hint = %q, want %q", tt.cmd, got, tt.hint)
		}
	}
	for _, tt := range []struct {
		names []string
		want  string
	}{
		{nil, ""}, {[]string{"a"}, "a"}, {[]string{"a", "b"}, "a or b"}, {[]string{"a", "b", "c"}, "a, b or c"},
	} {
		if got := orList(tt.names); got != tt.want {
			t.Errorf("orList(%q) = %q, want %q", tt.names, got, tt.want)
		}
	}
}

// mapAndGraphFormats are the names of exporters' map and graph formats,
// sorted, without repeats.
func mapAndGraphFormats() []string {
	names := append(exporters.MapFormats(), exporters.GraphFormats()...)
	slices.Sort(names)
	return slices.Compact(names)
}

// TestHostname: the default node is the host name up to its first dot,
// and nothing when the host name cannot be told.
func TestHostname(t *testing.T) {
	for _, tc := range []struct {
		host string
		err  error
		want string
	}{
		{"studio", nil, "studio"},
		{"Berts-Mac-mini.local", nil, "Berts-Mac-mini"},
		{"a.b.c", nil, "a"},
		{"", nil, ""},
		{"studio", errors.New("no name"), ""},
	} {
		c := &ctx{env: Env{Hostname: func() (string, error) { return tc.host, tc.err }}}
		if got := c.hostname(); got != tc.want {
			t.Errorf("hostname %q (err %v) = %q, want %q", tc.host, tc.err, got, tc.want)
		}
	}
}
