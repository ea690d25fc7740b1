package exporters

import (
	"bytes"
	"io"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/internal/testtool"
	"github.com/driftmap/driftmap/queries"
)

// runStarted and runDuration are the run the prometheus goldens report.
var (
	runStarted  = time.Date(2026, 3, 14, 9, 26, 53, 589_000_000, time.UTC)
	runDuration = 1234567 * time.Microsecond
)

// withRun is a copy of r with the fixed run time and duration.
func withRun(r *Report) *Report {
	c := *r
	c.Started, c.Duration = runStarted, runDuration
	return &c
}

// prometheusBroken is the prometheus format of the broken demo tree,
// with the fixed run time, some ignored and baselined findings counted.
func prometheusBroken(t *testing.T) []byte {
	t.Helper()
	r := withRun(brokenDemo(t))
	r.Baselined = 2
	t.Chdir(filepath.Join("..", "..", "..", "exporters")) // back, for the golden file
	return formatted(t, check("prometheus", Options{}, r))
}

// prometheusFailed is the prometheus format of a run that failed.
func prometheusFailed(t *testing.T) []byte {
	t.Helper()
	f := must(Check("prometheus", Options{})).(FailedRunFormatter)
	return formatted(t, func(w io.Writer) error { return f.FormatFailedRun(w, withRun(&Report{})) })
}

func TestPrometheusGoldenBrokenDemo(t *testing.T) {
	golden(t, "check-broken.prometheus", prometheusBroken(t))
}

func TestPrometheusGoldenFailed(t *testing.T) {
	out := prometheusFailed(t)
	golden(t, "check-failed.prometheus", out)
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if !strings.HasPrefix(line, "#") && !strings.HasPrefix(line, "driftmap_last_run_") {
			t.Errorf("a failed run writes %q; want only the run metrics", line)
		}
	}
	if !bytes.Contains(out, []byte("\ndriftmap_last_run_success 0\n")) {
		t.Errorf("a failed run does not write success 0:\n%s", out)
	}
}

// TestPrometheusFindings checks the counts of driftmap_findings against
// the report: a line for every rule of queries.All() at its severity,
// the number of its findings, and no line for another severity.
func TestPrometheusFindings(t *testing.T) {
	r := brokenDemo(t)
	out := string(formatted(t, check("prometheus", Options{}, r)))
	want := map[string]int{}
	for _, rule := range queries.All() {
		want[`driftmap_findings{rule="`+rule.Name+`",severity="`+rule.Severity.String()+`"}`] = 0
	}
	for _, f := range r.Findings {
		want[`driftmap_findings{rule="`+f.Rule+`",severity="`+f.Severity.String()+`"}`]++
	}
	got := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if name, value, ok := strings.Cut(line, " "); ok && strings.HasPrefix(name, "driftmap_findings{") {
			got[name] = value
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d driftmap_findings lines, want %d", len(got), len(want))
	}
	nonzero := 0
	for k, n := range want {
		if got[k] != strconv.Itoa(n) {
			t.Errorf("%s = %q, want %d", k, got[k], n)
		}
		if n > 0 {
			nonzero++
		}
	}
	if nonzero == 0 {
		t.Error("the broken demo has no finding")
	}
	s := queries.Summarize(r.Findings)
	for _, want := range []string{
		"driftmap_nodes{kind=\"job\"} " + strconv.Itoa(len(r.Graph.NodesOf(graph.Job))) + "\n",
		"driftmap_edges " + strconv.Itoa(len(r.Graph.Edges())) + "\n",
		"driftmap_suppressed_findings{by=\"ignore\"} " + strconv.Itoa(r.Ignored) + "\n",
		"driftmap_last_run_success 1\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if s.Errors == 0 {
		t.Error("the broken demo has no error")
	}
}

// labelRE matches one label pair of a sample line.
var labelRE = regexp.MustCompile(`([a-z_]+)="((?:[^"\\]|\\.)*)"`)

// TestPrometheusLabels checks that every label value is a rule name, a
// severity, a node kind or ignore/baseline: no path ('/'), no message,
// subject or file of a finding, for the fixture and the broken demo.
func TestPrometheusLabels(t *testing.T) {
	allowed := map[string]map[string]bool{"rule": {}, "severity": {}, "kind": {}, "by": {"ignore": true, "baseline": true}}
	for _, r := range queries.All() {
		allowed["rule"][r.Name] = true
	}
	for _, s := range []queries.Severity{queries.Info, queries.Warning, queries.Error} {
		allowed["severity"][s.String()] = true
	}
	for _, k := range graph.Kinds {
		allowed["kind"][string(k)] = true
	}
	fixture := &Report{Findings: fixtureFindings(), Graph: buildFixture(false)}
	broken := brokenDemo(t)
	for name, r := range map[string]*Report{"fixture": fixture, "broken demo": broken} {
		out := string(formatted(t, check("prometheus", Options{}, r)))
		for _, line := range strings.Split(out, "\n") {
			if strings.HasPrefix(line, "#") || line == "" {
				continue
			}
			for _, m := range labelRE.FindAllStringSubmatch(line, -1) {
				label, value := m[1], m[2]
				if strings.Contains(value, "/") {
					t.Errorf("%s: label %s=%q holds a '/'", name, label, value)
				}
				for _, f := range r.Findings {
					for _, s := range []string{f.Message, f.Subject, f.File} {
						if s != "" && strings.Contains(value, s) {
							t.Errorf("%s: label %s=%q holds %q of a finding", name, label, value, s)
						}
					}
				}
				// The fixture names rules of its own; the demo's are the
				// registry's.
				if name == "broken demo" || label != "rule" {
					if !allowed[label][value] {
						t.Errorf("%s: label %s=%q is not a rule, severity, kind or ignore/baseline", name, label, value)
					}
				}
			}
		}
	}
}

// TestPromtool runs `promtool check metrics` on each prometheus output.
// It skips without promtool unless DRIFTMAP_PROMETHEUS_TEST=1 (CI),
// where promtool's absence fails.
func TestPromtool(t *testing.T) {
	promtool := testtool.Find(t, "DRIFTMAP_PROMETHEUS_TEST", "promtool")
	g := buildFixture(false)
	outs := map[string][]byte{
		"fixture": formatted(t, check("prometheus", Options{}, withRun(&Report{Findings: fixtureFindings(), Graph: g}))),
		"clean":   formatted(t, check("prometheus", Options{}, withRun(&Report{Graph: g}))),
		"failed":  prometheusFailed(t),
		"broken":  prometheusBroken(t),
	}
	for name, out := range outs {
		cmd := exec.Command(promtool, "check", "metrics")
		cmd.Stdin = bytes.NewReader(out)
		if msg, err := cmd.CombinedOutput(); err != nil || len(bytes.TrimSpace(msg)) > 0 {
			t.Errorf("promtool check metrics on %s: %v\n%s", name, err, msg)
		}
	}
}

func TestPromMillis(t *testing.T) {
	for ms, want := range map[int64]string{0: "0", 1: "0.001", 1500: "1.5", 1235: "1.235", 1773480413589: "1773480413.589", 12000: "12", -250: "-0.25"} {
		if got := promMillis(ms); got != want {
			t.Errorf("promMillis(%d) = %q, want %q", ms, got, want)
		}
	}
}
