package promtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/driftmap/driftmap/internal/testtool"
)

// Bounds of the test: every driftmap run, the wait for Prometheus to
// answer for every host, and the stop of each process.
const (
	commandTimeout = 2 * time.Minute
	queryTimeout   = 60 * time.Second
	stopTimeout    = 10 * time.Second
)

// host is one demo tree audited as one machine.
type host struct {
	name string
	args []string // check's layout flags, relative to the repository root
}

var hosts = []host{
	{"broken", []string{"--root", "testdata/demo/broken/root", "--home", "/Users/bert", "--workspace", "testdata/demo/broken/workspace"}},
	{"real", []string{"--root", "testdata/demo/real/root", "--home", "/Users/bert", "--workspace", "testdata/demo/real/workspace"}},
	{"linux", []string{"--root", "testdata/demo/linux/root", "--home", "/home/bert", "--workspace", "testdata/demo/linux"}},
}

// required is set on CI: a missing program fails instead of skipping.
var required = testtool.Required(env)

// env makes the test required (see testtool).
const env = "DRIFTMAP_PROMETHEUS_TEST"

// TestPrometheusEndToEnd audits three demo trees, each with one run of
// check --format json --output prometheus=DIR/driftmap.prom, serves each
// DIR through a node_exporter's textfile collector, scrapes the three
// with Prometheus (each target labelled host=NAME), and requires that
// sum by (host) (driftmap_findings{severity="error"}) equals each tree's
// summary.errors in the same run's JSON, and that every host reports
// driftmap_last_run_success 1.
func TestPrometheusEndToEnd(t *testing.T) {
	prometheus := testtool.Find(t, env, "prometheus")
	nodeExporter := testtool.Find(t, env, "prometheus-node-exporter")
	if testing.Short() && !required {
		t.Skip("builds the binary and starts Prometheus")
	}
	repo, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	bin := buildDriftmap(t, repo)

	want := map[string]int{}
	var targets []string
	for _, h := range hosts {
		dir := t.TempDir()
		// One run writes both outputs compared: the textfile and the JSON.
		out := runDriftmap(t, bin, repo, append([]string{"check", "--format", "json", "--output", "prometheus=" + filepath.Join(dir, "driftmap.prom")}, h.args...)...)
		var doc struct {
			Summary struct {
				Errors *int `json:"errors"`
			} `json:"summary"`
		}
		if err := json.Unmarshal(out, &doc); err != nil || doc.Summary.Errors == nil {
			t.Fatalf("%s: check --format json: no summary.errors (%v):\n%s", h.name, err, out)
		}
		want[h.name] = *doc.Summary.Errors

		port := freePort(t)
		start(t, "node_exporter "+h.name, nodeExporter,
			"--web.listen-address=127.0.0.1:"+port,
			"--collector.textfile.directory="+dir,
			"--collector.disable-defaults", "--collector.textfile")
		targets = append(targets, fmt.Sprintf("      - targets: ['127.0.0.1:%s']\n        labels: {host: %s}\n", port, h.name))
	}
	if want["broken"] == 0 {
		t.Fatalf("the broken demo has no error: %v", want)
	}

	pdir := t.TempDir()
	config := filepath.Join(pdir, "prometheus.yml")
	yml := "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: driftmap\n    static_configs:\n" + strings.Join(targets, "")
	if err := os.WriteFile(config, []byte(yml), 0o644); err != nil {
		t.Fatal(err)
	}
	pport := freePort(t)
	start(t, "prometheus", prometheus,
		"--config.file="+config,
		"--storage.tsdb.path="+filepath.Join(pdir, "data"),
		"--web.listen-address=127.0.0.1:"+pport)
	api := "http://127.0.0.1:" + pport

	errorsQuery := `sum by (host) (driftmap_findings{severity="error"})`
	got := waitFor(t, api, errorsQuery)
	for _, h := range hosts {
		if got[h.name] != strconv.Itoa(want[h.name]) {
			t.Errorf("Prometheus: %s for host %s = %q, want %d (summary.errors of check --format json)", errorsQuery, h.name, got[h.name], want[h.name])
		}
		t.Logf("host %s: %s errors in Prometheus, %d in check --format json", h.name, got[h.name], want[h.name])
	}
	success := waitFor(t, api, `max by (host) (driftmap_last_run_success)`)
	for _, h := range hosts {
		if success[h.name] != "1" {
			t.Errorf("Prometheus: driftmap_last_run_success for host %s = %q, want 1", h.name, success[h.name])
		}
	}
}

// buildDriftmap builds the driftmap binary into a temporary directory.
func buildDriftmap(t *testing.T, repo string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "driftmap")
	cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", bin, "./cmd/driftmap")
	cmd.Dir = repo
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// runDriftmap runs the binary in the repository root and returns its
// standard output; exit 0 or 1 (findings) is success, anything else
// fails the test.
func runDriftmap(t *testing.T, bin, dir string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 1 {
		err = nil
	}
	if err != nil {
		t.Fatalf("driftmap %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return stdout.Bytes()
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

// logBuffer collects a process's output for the failure message.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// start starts a server process and stops it when the test ends: killed,
// then waited for, within stopTimeout. When the test failed, its output
// is logged.
func start(t *testing.T, name, path string, args ...string) {
	t.Helper()
	cmd := exec.Command(path, args...)
	var log logBuffer
	cmd.Stdout, cmd.Stderr = &log, &log
	cmd.WaitDelay = stopTimeout
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		select {
		case <-done:
		case <-time.After(stopTimeout):
			t.Errorf("%s (pid %d) did not stop within %s", name, cmd.Process.Pid, stopTimeout)
		}
		if t.Failed() {
			t.Logf("%s output:\n%s", name, log.String())
		}
	})
}

// waitFor asks Prometheus's HTTP API for query until its answer has a
// sample for every host, and returns each host's value; it fails the
// test after queryTimeout.
func waitFor(t *testing.T, api, query string) map[string]string {
	t.Helper()
	u := api + "/api/v1/query?query=" + url.QueryEscape(query)
	client := &http.Client{Timeout: 5 * time.Second}
	deadline := time.Now().Add(queryTimeout)
	last := "no answer"
	for {
		got, err := ask(client, u)
		if err != nil {
			last = err.Error()
		} else {
			complete := true
			for _, h := range hosts {
				if _, ok := got[h.name]; !ok {
					complete = false
				}
			}
			if complete {
				return got
			}
			last = fmt.Sprintf("answered for %d of %d hosts: %v", len(got), len(hosts), got)
		}
		if time.Now().After(deadline) {
			t.Fatalf("Prometheus did not answer %s for every host within %s: %s", query, queryTimeout, last)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// ask runs one instant query and returns each sample's value by its host
// label.
func ask(client *http.Client, u string) (map[string]string, error) {
	resp, err := client.Get(u)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var doc struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Data   struct {
			ResultType string `json:"resultType"`
			Result     []struct {
				Metric map[string]string `json:"metric"`
				Value  [2]any            `json:"value"`
			} `json:"result"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		return nil, fmt.Errorf("HTTP %s: %v", resp.Status, err)
	}
	if doc.Status != "success" {
		return nil, fmt.Errorf("query failed: %s", doc.Error)
	}
	got := map[string]string{}
	for _, r := range doc.Data.Result {
		v, _ := r.Value[1].(string)
		got[r.Metric["host"]] = v
	}
	return got, nil
}
