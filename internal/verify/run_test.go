package verify

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// fakeAnalyze is a stand-in for systemd-analyze: it prints its
// arguments, the environment Run must set or clear, and a warning naming
// a file under the root both as given and with symlinks resolved, and
// then behaves as the unit's name says.
const fakeAnalyze = `#!/bin/sh
root=${2#--root=}
name=$5
echo "args: $*"
echo "env: HOME=$HOME LC_ALL=$LC_ALL SYSTEMD_LOG_COLOR=$SYSTEMD_LOG_COLOR SYSTEMD_UNIT_PATH=${SYSTEMD_UNIT_PATH-unset} EXTRA=${DRIFTMAP_TEST_EXTRA-unset}"
echo "$root/etc/systemd/system/$name:3: Unknown key 'Foo' in section [Service], ignoring." >&2
echo "real: $(cd "$root" && pwd -P)/etc/x.conf:1: warning" >&2
case $name in
bad.service) exit 1 ;;
slow.service) exec sleep 30 ;;
cycle.service)
	# The first two runs print the larger text; the third the smaller.
	n=$(cat "$root/count" 2>/dev/null || echo 0)
	n=$((n + 1))
	echo $n >"$root/count"
	if [ "$n" = 3 ]; then
		echo "a.service: Found ordering cycle on cycle.service/start"
	else
		echo "b.service: Found ordering cycle on cycle.service/start"
	fi
	;;
esac
exit 0
`

// withFake puts fakeAnalyze first and alone in PATH.
func withFake(t *testing.T) (bin string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the fake systemd-analyze is a shell script")
	}
	bin = t.TempDir()
	if err := os.WriteFile(filepath.Join(bin, Program), []byte(fakeAnalyze), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin)
	return bin
}

func TestAvailable(t *testing.T) {
	bin := withFake(t)
	if p, ok := Available(); !ok || p != filepath.Join(bin, Program) {
		t.Errorf("Available() = %q, %v; want %q, true", p, ok, filepath.Join(bin, Program))
	}
	t.Setenv("PATH", t.TempDir())
	if p, ok := Available(); ok {
		t.Errorf("Available() = %q, true with no %s in PATH", p, Program)
	}
	if _, err := Run(context.Background(), t.TempDir(), []string{"a.service"}); !errors.Is(err, ErrUnavailable) {
		t.Errorf("Run without %s: err = %v, want ErrUnavailable", Program, err)
	}
}

func TestRunFake(t *testing.T) {
	withFake(t)
	t.Setenv("SYSTEMD_UNIT_PATH", "/opt/units:")
	t.Setenv("DRIFTMAP_TEST_EXTRA", "leaked")
	t.Setenv("HOME", "/home/tester")
	// The root is reached through a symlink: verify may print either path.
	real := t.TempDir()
	root := filepath.Join(t.TempDir(), "root")
	if err := os.Symlink(real, root); err != nil {
		t.Fatal(err)
	}
	out, err := Run(context.Background(), root, []string{
		"b.service",
		root + "/etc/systemd/system/a.service", // a path: only its name is passed
		"/etc/systemd/system/bad.service",
		"a.service", // twice: run once
	})
	if err != nil {
		t.Fatal(err)
	}
	var units []string
	for _, r := range out.Runs {
		units = append(units, r.Unit)
	}
	if want := []string{"a.service", "b.service", "bad.service"}; !slices.Equal(units, want) {
		t.Errorf("units run: %v, want %v", units, want)
	}
	if out.ExitCode != 1 || out.Runs[0].ExitCode != 0 || out.Runs[2].ExitCode != 1 {
		t.Errorf("exit codes: %d overall, runs %+v", out.ExitCode, out.Runs)
	}
	want := "args: verify --root=" + root + " --man=no -- a.service\n" +
		"env: HOME=/root LC_ALL=C SYSTEMD_LOG_COLOR=0 SYSTEMD_UNIT_PATH=unset EXTRA=unset\n" +
		"/etc/systemd/system/a.service:3: Unknown key 'Foo' in section [Service], ignoring.\n" +
		"real: /etc/x.conf:1: warning\n"
	if out.Runs[0].Text != want {
		t.Errorf("text of a.service:\n%s\nwant:\n%s", out.Runs[0].Text, want)
	}
	var all string
	for _, r := range out.Runs {
		all += r.Text
	}
	if out.Text != all {
		t.Errorf("Text is not the runs' texts in order:\n%s", out.Text)
	}
}

// TestRunCycleKeepsSmallest: a unit whose output mentions an ordering
// cycle is run cycleRuns times, and the smallest text is kept.
func TestRunCycleKeepsSmallest(t *testing.T) {
	withFake(t)
	root := t.TempDir()
	out, err := Run(context.Background(), root, []string{"cycle.service"})
	if err != nil {
		t.Fatal(err)
	}
	if got := out.Runs[0].Text; !strings.Contains(got, "a.service: Found ordering cycle") || strings.Contains(got, "b.service") {
		t.Errorf("kept text:\n%s\nwant the smaller one (a.service)", got)
	}
	count, err := os.ReadFile(filepath.Join(root, "count"))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(count)); got != "24" {
		t.Errorf("cycle.service ran %s times, want %d", got, cycleRuns)
	}
}

func TestRunTimeout(t *testing.T) {
	withFake(t)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := Run(ctx, t.TempDir(), []string{"a.service", "slow.service", "z.service"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("Run returned after %v", d)
	}
}

func TestRunRejects(t *testing.T) {
	withFake(t)
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		root  string
		units []string
	}{
		"root is a file":  {file, []string{"a.service"}},
		"root is missing": {filepath.Join(t.TempDir(), "nope"), []string{"a.service"}},
		"empty unit":      {t.TempDir(), []string{""}},
		"unit is /":       {t.TempDir(), []string{"/"}},
	} {
		if _, err := Run(context.Background(), c.root, c.units); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	out, err := Run(context.Background(), t.TempDir(), nil)
	if err != nil || len(out.Runs) != 0 || out.Text != "" || out.ExitCode != 0 {
		t.Errorf("no units: %+v, %v", out, err)
	}
}
