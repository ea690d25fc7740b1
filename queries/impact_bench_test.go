package queries_test

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/driftmap/driftmap/exporters"
	"github.com/driftmap/driftmap/queries"
	"github.com/driftmap/driftmap/sources"
)

// sharedTool writes a machine of n launchd jobs, each a plist exec'ing
// the same wrapper, which execs /opt/bin/tool, and returns its options.
func sharedTool(tb testing.TB, n int) sources.Options {
	tb.Helper()
	dir := tb.TempDir()
	root := filepath.Join(dir, "root")
	agents := filepath.Join(root, "Users/bert/Library/LaunchAgents")
	for _, d := range []string{agents, filepath.Join(root, "Users/bert/.sanctum/bin"), filepath.Join(root, "opt/bin"), filepath.Join(dir, "workspace")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			tb.Fatal(err)
		}
	}
	write := func(p, data string, mode os.FileMode) {
		if err := os.WriteFile(p, []byte(data), mode); err != nil {
			tb.Fatal(err)
		}
	}
	write(filepath.Join(root, "Users/bert/.sanctum/bin/shared"), "#!/bin/sh\nexec /opt/bin/tool\n", 0o755)
	write(filepath.Join(root, "opt/bin/tool"), "#!/bin/sh\n", 0o755)
	for i := range n {
		label := fmt.Sprintf("com.sanctum.j%05d", i)
		write(filepath.Join(agents, label+".plist"), `<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0">
<dict>
	<key>Label</key>
	<string>`+label+`</string>
	<key>ProgramArguments</key>
	<array>
		<string>/Users/bert/.sanctum/bin/shared</string>
	</array>
</dict>
</plist>
`, 0o644)
	}
	return sources.Options{Root: root, Home: "/Users/bert", Workspace: filepath.Join(dir, "workspace")}
}

// benchmarkImpactShared measures `driftmap impact /opt/bin/tool` on a
// file n jobs share: "answer" resolves the target, answers and prints the
// text tree (the graph loaded once, outside the timer); "load+answer"
// includes loading the n plists, as the command does.
func benchmarkImpactShared(b *testing.B, n int) {
	opts := sharedTool(b, n)
	text, err := exporters.Impact("text")
	if err != nil {
		b.Fatal(err)
	}
	answer := func(snap *sources.Snapshot) {
		id, _, err := queries.Resolve(snap.Graph, "/opt/bin/tool", snap.Layout.Home)
		if err != nil {
			b.Fatal(err)
		}
		im := queries.ImpactOf(snap.Graph, id)
		if len(im.Affected) != n+1 {
			b.Fatalf("%d affected, want %d", len(im.Affected), n+1)
		}
		if err := text.FormatImpact(io.Discard, im); err != nil {
			b.Fatal(err)
		}
	}
	load := func() *sources.Snapshot {
		snap, err := sources.Load(opts)
		if err != nil {
			b.Fatal(err)
		}
		return snap
	}
	b.Run("answer", func(b *testing.B) {
		snap := load()
		for b.Loop() {
			answer(snap)
		}
	})
	b.Run("load+answer", func(b *testing.B) {
		for b.Loop() {
			answer(load())
		}
	})
}

func BenchmarkImpactShared10k(b *testing.B) { benchmarkImpactShared(b, 10_000) }
func BenchmarkImpactShared50k(b *testing.B) { benchmarkImpactShared(b, 50_000) }
