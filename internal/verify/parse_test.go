package verify

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// capturedRoot is a second, smaller machine for the messages the fixture
// does not provoke: it is written into a temporary directory, verified
// unit by unit, and the transcript kept in testdata/captured.txt
// (-update rewrites it). A value "-> TARGET" is a symlink.
var capturedRoot = map[string]string{
	"usr/lib/systemd/system/sysinit.target": "[Unit]\nDescription=System Initialization\n",
	"usr/bin/ok":                            "#!/bin/sh\nexit 0\n",
	// A drop-in with a misspelt key: a warning naming the drop-in's path.
	"etc/systemd/system/x.service":                 "[Service]\nExecStart=/usr/bin/ok\n",
	"etc/systemd/system/x.service.d/override.conf": "[Service]\nRestrat=always\n",
	// An alias whose unit was deleted.
	"etc/systemd/system/www2.service": "-> gone.service",
	// A socket whose Service= names a missing unit.
	"etc/systemd/system/c.socket": "[Socket]\nListenStream=127.0.0.1:1\nService=gone.service\n",
	// A unit systemd refuses, and one that Requires= it.
	"etc/systemd/system/bad.service":       "[Service]\nExecStart=/usr/bin/ok\nExecStart=/usr/bin/ok\n",
	"etc/systemd/system/needs-bad.service": "[Unit]\nRequires=bad.service\n[Service]\nExecStart=/usr/bin/ok\n",
	// A timer whose only trigger is misspelt.
	"etc/systemd/system/typo.timer": "[Timer]\nOnCalender=daily\n",
}

// capturedUnits are verified in capturedRoot; ghost.service has no file.
var capturedUnits = []string{"c.socket", "ghost.service", "needs-bad.service", "typo.timer", "www2.service", "x.service"}

var capturedGolden = filepath.Join("testdata", "captured.txt")

