package exporters

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/queries"
)

// prometheusFormatter writes the Prometheus text exposition format
// (version 0.0.4), for node_exporter's textfile collector (check).
type prometheusFormatter struct{}

// FailedRunFormatter is a CheckFormatter that can also report an audit
// that could not run (a setup error): the prometheus format, whose file
// must then say so rather than keep the finding metrics of an older run.
type FailedRunFormatter interface {
	// FormatFailedRun writes what the format says of a run that failed:
	// only r.Started and r.Duration are used.
	FormatFailedRun(w io.Writer, r *Report) error
}

// promMetric is one metric family: its name, type, help and samples,
// each sample its label pairs (name, value, name, value...) and value.
type promMetric struct {
	name, help string
	samples    []promSample
}

type promSample struct {
	labels []string
	value  string
}

// FormatCheck writes the metrics of the report, sorted by metric name and
// then by label values:
//
//   - driftmap_findings{rule,severity}: the findings per rule and
//     severity, with a line (0 when it found nothing) for every rule of
//     queries.All() at its severity;
//   - driftmap_nodes{kind}: the nodes of each graph.Kinds kind;
//   - driftmap_edges: the edges of the graph;
//   - driftmap_suppressed_findings{by}: the findings the ignore list
//     (by="ignore") and the baseline (by="baseline") left out;
//   - the run metrics (see runMetrics), success 1.
//
// Every metric is a gauge. Label values are only rule names, severities,
// node kinds and "ignore" or "baseline": nothing read from the audited
// files (no path, message, subject or value) becomes a label.
func (prometheusFormatter) FormatCheck(w io.Writer, r *Report) error {
	g := r.graphOf()
	ms := []promMetric{
		findingsMetric(r.Findings),
		nodesMetric(g),
		{name: "driftmap_edges", help: "Edges of the dependency graph the last driftmap check audited.",
			samples: []promSample{{value: strconv.Itoa(len(g.Edges()))}}},
		{name: "driftmap_suppressed_findings", help: "Findings of the last driftmap check left out, by the ignore list of driftmap.yaml (ignore) or by the baseline (baseline).",
			samples: []promSample{
				{labels: []string{"by", "baseline"}, value: strconv.Itoa(r.Baselined)},
				{labels: []string{"by", "ignore"}, value: strconv.Itoa(r.Ignored)},
			}},
	}
	ms = append(ms, runMetrics(r, true)...)
	return writeProm(w, ms)
}

// FormatFailedRun writes only the run metrics, success 0.
func (prometheusFormatter) FormatFailedRun(w io.Writer, r *Report) error {
	return writeProm(w, runMetrics(r, false))
}

// findingsMetric is driftmap_findings: a zero for every rule at its
// severity, plus the count of each rule and severity found.
func findingsMetric(fs []queries.Finding) promMetric {
	type key struct {
		rule string
		sev  queries.Severity
	}
	counts := map[key]int{}
	for _, r := range queries.All() {
		counts[key{r.Name, r.Severity}] = 0
	}
	for _, f := range fs {
		counts[key{f.Rule, f.Severity}]++
	}
	keys := make([]key, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b key) int {
		return cmp.Or(strings.Compare(a.rule, b.rule), strings.Compare(a.sev.String(), b.sev.String()))
	})
	m := promMetric{name: "driftmap_findings", help: "Findings of the last driftmap check by rule and severity (0 for every rule that found nothing)."}
	for _, k := range keys {
		m.samples = append(m.samples, promSample{labels: []string{"rule", k.rule, "severity", k.sev.String()}, value: strconv.Itoa(counts[k])})
	}
	return m
}

// nodesMetric is driftmap_nodes: the nodes of every kind, sorted by kind.
func nodesMetric(g *graph.Graph) promMetric {
	kinds := slices.Clone(graph.Kinds)
	slices.Sort(kinds)
	m := promMetric{name: "driftmap_nodes", help: "Nodes of the dependency graph the last driftmap check audited, by kind."}
	for _, k := range kinds {
		m.samples = append(m.samples, promSample{labels: []string{"kind", string(k)}, value: strconv.Itoa(len(g.NodesOf(k)))})
	}
	return m
}

// runMetrics are the metrics of the run itself:
// driftmap_last_run_timestamp_seconds (r.Started as Unix seconds, 0 when
// it is zero), driftmap_last_run_duration_seconds (r.Duration) and
// driftmap_last_run_success (1 or 0).
func runMetrics(r *Report, ok bool) []promMetric {
	ts := "0"
	if !r.Started.IsZero() {
		ts = promMillis(r.Started.UnixMilli())
	}
	success := "0"
	if ok {
		success = "1"
	}
	return []promMetric{
		{name: "driftmap_last_run_timestamp_seconds", help: "Time the last driftmap check started, in seconds since the Unix epoch.",
			samples: []promSample{{value: ts}}},
		{name: "driftmap_last_run_duration_seconds", help: "Time the last driftmap check took to load the sources and run the rules, in seconds.",
			samples: []promSample{{value: promMillis(r.Duration.Round(time.Millisecond).Milliseconds())}}},
		{name: "driftmap_last_run_success", help: "1 when the last driftmap check ran, 0 when it could not (a setup error; no other metric is current then).",
			samples: []promSample{{value: success}}},
	}
}

// promMillis formats ms milliseconds as seconds, exactly: "12", "1.5",
// "0.001" (no float rounding, no exponent).
func promMillis(ms int64) string {
	sign := ""
	if ms < 0 {
		sign, ms = "-", -ms
	}
	s := sign + strconv.FormatInt(ms/1000, 10)
	if frac := ms % 1000; frac != 0 {
		s += strings.TrimRight(fmt.Sprintf(".%03d", frac), "0")
	}
	return s
}

// writeProm writes the metric families sorted by name, each with its
// HELP and TYPE lines; every metric is a gauge.
func writeProm(w io.Writer, ms []promMetric) error {
	slices.SortFunc(ms, func(a, b promMetric) int { return strings.Compare(a.name, b.name) })
	var b bytes.Buffer
	for _, m := range ms {
		b.WriteString("# HELP " + m.name + " " + promHelp(m.help) + "\n")
		b.WriteString("# TYPE " + m.name + " gauge\n")
		for _, s := range m.samples {
			b.WriteString(m.name)
			if len(s.labels) > 0 {
				b.WriteByte('{')
				for i := 0; i+1 < len(s.labels); i += 2 {
					if i > 0 {
						b.WriteByte(',')
					}
					b.WriteString(s.labels[i] + `="` + promLabel(s.labels[i+1]) + `"`)
				}
				b.WriteByte('}')
			}
			b.WriteString(" " + s.value + "\n")
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

// promHelp escapes a HELP text: backslash and line feed.
func promHelp(s string) string {
	return strings.NewReplacer(`\`, `\\`, "\n", `\n`).Replace(s)
}

// promLabel escapes a label value: backslash, double quote and line
// feed. The values are rule names, severities and kinds, which need
// none; the escaping keeps the format valid whatever they are.
func promLabel(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}
