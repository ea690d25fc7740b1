package verify

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/driftmap/driftmap/internal/testtool"
)

// The verify fixture: a small machine whose units each plant a case
// (testdata/systemd/verify/MANIFEST.md), and verify's output for every
// unit it audits.
var (
	fixtureDir    = filepath.Join("..", "..", "testdata", "systemd", "verify")
	fixtureRoot   = filepath.Join(fixtureDir, "root")
	fixtureGolden = filepath.Join(fixtureDir, "verify.golden")
)

var fixtureHeader = []string{
	"systemd-analyze verify --root=ROOT --man=no -- UNIT, run once per unit by",
	"internal/verify's Run, for every unit testdata/systemd/verify/root audits",
	"(/etc/systemd/system: unit files and symlinks, units with drop-ins, the",
	"instances in *.wants/). Paths under ROOT are shown from inside it.",
	"Regenerate: go test ./internal/verify -run TestFixtureGolden -update",
}

// auditedUnits lists the units of root's /etc/systemd/system: the unit
// files and symlinks in it (aliases, masks), the units of its drop-in
// directories (NAME.d), and the units linked in its .wants and .requires
// directories (instances of templates), sorted, once each.
func auditedUnits(t *testing.T, root string) []string {
	t.Helper()
	dir := filepath.Join(root, "etc", "systemd", "system")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var units []string
	for _, e := range entries {
		name := e.Name()
		switch {
		case e.IsDir() && strings.HasSuffix(name, ".d"):
			units = append(units, strings.TrimSuffix(name, ".d"))
		case e.IsDir() && (strings.HasSuffix(name, ".wants") || strings.HasSuffix(name, ".requires")):
			links, err := os.ReadDir(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range links {
				units = append(units, l.Name())
			}
		case isUnitName(name):
			units = append(units, name)
		}
	}
	slices.Sort(units)
	return slices.Compact(units)
}

// TestFixtureGolden runs verify on every audited unit of the fixture and
// compares what Run returns with verify.golden (-update rewrites it).
func TestFixtureGolden(t *testing.T) {
	checkTranscript(t, fixtureRoot, auditedUnits(t, fixtureRoot), fixtureGolden, fixtureHeader)
}

// TestFixtureUnits keeps verify.golden in step with the fixture: one
// section per audited unit, in order.
func TestFixtureUnits(t *testing.T) {
	var got []string
	for _, r := range readTranscript(t, fixtureGolden).runs {
		got = append(got, r.Unit)
	}
	if want := auditedUnits(t, fixtureRoot); !slices.Equal(got, want) {
		t.Errorf("verify.golden has sections for\n%v\nthe fixture audits\n%v", got, want)
	}
}

// TestFixtureModes checks what git must keep: the execute bits of the
// stub programs, the one program without it, and the symlinks.
func TestFixtureModes(t *testing.T) {
	for _, p := range []string{"usr/bin/python3", "usr/bin/env", "bin/sh", "bin/bash", "bin/kill",
		"usr/local/bin/app", "usr/local/bin/node_exporter", "home/bert/bin/sync-tool", "opt/worker/bar/bin/worker"} {
		fi, err := os.Lstat(filepath.Join(fixtureRoot, p))
		if err != nil {
			t.Error(err)
			continue
		}
		if !fi.Mode().IsRegular() || fi.Mode().Perm()&0o111 == 0 {
			t.Errorf("/%s: mode %v, want an executable file", p, fi.Mode())
		}
	}
	if fi, err := os.Lstat(filepath.Join(fixtureRoot, "usr/local/bin/report-gen")); err != nil {
		t.Error(err)
	} else if fi.Mode().Perm()&0o111 != 0 {
		t.Errorf("/usr/local/bin/report-gen: mode %v, want no execute bit", fi.Mode())
	}
	for link, target := range map[string]string{
		"etc/systemd/system/www.service":                                "webapp.service",
		"etc/systemd/system/cups.service":                               "/dev/null",
		"etc/systemd/system/multi-user.target.wants/worker@bar.service": "../worker@.service",
	} {
		got, err := os.Readlink(filepath.Join(fixtureRoot, link))
		if err != nil || got != target {
			t.Errorf("/%s: readlink = %q, %v; want %q", link, got, err, target)
		}
	}
}

// TestFixtureDocsQuoteGolden keeps the manifest and docs/systemd.md true:
// each line verify printed for the fixture is quoted in both.
func TestFixtureDocsQuoteGolden(t *testing.T) {
	tr := readTranscript(t, fixtureGolden)
	for _, doc := range []string{
		filepath.Join(fixtureDir, "MANIFEST.md"),
		filepath.Join("..", "..", "docs", "systemd.md"),
	} {
		data, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range tr.runs {
			for line := range strings.SplitSeq(strings.TrimSuffix(r.Text, "\n"), "\n") {
				if line != "" && !strings.Contains(string(data), line) {
					t.Errorf("%s does not quote verify's line for %s:\n%s", doc, r.Unit, line)
				}
			}
		}
	}
}

// TestParseFixture parses verify's output for each unit of the fixture,
// as captured in verify.golden.
func TestParseFixture(t *testing.T) {
	const enoent = " is not executable: No such file or directory"
	want := map[string][]Report{
		"backup.service": {
			rep("backup.service", MissingUnit, "time-sync.target", "backup.service: Failed to create backup.service/start: Unit time-sync.target not found."),
		},
		"cache-warm.service": {
			rep("cache-warm.service", OrderingCycle, "cache-warm.service", "cache-warm.service: Found dependency on cache-warm.service/start"),
			rep("cache-warm.service", OrderingCycle, "search.service", "cache-warm.service: Found ordering cycle on search.service/start"),
			rep("cache-warm.service", Other, "", "cache-warm.service: Job search.service/start deleted to break ordering cycle starting with cache-warm.service/start"),
		},
		"cleanup.timer": nil,
		"cups.service": {
			rep("cups.service", MaskedUnit, "cups.service", "Unit cups.service is masked."),
		},
		"dashboard.service":  nil,
		"db-migrate.service": nil,
		"exec-prefixes.service": {
			rep("exec-prefixes.service", MissingExec, "/opt/prefixes/post-as-root", "exec-prefixes.service: Command /opt/prefixes/post-as-root"+enoent),
			rep("exec-prefixes.service", MissingExec, "/opt/prefixes/reload-ambient", "exec-prefixes.service: Command /opt/prefixes/reload-ambient"+enoent),
			rep("exec-prefixes.service", MissingExec, "/opt/prefixes/stop-no-new-privileges", "exec-prefixes.service: Command /opt/prefixes/stop-no-new-privileges"+enoent),
		},
		"game-server.service": {
			rep("game-server.service", Other, "", "/etc/systemd/system/game-server.service:14: Unknown key 'StartLimitIntervalSec' in section [Service], ignoring."),
		},
		"inbox.path": nil,
		"mediaserver.service": {
			rep("mediaserver.service", MissingExec, "/opt/mediaserver/bin/mediaserver-v2", "mediaserver.service: Command /opt/mediaserver/bin/mediaserver-v2"+enoent),
		},
		"metrics.socket": {
			rep("metrics.socket", MissingUnit, "metrics.service", "metrics.socket: service metrics.service not loaded, socket cannot be started."),
		},
		"mq-consumer.service": nil,
		"mq.service":          nil,
		"offsite.timer":       nil,
		"ollama.service": {
			rep("ollama.service", Other, "", "Unit ollama.service has a bad unit file setting."),
			rep("ollama.service", Other, "", "ollama.service: Service has more than one ExecStart= setting, which is only allowed for Type=oneshot services. Refusing."),
		},
		"photo-index.service": {
			rep("photo-index.service", MissingUnit, "postgresql.service", "photo-index.service: Failed to create photo-index.service/start: Unit postgresql.service not found."),
		},
		"print-bridge.service": {
			rep("print-bridge.service", MaskedUnit, "cups.service", "print-bridge.service: Failed to create print-bridge.service/start: Unit cups.service is masked."),
		},
		"prometheus-node-exporter.service": nil,
		"python-api.service":               nil,
		"report-gen.service": {
			rep("report-gen.service", NotExecutable, "/usr/local/bin/report-gen", "report-gen.service: Command /usr/local/bin/report-gen is not executable: Permission denied"),
		},
		"search.service": {
			rep("cache-warm.service", OrderingCycle, "cache-warm.service", "cache-warm.service: Found dependency on cache-warm.service/start"),
			rep("cache-warm.service", OrderingCycle, "search.service", "cache-warm.service: Found ordering cycle on search.service/start"),
			rep("cache-warm.service", Other, "", "cache-warm.service: Job cache-warm.service/start deleted to break ordering cycle starting with cache-warm.service/start"),
		},
		"syncer.service": {
			rep("syncer.service", MissingExec, "/root/bin/sync-tool", "syncer.service: Command /root/bin/sync-tool"+enoent),
			rep("syncer.service", MissingExec, "/run/syncer/prepare", "syncer.service: Command /run/syncer/prepare"+enoent),
		},
		"vpn-tunnel.service": {
			rep("vpn-tunnel.service", MissingUnit, "wireguard.service", "vpn-tunnel.service: Failed to create vpn-tunnel.service/start: Unit wireguard.service not found."),
		},
		"webapp.service": {
			rep("webapp.service", MissingExec, "healthcheck", "webapp.service: Command healthcheck"+enoent),
		},
		"worker@.service": {
			rep("worker@i.service", MissingExec, "/opt/worker/i/bin/worker", "worker@i.service: Command /opt/worker/i/bin/worker"+enoent),
		},
		"worker@bar.service": nil,
		"www.service": {
			rep("webapp.service", MissingExec, "healthcheck", "webapp.service: Command healthcheck"+enoent),
		},
	}
	checkParse(t, fixtureGolden, want)
}

// TestRunIgnoresCallerEnvironment runs the real verify with a caller
// environment that would change its output (a unit path, another home)
// and checks that it does not.
func TestRunIgnoresCallerEnvironment(t *testing.T) {
	testtool.Find(t, "DRIFTMAP_VERIFY_TEST", Program)
	t.Setenv("SYSTEMD_UNIT_PATH", "/usr/local/bin:")
	t.Setenv("HOME", "/home/bert")
	t.Setenv("SYSTEMD_LOG_LEVEL", "debug")
	t.Setenv("LC_ALL", "de_DE.UTF-8")
	out, err := Run(context.Background(), fixtureRoot, []string{"syncer.service"})
	if err != nil {
		t.Fatal(err)
	}
	want := "syncer.service: Command /run/syncer/prepare is not executable: No such file or directory\n" +
		"syncer.service: Command /root/bin/sync-tool is not executable: No such file or directory\n"
	if out.Text != want || out.ExitCode != 1 {
		t.Errorf("got exit %d:\n%s\nwant exit 1:\n%s", out.ExitCode, out.Text, want)
	}
}
