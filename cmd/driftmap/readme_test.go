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
// "$ driftmap ..." console block must print exactly what the README
// shows, run from the directory a "$ cd DIR" line before it names
// (relative to the repository), else testdata/demo/broken.
// UPDATE_README=1 rewrites the blocks.
func TestReadmeOutput(t *testing.T) {
	readme, err := filepath.Abs("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(string(data), "```console\n")
	if len(parts) < 2 {
		t.Fatal("README.md has no console blocks")
	}
	for bi, block := range parts[1:] {
		block, _, _ = strings.Cut(block, "```")
		lines := strings.SplitAfter(block, "\n")
		i := 0
		dir := "testdata/demo/broken"
		for i < len(lines) && !strings.HasPrefix(lines[i], "$ driftmap ") {
			if d, ok := strings.CutPrefix(lines[i], "$ cd "); ok {
				dir = strings.TrimSpace(d)
			}
			i++
		}
		if i == len(lines) {
			continue
		}
		t.Chdir(filepath.Join(repo, filepath.FromSlash(dir)))
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
		if out.String() == want {
			continue
		}
		if os.Getenv("UPDATE_README") == "1" {
			_, rest, _ := strings.Cut(parts[bi+1], "```")
			parts[bi+1] = strings.Join(lines[:i+1], "") + out.String() + "```" + rest
			continue
		}
		t.Errorf("README output of 'driftmap %s' is stale (UPDATE_README=1 rewrites it); it prints:\n%s", cmdline, out.String())
	}
	if os.Getenv("UPDATE_README") == "1" {
		if err := os.WriteFile(readme, []byte(strings.Join(parts, "```console\n")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestReadmeMap keeps docs/demo-map.svg, the map README.md shows, the
// map of the broken demo as `driftmap graph --format svg` draws it today.
// UPDATE_README=1 rewrites it.
func TestReadmeMap(t *testing.T) {
	file, err := filepath.Abs("../../docs/demo-map.svg")
	if err != nil {
		t.Fatal(err)
	}
	demo, err := filepath.Abs("../../testdata/demo/broken")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(demo)
	var out, errb bytes.Buffer
	args := strings.Fields("graph --format svg --root root --home /Users/bert --workspace workspace")
	if code := cli.Execute(args, cli.Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}); code != 0 {
		t.Fatalf("driftmap %s: exit %d: %s", strings.Join(args, " "), code, errb.String())
	}
	if os.Getenv("UPDATE_README") == "1" {
		if err := os.WriteFile(file, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(want, out.Bytes()) {
		t.Errorf("docs/demo-map.svg is stale (UPDATE_README=1 rewrites it)")
	}
}
