package verify

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/driftmap/driftmap/internal/testtool"
)

var update = flag.Bool("update", false,
	"rewrite the transcripts of systemd-analyze verify (testdata/systemd/verify/verify.golden, internal/verify/testdata/captured.txt); needs systemd-analyze")

// A transcript is Run's output written as a golden file: a header of
// "#" lines, the first of them naming systemd-analyze's version, then
// one section per unit:
//
//	== UNIT (exit N)
//	TEXT
//	(blank line)
//
// TEXT is the run's text as Run returned it; a unit verify said nothing
// about has none.
type transcript struct {
	version string // "systemd 252 (252.38-1~deb12u1)"
	runs    []UnitRun
}

const versionPrefix = "# version: "

func (tr transcript) format(header []string) string {
	var b strings.Builder
	for _, h := range header {
		b.WriteString("# " + h + "\n")
	}
	b.WriteString(versionPrefix + tr.version + "\n")
	for _, r := range tr.runs {
		fmt.Fprintf(&b, "\n== %s (exit %d)\n%s", r.Unit, r.ExitCode, r.Text)
	}
	return b.String()
}

func readTranscript(t *testing.T, file string) transcript {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return parseTranscript(t, file, data)
}

// parseTranscript parses data, the transcript read from file.
func parseTranscript(t *testing.T, file string, data []byte) transcript {
	t.Helper()
	var tr transcript
	var cur *UnitRun
	for i, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		switch {
		case cur == nil && strings.HasPrefix(line, versionPrefix):
			tr.version = strings.TrimPrefix(line, versionPrefix)
		case cur == nil && strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "== "):
			unit, code, ok := strings.Cut(strings.TrimPrefix(line, "== "), " (exit ")
			n, err := strconv.Atoi(strings.TrimSuffix(code, ")"))
			if !ok || err != nil || !strings.HasSuffix(code, ")") {
				t.Fatalf("%s:%d: bad section header %q", file, i+1, line)
			}
			tr.runs = append(tr.runs, UnitRun{Unit: unit, ExitCode: n})
			cur = &tr.runs[len(tr.runs)-1]
		case cur == nil && line == "":
		case cur == nil:
			t.Fatalf("%s:%d: text before the first section: %q", file, i+1, line)
		case line == "":
			// The blank line that ends a section.
		default:
			cur.Text += line + "\n"
		}
	}
	if tr.version == "" {
		t.Fatalf("%s: no %q line", file, versionPrefix)
	}
	return tr
}

// systemdVersion is the first line of `systemd-analyze --version`.
func systemdVersion(t *testing.T, prog string) string {
	t.Helper()
	out, err := exec.Command(prog, "--version").Output()
	if err != nil {
		t.Fatalf("%s --version: %v", prog, err)
	}
	first, _, _ := strings.Cut(string(out), "\n")
	return strings.TrimSpace(first)
}

// major is the version number of "systemd 252 (...)".
func major(version string) string {
	f := strings.Fields(version)
	if len(f) < 2 {
		return version
	}
	return f[1]
}

// checkTranscript runs verify on units of root and compares the
// transcript with file, or rewrites file with -update. Without
// systemd-analyze it skips; with another major version than the one file
// was captured with, it skips the comparison (messages change between
// releases) unless -update.
func checkTranscript(t *testing.T, root string, units []string, file string, header []string) {
	t.Helper()
	prog := testtool.Find(t, "DRIFTMAP_VERIFY_TEST", Program)
	version := systemdVersion(t, prog)
	var want []byte
	if !*update {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if tr := parseTranscript(t, file, data); major(tr.version) != major(version) {
			t.Skipf("%s was captured with %s; this is %s", file, tr.version, version)
		}
		want = data
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := Run(ctx, root, units)
	if err != nil {
		t.Fatal(err)
	}
	got := transcript{version: version, runs: out.Runs}.format(header)
	if *update {
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if got != string(want) {
		t.Errorf("verify's output differs from %s (go test ./internal/verify -update rewrites it):\n--- got\n%s\n--- want\n%s", file, got, want)
	}
}

func TestTranscriptRoundTrip(t *testing.T) {
	tr := transcript{version: "systemd 252 (252.38-1~deb12u1)", runs: []UnitRun{
		{Unit: "a.service", Text: "a.service: one\na.service: two\n", ExitCode: 1},
		{Unit: "b.timer", Text: "", ExitCode: 0},
		{Unit: "c.service", Text: "Unit c.service not found.\n", ExitCode: 1},
	}}
	file := filepath.Join(t.TempDir(), "t.golden")
	if err := os.WriteFile(file, []byte(tr.format([]string{"header"})), 0o644); err != nil {
		t.Fatal(err)
	}
	got := readTranscript(t, file)
	if got.version != tr.version || !slices.Equal(got.runs, tr.runs) {
		t.Errorf("round trip: got %+v, want %+v", got, tr)
	}
}
