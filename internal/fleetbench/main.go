// Command fleetbench is the fleet benchmark of `make bench`. For each
// size it writes a synthetic fleet with `driftmap synth` (into
// DIR/N-SEED, reused when a previous run left it there), then, with the
// page cache warm, times `driftmap check --format json` on it and a plain
// read of the same files (find ROOT WORKSPACE -type f -print0 | xargs -0
// cat > /dev/null), alternately, and prints one row of a Markdown table:
// services, files, the median audit and read seconds, their ratio, the
// audit's peak RSS (the largest of its runs), and whether check reported
// exactly the findings synth.json expects, rule by rule. It exits 1 when
// a fleet's findings do not match, 2 when it cannot run.
//
//	go run ./internal/fleetbench -driftmap bin/driftmap -sizes "1000 10000" -runs 5
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// document is the part of synth.json the benchmark reads.
type document struct {
	Schema    string         `json:"schema"`
	Root      string         `json:"root"`
	Home      string         `json:"home"`
	Workspace string         `json:"workspace"`
	Files     int            `json:"files"`
	Expected  map[string]int `json:"expected"`
}

// row is one measured fleet.
type row struct {
	n, files    int
	audit, read time.Duration // medians
	rss         int64         // bytes; 0 when unknown
	match       string
	ok          bool
}

func main() {
	bin := flag.String("driftmap", "bin/driftmap", "the driftmap binary to measure")
	sizes := flag.String("sizes", "1000 10000 100000", "fleet sizes (services), separated by spaces")
	runs := flag.Int("runs", 3, "timed runs of each command per size (the median is shown)")
	seed := flag.Uint64("seed", 1, "seed of the fleets")
	dir := flag.String("dir", filepath.Join(os.TempDir(), "driftmap-bench"), "where the fleets are kept, as DIR/N-SEED")
	flag.Parse()
	ok, err := run(os.Stdout, os.Stderr, *bin, *sizes, *runs, *seed, *dir)
	if err != nil {
		fmt.Fprintf(os.Stderr, "fleetbench: error: %v\n", err)
		os.Exit(2)
	}
	if !ok {
		fmt.Fprintln(os.Stderr, "fleetbench: check did not report exactly the planted findings")
		os.Exit(1)
	}
}

// run measures every size and prints the table; ok is false when a
// fleet's findings did not match.
func run(stdout, stderr io.Writer, bin, sizes string, runs int, seed uint64, dir string) (ok bool, err error) {
	var ns []int
	for _, f := range strings.Fields(sizes) {
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			return false, fmt.Errorf("bad size %q in -sizes %q", f, sizes)
		}
		ns = append(ns, n)
	}
	if runs < 1 {
		return false, fmt.Errorf("-runs must be at least 1")
	}
	abs, err := filepath.Abs(bin)
	if err != nil {
		return false, err
	}
	fmt.Fprintf(stdout, "Fleet benchmark: driftmap check --format json against a plain read of the same files (find | xargs cat),\n")
	fmt.Fprintf(stdout, "median of %d runs each after a warm-up, %d CPUs, %s/%s; fleets in %s\n\n", runs, runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, dir)
	fmt.Fprintln(stdout, "| services | files | audit s | read s | audit/read | peak RSS | findings |")
	fmt.Fprintln(stdout, "|---:|---:|---:|---:|---:|---:|---|")
	ok = true
	for _, n := range ns {
		r, err := measure(stderr, abs, n, runs, seed, filepath.Join(dir, fmt.Sprintf("%d-%d", n, seed)))
		if err != nil {
			return false, fmt.Errorf("%d services: %w", n, err)
		}
		fmt.Fprintln(stdout, r.format())
		ok = ok && r.ok
	}
	return ok, nil
}

