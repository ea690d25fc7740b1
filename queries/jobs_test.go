package queries

import (
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/driftmap/driftmap/sources"
	"github.com/driftmap/driftmap/sources/sourcetest"
)

// argsHash computes arguments_sha256 from the words themselves, apart
// from ArgumentsHash: sha256 of each word's hex sha256 and a newline.
func argsHash(words ...string) string {
	var b strings.Builder
	for _, w := range words {
		sum := sha256.Sum256([]byte(w))
		b.WriteString(hex.EncodeToString(sum[:]) + "\n")
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

func TestArgumentsHash(t *testing.T) {
	if got, want := ArgumentsHash(nil), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"; got != want {
		t.Errorf("ArgumentsHash(nil) = %s, want the SHA-256 of nothing %s", got, want)
	}
	if got, want := ArgumentsHash(wordDigests("/bin/echo", "a b", "")), argsHash("/bin/echo", "a b", ""); got != want {
		t.Errorf("ArgumentsHash = %s, want %s", got, want)
	}
	// Moving a word boundary changes the hash.
	if ArgumentsHash(wordDigests("a b", "c")) == ArgumentsHash(wordDigests("a", "b c")) {
		t.Error("ArgumentsHash does not tell word boundaries apart")
	}
}

// wordDigests returns the hex SHA-256 digests of words, as
// ArgumentsHash takes them.
func wordDigests(words ...string) []string {
	var digests []string
	for _, w := range words {
		sum := sha256.Sum256([]byte(w))
		digests = append(digests, hex.EncodeToString(sum[:]))
	}
	return digests
}

// TestJobs lists a live launchd job and an audited systemd unit (its
// ExecStart= as a drop-in leaves it), never a word's text, and leaves
// out a retired plist.
func TestJobs(t *testing.T) {
	dir := sourcetest.Tree(t, map[string]string{
		"root/Users/bert/Library/LaunchAgents/com.sanctum.echo.plist": `<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0">
<dict>
	<key>Label</key>
	<string>com.sanctum.echo</string>
	<key>ProgramArguments</key>
	<array>
		<string>/bin/echo</string>
		<string>--token=sk-proj-SECRETSECRETSECRET000000000000</string>
	</array>
</dict>
</plist>
`,
		"root/Users/bert/Library/LaunchAgents/com.sanctum.old.plist.retired": `<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0">
<dict>
	<key>Label</key>
	<string>com.sanctum.old</string>
	<key>Program</key>
	<string>/bin/echo</string>
</dict>
</plist>
`,
		"root/etc/systemd/system/web.service":                 "[Service]\nExecStart=/usr/bin/env old\n",
		"root/etc/systemd/system/web.service.d/override.conf": "[Service]\nExecStart=\nExecStart=-/usr/bin/env \"a b\" c\n",
		"root/etc/systemd/system/web.timer":                   "[Timer]\nOnCalendar=daily\n",
	}, "root", "workspace")
	snap, err := sources.Load(sources.Options{Root: filepath.Join(dir, "root"), Home: "/Users/bert", Workspace: filepath.Join(dir, "workspace")})
	if err != nil {
		t.Fatal(err)
	}
	got := Jobs(snap)
	want := []HostJob{
		{ID: "job:com.sanctum.echo", Program: "/bin/echo", ArgumentsSHA256: argsHash("/bin/echo", "--token=sk-proj-SECRETSECRETSECRET000000000000")},
		{ID: "unit:web.service", Program: "/usr/bin/env", ArgumentsSHA256: argsHash("/usr/bin/env", "a b", "c")},
		{ID: "unit:web.timer", Program: "", ArgumentsSHA256: argsHash()},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Jobs (-want +got):\n%s", d)
	}
}

// TestJobsHomeRelative: one job installed by two users (its plist and
// unit naming each one's own home) lists the same on both machines, the
// program with "~"; a job that runs another user's file does not.
func TestJobsHomeRelative(t *testing.T) {
	jobs := func(home string, runs string) []HostJob {
		t.Helper()
		plist := `<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0">
<dict>
	<key>Label</key>
	<string>com.sanctum.proxy</string>
	<key>ProgramArguments</key>
	<array>
		<string>` + runs + `/.sanctum/bin/proxy</string>
		<string>--config=` + home + `/.sanctum/proxy.yaml</string>
		<string>/Users/bertha</string>
	</array>
</dict>
</plist>
`
		dir := sourcetest.Tree(t, map[string]string{
			"root" + home + "/Library/LaunchAgents/com.sanctum.proxy.plist": plist,
			"root/etc/systemd/system/sync.service":                          "[Service]\nExecStart=/bin/sh -c 'cd " + home + " && exec ./sync'\n",
		}, "root", "workspace")
		snap, err := sources.Load(sources.Options{Root: filepath.Join(dir, "root"), Home: home, Workspace: filepath.Join(dir, "workspace")})
		if err != nil {
			t.Fatal(err)
		}
		return Jobs(snap)
	}
	bert := jobs("/Users/bert", "/Users/bert")
	anna := jobs("/Users/anna", "/Users/anna")
	if d := cmp.Diff(bert, anna); d != "" {
		t.Errorf("one job installed by two users lists differently (-bert +anna):\n%s", d)
	}
	if len(bert) != 2 || bert[0].Program != "~/.sanctum/bin/proxy" {
		t.Errorf("Jobs = %+v, want the proxy's program as ~/.sanctum/bin/proxy, and the unit", bert)
	}
	if want := argsHash("\x00HOME\x00/.sanctum/bin/proxy", "--config=\x00HOME\x00/.sanctum/proxy.yaml", "/Users/bertha"); bert[0].ArgumentsSHA256 != want {
		t.Errorf("arguments_sha256 = %s, want %s (the words with the home as launchd.HomePlaceholder)", bert[0].ArgumentsSHA256, want)
	}
	// anna's plist runs bert's copy of the program: that differs.
	other := jobs("/Users/anna", "/Users/bert")
	if other[0].Program != "/Users/bert/.sanctum/bin/proxy" || other[0].ArgumentsSHA256 == bert[0].ArgumentsSHA256 {
		t.Errorf("a job running another user's file lists as %+v, the same as %+v", other[0], bert[0])
	}
}
