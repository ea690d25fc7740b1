//go:build unix

package sources_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/driftmap/driftmap/queries"
	"github.com/driftmap/driftmap/sources"
	"github.com/driftmap/driftmap/sources/sourcetest"
)

// Regression tests for issue 7's file access: hostile trees that escaped
// the root, blocked, read without end or were reported wrongly. Each
// builds its tree in a temporary directory (FIFOs, devices and modes are
// made here: git cannot store them), loads it within a generous bound
// (a hang fails rather than blocks) and checks what the audit says.

const (
	home  = "/Users/bert"
	la    = "root/Users/bert/Library/LaunchAgents/"
	hang  = 20 * time.Second
	label = "com.sanctum.a"
)

func plist(label, program string) string {
	return fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0">
<dict>
	<key>Label</key>
	<string>%s</string>
	<key>ProgramArguments</key>
	<array>
		<string>%s</string>
	</array>
</dict>
</plist>
`, label, program)
}

// machine is a small valid constellation: catalog, instance.yaml, a
// manifest, a wrapper and a plist for service a.
func machine() map[string]string {
	return map[string]string{
		"ws/sanctum/runtime_catalog.yaml":                         "version: 1\nservices:\n  a: {launchagent: com.sanctum.a}\n",
		"ws/sanctum/agent_capabilities.yaml":                      "agents: {}\n",
		"root/Users/bert/.sanctum/config/agent-capabilities.yaml": "agents: {}\n",
		"root/Users/bert/.sanctum/instance.yaml":                  "services:\n  a: {port: 8080}\n",
		"root/Users/bert/.sanctum/.instance.json":                 `{"services": {"a": {"port": 8080}}}`,
		"root/Users/bert/.sanctum/services/a.yaml":                "name: a\nport: 8080\nlaunchagent: com.sanctum.a\n",
		"root/Users/bert/.sanctum/bin/w":                          "#!/bin/sh\nexec /usr/bin/true\n",
		la + "com.sanctum.a.plist":                                plist(label, "/Users/bert/.sanctum/bin/w"),
		"root/usr/bin/true":                                       "#!/bin/sh\n",
	}
}

// loadWithin loads the tree at dir (root/ and ws/), failing the test
// when loading takes longer than hang; fifos are released on a timeout.
func loadWithin(t *testing.T, dir string, fifos ...string) *sources.Snapshot {
	t.Helper()
	var snap *sources.Snapshot
	sourcetest.Within(t, hang, func() {
		var err error
		snap, err = sources.Load(sources.Options{Root: filepath.Join(dir, "root"), Home: home, Workspace: filepath.Join(dir, "ws")})
		if err != nil {
			t.Error(err)
		}
	}, fifos...)
	if snap == nil {
		t.FailNow()
	}
	return snap
}

// findings runs every rule and returns its findings as "rule: file: message".
func findings(snap *sources.Snapshot, rules ...string) []string {
	var out []string
	for _, f := range queries.Run(snap, queries.All()) {
		if len(rules) == 0 || slices.Contains(rules, f.Rule) {
			out = append(out, f.Rule+": "+f.File+": "+f.Message)
		}
	}
	return out
}

// everything is all text a snapshot and its findings hold, to search for
// a planted secret.
func everything(snap *sources.Snapshot) string {
	var b strings.Builder
	for _, f := range findings(snap) {
		b.WriteString(f + "\n")
	}
	for _, n := range snap.Graph.Nodes() {
		fmt.Fprintf(&b, "%+v\n", n)
	}
	for _, a := range snap.Artifacts {
		fmt.Fprintf(&b, "%+v\n", a)
	}
	return b.String()
}

// unreadable takes every permission from the files ps (relative to dir)
// until the test ends.
func unreadable(t *testing.T, dir string, ps ...string) {
	for _, p := range ps {
		p = filepath.Join(dir, p)
		sourcetest.Must(t, os.Chmod(p, 0))
		t.Cleanup(func() { os.Chmod(p, 0o755) })
	}
}

func contains(t *testing.T, got []string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("missing %q in:\n%s", w, strings.Join(got, "\n"))
		}
	}
}

// TestNoEscapeThroughMissingComponent is issue 7's reproduction: a plist
// symlink through a missing component and "..", then an absolute symlink
// to a host directory holding a plist whose Label exists only there; and
// the JSON cache of instance.yaml reached the same way, so that an
// artifact-drift message would print the host file's values.
func TestNoEscapeThroughMissingComponent(t *testing.T) {
	files := machine()
	files["outside/payload.plist"] = plist("com.sanctum.host-only", "/usr/bin/true")
	files["outside/.instance.json"] = `{"services": {"a": {"port": 1111}}, "host_secret": "HOST-ONLY-VALUE"}`
	delete(files, "root/Users/bert/.sanctum/.instance.json")
	dir := sourcetest.Tree(t, files, "root", "ws")
	outside := filepath.Join(dir, "outside")
	sourcetest.Must(t, os.Symlink("nx/../evil/payload.plist", filepath.Join(dir, la, "com.sanctum.esc.plist")))
	sourcetest.Must(t, os.Symlink(outside, filepath.Join(dir, la, "evil")))
	sourcetest.Must(t, os.Symlink("nx/../evil/.instance.json", filepath.Join(dir, "root/Users/bert/.sanctum/.instance.json")))
	sourcetest.Must(t, os.Symlink(outside, filepath.Join(dir, "root/Users/bert/.sanctum/evil")))
	snap := loadWithin(t, dir)
	all := everything(snap)
	for _, leak := range []string{"host-only", "HOST-ONLY", "1111"} {
		if strings.Contains(all, leak) {
			t.Errorf("the audit read a host file outside the root (%q):\n%s", leak, all)
		}
	}
	contains(t, findings(snap, "parse-error"),
		"parse-error: /Users/bert/Library/LaunchAgents/com.sanctum.esc.plist: cannot be read (no such file or directory)")
}

// TestSpecialFilesNeverBlock: a FIFO in place of each file driftmap reads
// is a finding ("not a regular file"), at once, and the rest of the
// audit completes.
func TestSpecialFilesNeverBlock(t *testing.T) {
	const fifo = "not a regular file (a FIFO)"
	for _, tc := range []struct {
		file string // the FIFO, relative to the tree
		want string // a finding ("rule: file: message", file inside root or "WS/..." in the workspace)
	}{
		{la + "com.sanctum.fifo.plist", "parse-error: /Users/bert/Library/LaunchAgents/com.sanctum.fifo.plist: " + fifo},
		{"root/Users/bert/.sanctum/services/fifo.yaml", "parse-error: /Users/bert/.sanctum/services/fifo.yaml: " + fifo},
		{"root/Users/bert/.sanctum/instance.yaml", "parse-error: /Users/bert/.sanctum/instance.yaml: " + fifo},
		{"ws/sanctum/runtime_catalog.yaml", "parse-error: WS/sanctum/runtime_catalog.yaml: " + fifo},
		{"ws/driftmap.yaml", "parse-error: WS/driftmap.yaml: " + fifo},
		{"root/Users/bert/.sanctum/.instance.json", "artifact-drift: /Users/bert/.sanctum/.instance.json: /Users/bert/.sanctum/.instance.json differs from a fresh json-cache rendering of /Users/bert/.sanctum/instance.yaml: cannot check: cannot read output /Users/bert/.sanctum/.instance.json: " + fifo},
		{"ws/sanctum/agent_capabilities.yaml", "artifact-drift: /Users/bert/.sanctum/config/agent-capabilities.yaml: /Users/bert/.sanctum/config/agent-capabilities.yaml differs from a fresh copy rendering of WS/sanctum/agent_capabilities.yaml: cannot check: cannot read input WS/sanctum/agent_capabilities.yaml: " + fifo},
		{"root/Users/bert/.sanctum/templates/launchagents/com.sanctum.a.plist", "artifact-drift: /Users/bert/Library/LaunchAgents/com.sanctum.a.plist: /Users/bert/Library/LaunchAgents/com.sanctum.a.plist differs from a fresh template rendering of /Users/bert/.sanctum/templates/launchagents/com.sanctum.a.plist and /Users/bert/.sanctum/instance.yaml: cannot check: cannot read template /Users/bert/.sanctum/templates/launchagents/com.sanctum.a.plist: " + fifo},
		{"root/Users/bert/.sanctum/bin/fifo", ""}, // a wrapper that is not a file is not read
	} {
		t.Run(filepath.Base(tc.file), func(t *testing.T) {
			files := machine()
			delete(files, tc.file)
			dir := sourcetest.Tree(t, files, "root", "ws")
			p := filepath.Join(dir, tc.file)
			sourcetest.Mkfifo(t, p)
			snap := loadWithin(t, dir, p)
			if tc.want != "" {
				contains(t, findings(snap), strings.ReplaceAll(tc.want, "WS/", filepath.Join(dir, "ws")+"/"))
			}
			if tc.file != la+"com.sanctum.fifo.plist" && tc.file != "ws/sanctum/runtime_catalog.yaml" && tc.file != "ws/driftmap.yaml" {
				return
			}
			// The rest of the audit completed: the readable plist's job is there.
			if _, ok := snap.Graph.Node("job:" + label); !ok {
				t.Error("the audit stopped at the FIFO: job com.sanctum.a is missing")
			}
		})
	}
}

// TestDevicesNeverRead: a character device named like a plist, a plist
// symlink to /dev/zero (re-rooted: the root's own dev/zero, a device
// too) and a plist reaching the host's /dev/zero through a missing
// component are never read (issue 7: 4 GB in 6 s).
func TestDevicesNeverRead(t *testing.T) {
	dir := sourcetest.Tree(t, machine(), "root", "ws")
	sourcetest.MkZeroDevice(t, filepath.Join(dir, la, "com.sanctum.dev.plist"))
	sourcetest.MkZeroDevice(t, filepath.Join(dir, "root/dev/zero"))
	sourcetest.Must(t, os.Symlink("/dev/zero", filepath.Join(dir, la, "com.sanctum.zero.plist")))
	sourcetest.Must(t, os.Symlink("nx/../hostdev/zero", filepath.Join(dir, la, "com.sanctum.host-zero.plist")))
	sourcetest.Must(t, os.Symlink("/dev", filepath.Join(dir, la, "hostdev")))
	snap := loadWithin(t, dir)
	const dev = "not a regular file (a character device)"
	contains(t, findings(snap, "parse-error"),
		"parse-error: /Users/bert/Library/LaunchAgents/com.sanctum.dev.plist: "+dev,
		"parse-error: /Users/bert/Library/LaunchAgents/com.sanctum.zero.plist: "+dev,
		"parse-error: /Users/bert/Library/LaunchAgents/com.sanctum.host-zero.plist: cannot be read (no such file or directory)",
	)
}

// TestOversizeFiles: a file over its cap is a finding naming the cap,
// and is never read (sparse files: no disk used, the size is checked
// first).
func TestOversizeFiles(t *testing.T) {
	dir := sourcetest.Tree(t, machine(), "root", "ws")
	for name, size := range map[string]int64{
		la + "com.sanctum.big.plist":                 16<<20 + 1,
		"root/Users/bert/.sanctum/services/big.yaml": 4<<20 + 1,
		"root/Users/bert/.sanctum/instance.yaml":     64<<20 + 1,
		"ws/sanctum/runtime_catalog.yaml":            64<<20 + 1,
	} {
		p := filepath.Join(dir, name)
		sourcetest.Must(t, os.MkdirAll(filepath.Dir(p), 0o755))
		f, err := os.Create(p)
		sourcetest.Must(t, err)
		sourcetest.Must(t, f.Truncate(size))
		sourcetest.Must(t, f.Close())
	}
	snap := loadWithin(t, dir)
	contains(t, findings(snap, "parse-error"),
		"parse-error: /Users/bert/Library/LaunchAgents/com.sanctum.big.plist: larger than 16 MiB; driftmap reads at most 16 MiB of a file of this kind",
		"parse-error: /Users/bert/.sanctum/services/big.yaml: larger than 4 MiB; driftmap reads at most 4 MiB of a file of this kind",
		"parse-error: /Users/bert/.sanctum/instance.yaml: larger than 64 MiB; driftmap reads at most 64 MiB of a file of this kind",
		"parse-error: "+filepath.Join(dir, "ws/sanctum/runtime_catalog.yaml")+": larger than 64 MiB; driftmap reads at most 64 MiB of a file of this kind",
	)
}

// TestUnreadableFilesAndDirectories runs as an unprivileged user (root
// reads everything): an unreadable file is a parse-error and an
// unreadable source directory a missing-directory finding, each saying
// "cannot be read (permission denied)", never "does not exist".
func TestUnreadableFilesAndDirectories(t *testing.T) {
	if !sourcetest.Unprivileged(t) {
		return
	}
	files := machine()
	files["root/Library/LaunchDaemons/com.sanctum.d.plist"] = plist("com.sanctum.d", "/usr/bin/true")
	dir := sourcetest.Tree(t, files, "root", "ws")
	unreadable(t, dir,
		la+"com.sanctum.a.plist",
		"root/Users/bert/.sanctum/instance.yaml",
		"root/Users/bert/.sanctum/services/a.yaml",
		"ws/sanctum/runtime_catalog.yaml",
		"root/Users/bert/.sanctum/bin/w",
		"root/Library/LaunchDaemons",
	)
	snap := loadWithin(t, dir)
	got := findings(snap, "parse-error", "missing-directory")
	contains(t, got,
		"parse-error: /Users/bert/Library/LaunchAgents/com.sanctum.a.plist: cannot be read (permission denied)",
		"parse-error: /Users/bert/.sanctum/instance.yaml: cannot be read (permission denied)",
		"parse-error: /Users/bert/.sanctum/services/a.yaml: cannot be read (permission denied)",
		"parse-error: "+filepath.Join(dir, "ws/sanctum/runtime_catalog.yaml")+": cannot be read (permission denied)",
		"parse-error: /Users/bert/.sanctum/bin/w: cannot be read (permission denied)",
		"missing-directory: /Library/LaunchDaemons: launchd directory /Library/LaunchDaemons cannot be read (permission denied)",
	)

	// Unreadable manifests and wrappers directories; a job running a
	// wrapper in the unreadable one is not told "does not exist".
	files = machine()
	dir = sourcetest.Tree(t, files, "root", "ws")
	unreadable(t, dir, "root/Users/bert/.sanctum/services", "root/Users/bert/.sanctum/bin")
	snap = loadWithin(t, dir)
	got = findings(snap)
	contains(t, got,
		"missing-directory: /Users/bert/.sanctum/services: manifests directory /Users/bert/.sanctum/services cannot be read (permission denied)",
		"missing-directory: /Users/bert/.sanctum/bin: wrappers directory /Users/bert/.sanctum/bin cannot be read (permission denied)",
		"missing-target: /Users/bert/Library/LaunchAgents/com.sanctum.a.plist: job com.sanctum.a runs /Users/bert/.sanctum/bin/w (ProgramArguments[0]), which is unreachable (permission denied)",
	)
	for _, f := range got {
		if strings.Contains(f, "does not exist") || strings.HasPrefix(f, "manifest-missing") {
			t.Errorf("an unreadable directory is not a missing one: %s", f)
		}
	}
}

// TestAbsoluteSymlinkedLaunchAgents: ~/Library/LaunchAgents as an
// absolute symlink into a dotfiles checkout is followed like any
// directory; one whose link leads nowhere inside the root is a
// missing-directory finding naming the link.
func TestAbsoluteSymlinkedLaunchAgents(t *testing.T) {
	files := machine()
	delete(files, la+"com.sanctum.a.plist")
	files["root/Users/bert/dotfiles/LaunchAgents/com.sanctum.a.plist"] = plist(label, "/usr/bin/true")
	dir := sourcetest.Tree(t, files, "root", "ws")
	sourcetest.Must(t, os.MkdirAll(filepath.Join(dir, "root/Users/bert/Library"), 0o755))
	sourcetest.Must(t, os.Symlink("/Users/bert/dotfiles/LaunchAgents", filepath.Join(dir, la[:len(la)-1])))
	snap := loadWithin(t, dir)
	if n, ok := snap.Graph.Node("job:" + label); !ok || n.State != "live" {
		t.Errorf("the plist behind the symlinked LaunchAgents was not loaded: %+v", n)
	}
	if got := findings(snap, "missing-directory"); len(got) != 0 {
		t.Errorf("a symlinked LaunchAgents that resolves is reported: %v", got)
	}

	sourcetest.Must(t, os.RemoveAll(filepath.Join(dir, "root/Users/bert/dotfiles")))
	snap = loadWithin(t, dir)
	contains(t, findings(snap, "missing-directory"),
		"missing-directory: /Users/bert/Library/LaunchAgents: launchd directory /Users/bert/Library/LaunchAgents is a symlink to /Users/bert/dotfiles/LaunchAgents, which leads nowhere inside the root")
}

// TestSymlinkChainsReportedOnce: a chain of 41 links (one more than the
// system follows) is one finding, not 42; a chain of 40 links is none; a
// loop is one finding.
func TestSymlinkChainsReportedOnce(t *testing.T) {
	files := machine()
	files[la+"com.sanctum.long.plist"] = plist("com.sanctum.long", "/opt/long/l0")
	files[la+"com.sanctum.ok.plist"] = plist("com.sanctum.ok", "/opt/ok/l0")
	files[la+"com.sanctum.loop.plist"] = plist("com.sanctum.loop", "/opt/loop/l0")
	files["root/opt/long/real"] = "#!/bin/sh\n"
	files["root/opt/ok/real"] = "#!/bin/sh\n"
	dir := sourcetest.Tree(t, files, "root", "ws")
	chain := func(d string, n int) {
		for i := range n {
			target := fmt.Sprintf("l%d", i+1)
			if i == n-1 {
				target = "real"
			}
			sourcetest.Must(t, os.Symlink(target, filepath.Join(dir, "root/opt", d, fmt.Sprintf("l%d", i))))
		}
	}
	chain("long", 41)
	chain("ok", 40)
	sourcetest.Must(t, os.MkdirAll(filepath.Join(dir, "root/opt/loop"), 0o755))
	for i := range 5 {
		sourcetest.Must(t, os.Symlink(fmt.Sprintf("/opt/loop/l%d", (i+1)%5), filepath.Join(dir, "root/opt/loop", fmt.Sprintf("l%d", i))))
	}
	snap := loadWithin(t, dir)
	got := findings(snap, "missing-target", "not-executable")
	want := []string{
		"missing-target: /opt/long/l0: /opt/long/l0 points to /opt/long/l1, the first of a chain of more than 40 symlinks, which the system will not follow",
		"missing-target: /opt/loop/l0: /opt/loop/l0 points to /opt/loop/l1, which is a symlink loop",
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
