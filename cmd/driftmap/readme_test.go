package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/driftmap/driftmap/cmd/driftmap/internal/cli"
)

// TestReadmeOutput keeps the output pasted into README.md true: each
// "$ driftmap ..." console block run from testdata/demo/broken must print
// exactly what the README shows.
func TestReadmeOutput(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	dir, err := filepath.Abs("../../testdata/demo/broken")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	blocks := strings.Split(string(data), "```console\n")[1:]
	if len(blocks) == 0 {
		t.Fatal("README.md has no console blocks")
	}
	for _, block := range blocks {
		block, _, _ = strings.Cut(block, "```")
		lines := strings.SplitAfter(block, "\n")
		i := 0
		for i < len(lines) && !strings.HasPrefix(lines[i], "$ driftmap ") {
			i++
		}
		if i == len(lines) {
			continue
		}
		cmdline := strings.TrimSpace(strings.TrimPrefix(lines[i], "$ driftmap "))
		want := strings.Join(lines[i+1:], "")
		var args []string
		for _, f := range strings.Fields(cmdline) {
			args = append(args, strings.Trim(f, "'"))
		}
		var out, errb bytes.Buffer
		code := cli.Execute(args, cli.Env{Stdout: &out, Stderr: &errb, Getenv: func(k string) string {
			if k == "HOME" {
				return "/Users/bert"
			}
			return ""
		}})
		if code > 1 {
			t.Errorf("driftmap %s: exit %d: %s", cmdline, code, errb.String())
			continue
		}
		if out.String() != want {
			t.Errorf("README output of 'driftmap %s' is stale; it prints:\n%s", cmdline, out.String())
		}
	}
}
