package cli

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// TestProgress: the progress of a load is written to standard error
// only when it is a terminal; piped, standard error holds exactly what
// it holds without it, and standard output never holds it.
func TestProgress(t *testing.T) {
	demo, err := filepath.Abs("../../../../testdata/demo/broken")
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"check", "--format", "json", "--root", filepath.Join(demo, "root"), "--home", "/Users/bert", "--workspace", filepath.Join(demo, "workspace")}
	oldDelay := progressDelay
	progressDelay = 0 // show it at once, however short the load
	defer func() { progressDelay = oldDelay }()
	run := func(errTerminal bool) (string, string) {
		var out, errb bytes.Buffer
		Execute(args, Env{Stdout: &out, Stderr: &errb, ErrTerminal: errTerminal, Getenv: func(string) string { return "" }})
		return out.String(), errb.String()
	}
	pipedOut, pipedErr := run(false)
	if strings.Contains(pipedErr, "driftmap: read") || strings.Contains(pipedErr, "\r") {
		t.Errorf("progress written to a standard error that is not a terminal:\n%q", pipedErr)
	}
	termOut, termErr := run(true)
	if !strings.Contains(termErr, "\rdriftmap: read ") || !strings.HasSuffix(termErr, "\r\033[K"+pipedErr) {
		t.Errorf("no progress line, cleared, before the rest of standard error on a terminal:\n%q", termErr)
	}
	if termOut != pipedOut {
		t.Error("the report on standard output differs when standard error is a terminal")
	}
}