// measure generates (or reuses) the fleet of n services in dir and
// measures it.
func measure(stderr io.Writer, bin string, n, runs int, seed uint64, dir string) (row, error) {
	start := time.Now()
	out, err := exec.Command(bin, "synth", "-n", strconv.Itoa(n), "-o", dir, "--seed", strconv.FormatUint(seed, 10)).CombinedOutput()
	if err != nil {
		return row{}, fmt.Errorf("driftmap synth: %v\n%s", err, out)
	}
	if bytes.Contains(out, []byte("reused it untouched")) {
		fmt.Fprintf(stderr, "fleetbench: %d services: reusing %s\n", n, dir)
	} else {
		fmt.Fprintf(stderr, "fleetbench: %d services: generated %s in %.1fs\n", n, dir, time.Since(start).Seconds())
	}
	data, err := os.ReadFile(filepath.Join(dir, "synth.json"))
	if err != nil {
		return row{}, err
	}
	var doc document
	if err := json.Unmarshal(data, &doc); err != nil || doc.Schema != "driftmap/synth/v1" {
		return row{}, fmt.Errorf("%s/synth.json is not a driftmap/synth/v1 document", dir)
	}
	root, ws := filepath.Join(dir, doc.Root), filepath.Join(dir, doc.Workspace)
	audit := []string{"check", "--format", "json", "--root", root, "--home", doc.Home, "--workspace", ws}
	read := []string{"-c", `find "$1" "$2" -type f -print0 | xargs -0 cat > /dev/null`, "sh", root, ws}

	r := row{n: n, files: doc.Files}
	var audits, reads []time.Duration
	var report []byte
	for i := range runs + 1 { // run 0 warms the page cache and is not counted
		d, _, err := timed(exec.Command("sh", read...))
		if err != nil {
			return row{}, fmt.Errorf("reading the tree: %v", err)
		}
		cmd := exec.Command(bin, audit...)
		var o, e bytes.Buffer
		cmd.Stdout, cmd.Stderr = &o, &e
		a, rss, err := timed(cmd)
		if code := cmd.ProcessState.ExitCode(); err != nil && code != 1 { // 1: findings, as planted
			return row{}, fmt.Errorf("driftmap check: %v\n%s", err, e.Bytes())
		}
		r.rss = max(r.rss, rss)
		report = o.Bytes()
		if i > 0 {
			audits, reads = append(audits, a), append(reads, d)
		}
	}
	r.audit, r.read = median(audits), median(reads)
	r.match, r.ok = compare(report, doc.Expected)
	return r, nil
}

// timed runs cmd and returns its wall time and peak RSS (0 when the
// platform does not say).
func timed(cmd *exec.Cmd) (time.Duration, int64, error) {
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	var rss int64
	if cmd.ProcessState != nil {
		rss = peakRSS(cmd.ProcessState)
	}
	return d, rss, err
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// compare counts check's findings per rule and compares them with
// synth.json's expectations: "match (N)", or what differs.
func compare(report []byte, want map[string]int) (string, bool) {
	var rep struct {
		Schema   string `json:"schema"`
		Findings []struct {
			Rule string `json:"rule"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(report, &rep); err != nil || rep.Schema != "driftmap/check/v1" {
		return "NO: check printed no driftmap/check/v1 report", false
	}
	got := map[string]int{}
	for _, f := range rep.Findings {
		got[f.Rule]++
	}
	var rules []string
	for r := range got {
		rules = append(rules, r)
	}
	for r := range want {
		if _, ok := got[r]; !ok {
			rules = append(rules, r)
		}
	}
	slices.Sort(rules)
	var diffs []string
	for _, r := range rules {
		if got[r] != want[r] {
			diffs = append(diffs, fmt.Sprintf("%s %d, want %d", r, got[r], want[r]))
		}
	}
	if len(diffs) > 0 {
		return "NO: " + strings.Join(diffs, "; "), false
	}
	return fmt.Sprintf("match (%d)", len(rep.Findings)), true
}

func (r row) format() string {
	ratio := "n/a"
	if r.read > 0 {
		ratio = fmt.Sprintf("%.2f", r.audit.Seconds()/r.read.Seconds())
	}
	rss := "n/a"
	if r.rss > 0 {
		rss = fmt.Sprintf("%.0f MiB", float64(r.rss)/(1<<20))
	}
	return fmt.Sprintf("| %d | %d | %.3f | %.3f | %s | %s | %s |", r.n, r.files, r.audit.Seconds(), r.read.Seconds(), ratio, rss, r.match)
}