func writeRoot(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, content := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if target, ok := strings.CutPrefix(content, "-> "); ok {
			if err := os.Symlink(target, p); err != nil {
				t.Fatal(err)
			}
			continue
		}
		mode := os.FileMode(0o644)
		if strings.HasPrefix(content, "#!") {
			mode = 0o755
		}
		if err := os.WriteFile(p, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestCapturedGolden(t *testing.T) {
	checkTranscript(t, writeRoot(t, capturedRoot), capturedUnits, capturedGolden, []string{
		"systemd-analyze verify, once per unit, on the machine capturedRoot in",
		"internal/verify/parse_test.go describes (written into a temporary directory).",
		"Regenerate: go test ./internal/verify -run TestCapturedGolden -update",
	})
}

func rep(unit string, kind Kind, subject, line string) Report {
	return Report{Unit: unit, Kind: kind, Subject: subject, Line: line}
}

// TestParseCaptured parses the captured transcript of capturedRoot.
func TestParseCaptured(t *testing.T) {
	want := map[string][]Report{
		"c.socket": {
			rep("c.socket", MissingUnit, "gone.service", "c.socket: service gone.service not loaded, socket cannot be started."),
		},
		"ghost.service": {
			rep("ghost.service", MissingUnit, "ghost.service", "Unit ghost.service not found."),
		},
		"needs-bad.service": {
			rep("bad.service", Other, "", "bad.service: Service has more than one ExecStart= setting, which is only allowed for Type=oneshot services. Refusing."),
			rep("needs-bad.service", Other, "", "needs-bad.service: Failed to create needs-bad.service/start: Unit bad.service has a bad unit file setting."),
		},
		"typo.timer": {
			rep("typo.timer", Other, "", "/etc/systemd/system/typo.timer:2: Unknown key 'OnCalender' in section [Timer], ignoring."),
			rep("typo.timer", Other, "", "Unit typo.timer has a bad unit file setting."),
			rep("typo.timer", Other, "", "typo.timer: Timer unit lacks value setting. Refusing."),
		},
		"www2.service": {
			rep("www2.service", MissingUnit, "www2.service", "Unit www2.service not found."),
		},
		"x.service": {
			rep("x.service", Other, "", "/etc/systemd/system/x.service.d/override.conf:2: Unknown key 'Restrat' in section [Service], ignoring."),
		},
	}
	checkParse(t, capturedGolden, want)
}

// checkParse parses each section of a transcript and compares the
// reports with want, which must name every section.
func checkParse(t *testing.T, file string, want map[string][]Report) {
	t.Helper()
	tr := readTranscript(t, file)
	seen := map[string]bool{}
	for _, r := range tr.runs {
		seen[r.Unit] = true
		w, ok := want[r.Unit]
		if !ok {
			t.Errorf("%s: no expected reports for %s", file, r.Unit)
			continue
		}
		if diff := cmp.Diff(w, Parse(r.Text)); diff != "" {
			t.Errorf("%s: Parse of %s (-want +got):\n%s", file, r.Unit, diff)
		}
	}
	for unit := range want {
		if !seen[unit] {
			t.Errorf("%s has no section for %s", file, unit)
		}
	}
}

// TestParseLines covers what the transcripts do not: lines verify prints
// when it is given several units at once or a bad name (captured from
// systemd 252 on scratch roots), and the shapes of input Parse must
// tolerate.
func TestParseLines(t *testing.T) {
	for _, c := range []struct {
		name string
		in   string
		want []Report
	}{
		{name: "empty", in: "", want: nil},
		{name: "blank lines and CRLF", in: "\n  \r\nUnit a.service not found.\r\n\n", want: []Report{
			rep("a.service", MissingUnit, "a.service", "Unit a.service not found."),
		}},
		{name: "duplicates and order", in: "" +
			"z.service: Command /opt/z is not executable: No such file or directory\n" +
			"a.service: Command /opt/a is not executable: No such file or directory\n" +
			"z.service: Command /opt/z is not executable: No such file or directory\n",
			want: []Report{
				rep("a.service", MissingExec, "/opt/a", "a.service: Command /opt/a is not executable: No such file or directory"),
				rep("z.service", MissingExec, "/opt/z", "z.service: Command /opt/z is not executable: No such file or directory"),
			}},
		{name: "unfixable cycle (two units in one invocation)", in: "" +
			"o2.service: Found ordering cycle on o1.service/start\n" +
			"o2.service: Found dependency on o2.service/start\n" +
			"o2.service: Unable to break cycle starting with o2.service/start\n" +
			"Requested transaction contains an unfixable cyclic ordering dependency: Transaction order is cyclic. See system logs for details.\n" +
			"o2.service: Failed to create o2.service/start: Transaction order is cyclic. See system logs for details.\n",
			want: []Report{
				rep("", Other, "", "Requested transaction contains an unfixable cyclic ordering dependency: Transaction order is cyclic. See system logs for details."),
				rep("o2.service", OrderingCycle, "o1.service", "o2.service: Found ordering cycle on o1.service/start"),
				rep("o2.service", OrderingCycle, "o2.service", "o2.service: Found dependency on o2.service/start"),
				rep("o2.service", Other, "", "o2.service: Failed to create o2.service/start: Transaction order is cyclic. See system logs for details."),
				rep("o2.service", Other, "", "o2.service: Unable to break cycle starting with o2.service/start"),
			}},
		{name: "bad argument", in: "Failed to prepare filename bad name: Invalid argument\n", want: []Report{
			rep("", Other, "", "Failed to prepare filename bad name: Invalid argument"),
		}},
		{name: "other errno", in: "a.service: Command /opt/dir is not executable: Is a directory\n", want: []Report{
			rep("a.service", NotExecutable, "/opt/dir", "a.service: Command /opt/dir is not executable: Is a directory"),
		}},
		{name: "instance and escapes", in: "getty@tty1.service: Failed to create getty@tty1.service/start: Unit dev-tty1.device not found.\n" +
			"media\\x2dbox@a.service: Command /opt/x is not executable: No such file or directory\n",
			want: []Report{
				rep("getty@tty1.service", MissingUnit, "dev-tty1.device", "getty@tty1.service: Failed to create getty@tty1.service/start: Unit dev-tty1.device not found."),
				rep("media\\x2dbox@a.service", MissingExec, "/opt/x", "media\\x2dbox@a.service: Command /opt/x is not executable: No such file or directory"),
			}},
		{name: "warning in a file that is no unit", in: "/etc/systemd/system.conf:3: Unknown key\n", want: []Report{
			rep("", Other, "", "/etc/systemd/system.conf:3: Unknown key"),
		}},
		{name: "not a unit prefix", in: "Found container virtualization docker.\nsystemd-analyze: unrecognized option\n", want: []Report{
			rep("", Other, "", "Found container virtualization docker."),
			rep("", Other, "", "systemd-analyze: unrecognized option"),
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if diff := cmp.Diff(c.want, Parse(c.in)); diff != "" {
				t.Errorf("Parse (-want +got):\n%s", diff)
			}
		})
	}
}
