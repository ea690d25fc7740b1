package queries

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/driftmap/driftmap/sources"
)

// fleet writes a synthetic constellation of n services, each with a
// catalog entry, a manifest, a plist and a wrapper script, every tenth
// one with a missing target, and returns the directory.
func fleet(tb testing.TB, n int) string {
	tb.Helper()
	dir := tb.TempDir()
	w := func(name, data string, mode os.FileMode) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), mode); err != nil {
			tb.Fatal(err)
		}
	}
	var cat, inst strings.Builder
	cat.WriteString("version: 1\nservices:\n")
	inst.WriteString("services:\n")
	for i := range n {
		name := fmt.Sprintf("svc-%05d", i)
		fmt.Fprintf(&cat, "  %s: {launchagent: com.sanctum.%s, requires: [svc-%05d]}\n", name, name, (i+1)%n)
		fmt.Fprintf(&inst, "  svc_%05d: {port: %d}\n", i, 10000+i)
		w(fmt.Sprintf("root/Users/bert/.sanctum/services/%s.yaml", name), fmt.Sprintf("name: %s\nport: %d\nrequires: [svc-%05d]\nlaunchagent: com.sanctum.%s\n", name, 10000+i, (i+1)%n, name), 0o644)
		target := "/usr/bin/true"
		if i%10 == 0 {
			target = "/opt/gone/" + name
		}
		w(fmt.Sprintf("root/Users/bert/.sanctum/bin/%s", name), fmt.Sprintf("#!/bin/bash\nsource ~/.sanctum/env.sh\nexec %s --port %d\n", target, 10000+i), 0o755)
		w(fmt.Sprintf("root/Users/bert/Library/LaunchAgents/com.sanctum.%s.plist", name), fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0">
<dict>
	<key>Label</key>
	<string>com.sanctum.%s</string>
	<key>ProgramArguments</key>
	<array>
		<string>/Users/bert/.sanctum/bin/%s</string>
		<string>/health</string>
	</array>
	<key>StandardErrorPath</key>
	<string>/Users/bert/Library/Logs/%s.log</string>
</dict>
</plist>
`, name, name, name), 0o644)
	}
	w("workspace/sanctum/runtime_catalog.yaml", cat.String(), 0o644)
	w("root/Users/bert/.sanctum/instance.yaml", inst.String(), 0o644)
	w("root/Users/bert/.sanctum/env.sh", "export A=1\n", 0o644)
	w("root/usr/bin/true", "#!/bin/sh\n", 0o755)
	w("root/Users/bert/Library/Logs/.keep", "", 0o644)
	return dir
}

func benchmarkCheck(b *testing.B, n int) {
	dir := fleet(b, n)
	opts := sources.Options{Root: filepath.Join(dir, "root"), Home: "/Users/bert", Workspace: filepath.Join(dir, "workspace")}
	b.ResetTimer()
	for b.Loop() {
		snap, err := sources.Load(opts)
		if err != nil {
			b.Fatal(err)
		}
		fs := Run(snap, All())
		if s := Summarize(fs); s.Errors != n/10+1 { // missing targets + the one big cycle
			b.Fatalf("got %d errors, want %d", s.Errors, n/10+1)
		}
	}
	b.ReportMetric(float64(n), "services")
}

func BenchmarkCheck100(b *testing.B)  { benchmarkCheck(b, 100) }
func BenchmarkCheck1000(b *testing.B) { benchmarkCheck(b, 1000) }
