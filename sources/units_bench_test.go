package sources

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkLoadUnits loads a machine of n system units, each with a
// drop-in, an install link, a Requires= on the next one, a sh -c line
// and an EnvironmentFile=, half of whose programs exist (the timing goal
// is in docs/performance.md: 1,000 units well under a second).
func BenchmarkLoadUnits(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			root := b.TempDir()
			etc := filepath.Join(root, "etc/systemd/system")
			for i := range n {
				unit := fmt.Sprintf(`[Unit]
Description=unit %d
Requires=u%d.service
After=network-online.target u%d.service

[Service]
User=svc
EnvironmentFile=-/etc/default/u%d
ExecStartPre=/bin/sh -c '/opt/u%d/bin/prepare --quiet && /usr/bin/true'
ExecStart=/opt/u%d/bin/run --port %d \
    --config=/etc/u%d.toml
Restart=on-failure
`, i, (i+1)%n, (i+1)%n, i, i, i, 8000+i, i)
				mustWrite(b, filepath.Join(etc, fmt.Sprintf("u%d.service", i)), unit, 0o644)
				mustWrite(b, filepath.Join(etc, fmt.Sprintf("u%d.service.d/10-env.conf", i)), "[Service]\nEnvironment=MODE=prod\nRestart=always\n", 0o644)
				if i%2 == 0 {
					mustWrite(b, filepath.Join(root, fmt.Sprintf("opt/u%d/bin/run", i)), "#!/bin/sh\n", 0o755)
				}
				if err := os.MkdirAll(filepath.Join(etc, "multi-user.target.wants"), 0o755); err != nil {
					b.Fatal(err)
				}
				if err := os.Symlink("../"+fmt.Sprintf("u%d.service", i), filepath.Join(etc, "multi-user.target.wants", fmt.Sprintf("u%d.service", i))); err != nil {
					b.Fatal(err)
				}
			}
			mustWrite(b, filepath.Join(root, "bin/sh"), "#!/bin/sh\n", 0o755)
			ws := b.TempDir()
			b.ResetTimer()
			for b.Loop() {
				snap, err := Load(Options{Root: root, Home: "/home/u", Workspace: ws})
				if err != nil {
					b.Fatal(err)
				}
				if got := len(snap.Graph.NodesOf("unit")); got < n {
					b.Fatalf("%d unit nodes, want at least %d", got, n)
				}
			}
		})
	}
}

func mustWrite(b *testing.B, p, data string, mode os.FileMode) {
	b.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), mode); err != nil {
		b.Fatal(err)
	}
}
