package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/driftmap/driftmap/cmd/driftmap/internal/cli"
)

// TestSnapshotRoundTrip: a snapshot built from the broken demo's raw
// launchctl outputs (snapshot --from), given to check --live, gives the
// same findings as the raw outputs themselves: the same rules about the
// same subjects, saying the same.
func TestSnapshotRoundTrip(t *testing.T) {
	demo, err := filepath.Abs("../../testdata/demo/broken")
	if err != nil {
		t.Fatal(err)
	}
	raw := []string{"launchctl-list.txt", "watchdog.print.txt", "print-disabled-gui.txt"}
	run := func(args ...string) []byte {
		t.Helper()
		var out, errb bytes.Buffer
		code := cli.Execute(args, cli.Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }})
		if code > 1 {
			t.Fatalf("driftmap %v: exit %d: %s", args, code, errb.String())
		}
		return out.Bytes()
	}
	base := []string{"check", "--format", "json", "--root", filepath.Join(demo, "root"), "--home", "/Users/bert", "--workspace", filepath.Join(demo, "workspace")}
	from := []string{"snapshot"}
	withRaw := slices.Clone(base)
	for _, f := range raw {
		p := filepath.Join(demo, "live", f)
		from = append(from, "--from", p)
		withRaw = append(withRaw, "--live", p)
	}
	snap := filepath.Join(t.TempDir(), "snap.json")
	if err := os.WriteFile(snap, run(from...), 0o644); err != nil {
		t.Fatal(err)
	}
	findings := func(doc []byte) []string {
		var r struct {
			Findings []struct{ Rule, Subject, Message string }
		}
		if err := json.Unmarshal(doc, &r); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, f := range r.Findings {
			out = append(out, f.Rule+" "+f.Subject+": "+f.Message)
		}
		slices.Sort(out)
		return out
	}
	a, b := findings(run(withRaw...)), findings(run(append(slices.Clone(base), "--live", snap)...))
	if !slices.Equal(a, b) {
		t.Errorf("raw outputs give\n%q\nthe snapshot gives\n%q", a, b)
	}
	live := 0
	for _, f := range a {
		for _, r := range []string{"ghost-job ", "stale-load ", "not-loaded ", "override-conflict ", "flapping "} {
			if len(f) > len(r) && f[:len(r)] == r {
				live++
			}
		}
	}
	if live != 5 {
		t.Errorf("%d findings of the live rules, want 5 (one each): %q", live, a)
	}
}
