package sources

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/driftmap/driftmap/sources/sourcetest"
)

// BenchmarkLoadUnits loads a machine of n system units, each with a
// drop-in, an install link, a Requires= on the next one, a sh -c line
// and an EnvironmentFile=, half of whose programs exist (the timing goal
// is in docs/performance.md: 1,000 units well under a second).
func BenchmarkLoadUnits(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			root := b.TempDir()
			etc := "etc/systemd/system"
			files := map[string]string{"bin/sh": "#!/bin/sh\n"}
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
				files[fmt.Sprintf("%s/u%d.service", etc, i)] = unit
				files[fmt.Sprintf("%s/u%d.service.d/10-env.conf", etc, i)] = "[Service]\nEnvironment=MODE=prod\nRestart=always\n"
				if i%2 == 0 {
					files[fmt.Sprintf("opt/u%d/bin/run", i)] = "#!/bin/sh\n" // executable (sourcetest.WriteFiles)
				}
			}
			sourcetest.WriteFiles(b, root, files)
			wants := filepath.Join(root, etc, "multi-user.target.wants")
			sourcetest.Must(b, os.MkdirAll(wants, 0o755))
			for i := range n {
				sourcetest.Must(b, os.Symlink(fmt.Sprintf("../u%d.service", i), filepath.Join(wants, fmt.Sprintf("u%d.service", i))))
			}
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
