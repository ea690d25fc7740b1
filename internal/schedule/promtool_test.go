package schedule

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/driftmap/driftmap/exporters"
	"github.com/driftmap/driftmap/internal/testtool"
)

// rulesDir holds the alerting rules over the metrics of the scheduled
// audit, and their unit tests.
const rulesDir = "../../docs/prometheus"

// emittedMetrics returns the names 'driftmap check --format prometheus'
// emits: those of the "# TYPE" lines of an empty report so formatted
// (every metric family is written, whatever the report holds).
func emittedMetrics(t *testing.T) []string {
	t.Helper()
	f, err := exporters.Check("prometheus", exporters.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := f.FormatCheck(&b, &exporters.Report{}); err != nil {
		t.Fatal(err)
	}
	var names []string
	for line := range strings.SplitSeq(b.String(), "\n") {
		if rest, ok := strings.CutPrefix(line, "# TYPE "); ok {
			name, _, _ := strings.Cut(rest, " ")
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		t.Fatalf("the prometheus format emits no # TYPE line:\n%s", b.String())
	}
	return names
}

// TestPromtool runs promtool check rules and promtool test rules on
// docs/prometheus. Without promtool it is skipped, unless
// DRIFTMAP_PROMETHEUS_TEST=1 says it must run.
func TestPromtool(t *testing.T) {
	promtool := testtool.Find(t, "DRIFTMAP_PROMETHEUS_TEST", "promtool")
	for _, args := range [][]string{
		{"check", "rules", "driftmap.rules.yml"},
		{"test", "rules", "driftmap.rules.test.yml"},
	} {
		cmd := exec.Command(promtool, args...)
		cmd.Dir = rulesDir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("promtool %v: %v\n%s", args, err, out)
			continue
		}
		t.Logf("promtool %v:\n%s", args, out)
	}
}

// TestRulesMetricNames holds the rules to the metric names the
// prometheus format emits: a misspelt name would make an alert that
// never fires.
func TestRulesMetricNames(t *testing.T) {
	metrics := emittedMetrics(t)
	for _, name := range []string{"driftmap.rules.yml", "driftmap.rules.test.yml"} {
		data, err := os.ReadFile(filepath.Join(rulesDir, name))
		if err != nil {
			t.Fatal(err)
		}
		used := regexp.MustCompile(`\bdriftmap_[a-z_]+`).FindAllString(string(data), -1)
		if len(used) == 0 {
			t.Errorf("%s names no driftmap metric", name)
		}
		for _, m := range used {
			if !slices.Contains(metrics, m) {
				t.Errorf("%s names %s, which driftmap does not emit", name, m)
			}
		}
	}
}
