package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"regexp"

	"github.com/spf13/pflag"

	"github.com/driftmap/driftmap/exporters"
	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/queries"
	"github.com/driftmap/driftmap/sources/rootfs"
)

// maxReport caps the size of a check report read by fleet.
const maxReport = 64 << 20

// fleetFormats are fleet's --format names.
var fleetFormats = []string{"text", "json", "html"}

var fleetCmd = &command{
	name:  "fleet",
	args:  " REPORT.json...",
	short: "compare the check reports of several hosts",
	long: `Reads the check reports of several hosts, each written on its host by
'driftmap check --format json --host NAME' (a report without a host is
refused: its jobs are not listed either), and prints one report across
them: every host's findings, each with its host, a summary per host, and
the findings of the fleet rule fleet-divergence: a launchd Label or systemd
unit that two hosts both define but run with a different program or
arguments (compared by arguments_sha256; one finding per job and pair of
hosts). json is a driftmap/check/v1 document with "host" on every finding
and a "hosts" list. Exits 0 when no finding is at or above --fail-on, 1
when one is, 2 on a usage error or a report that cannot be read.`,
	flags: func(fs *pflag.FlagSet, o *opts) {
		formatFlag(fs, o, fleetFormats)
		fs.StringVar(&o.failOn, "fail-on", "error", "exit 1 when a finding is at or above `LEVEL`: error, warning, info or never")
	},
	run: runFleet,
}

func runFleet(c *ctx, args []string) int {
	if len(args) == 0 {
		return c.fail(&usageError{"fleet takes one or more REPORT files", "write one per host with 'driftmap check --format json --host NAME > NAME.json'"})
	}
	failOn, err := c.failOn()
	if err != nil {
		return c.fail(err)
	}
	f, err := exporters.Fleet(c.o.format)
	if err != nil {
		return c.fail(unknownFormat("fleet", c.o.format, fleetFormats))
	}
	var reports []queries.HostReport
	fileOf := map[string]string{}
	for _, file := range args {
		r, err := readReport(file)
		if err != nil {
			return c.fail(err)
		}
		if other, ok := fileOf[r.Host]; ok {
			return c.fail(&usageError{fmt.Sprintf("reports %s and %s both describe host %s", other, file, r.Host), "give each host's report once, each written with its own --host NAME"})
		}
		fileOf[r.Host] = file
		reports = append(reports, *r)
	}
	fl := queries.FleetOf(reports, queries.FleetRules())
	if err := f.FormatFleet(c.env.Stdout, fl); err != nil {
		return c.fail(err)
	}
	return findingsExit(failOn, fl.Findings, func(fd queries.HostFinding) queries.Severity { return fd.Severity })
}

// readReport reads and parses the check report of fleet. Any failure is
// a usage error naming the file.
func readReport(file string) (*queries.HostReport, error) {
	hint := "write each host's report with 'driftmap check --format json --host NAME > NAME.json'"
	data, err := rootfs.ReadHostFile(file, maxReport)
	if err != nil {
		return nil, &usageError{fmt.Sprintf("report %s: %s", file, rootfs.Describe(err)), hint}
	}
	r, err := parseReport(file, data)
	if err != nil {
		return nil, &usageError{err.Error(), "a report is the " + exporters.CheckSchema + " document check --format json writes; " + hint}
	}
	return r, nil
}

// reportDoc is what fleet reads of a check report; other members are
// ignored, so that a later version may add some.
type reportDoc struct {
	Schema  *string `json:"schema"`
	Host    *string `json:"host"`
	Summary *struct {
		Ignored   int `json:"ignored"`
		Baselined int `json:"baselined"`
		Nodes     int `json:"nodes"`
		Edges     int `json:"edges"`
	} `json:"summary"`
	Findings *[]struct {
		Rule     string           `json:"rule"`
		Severity string           `json:"severity"`
		Subject  string           `json:"subject"`
		Message  string           `json:"message"`
		File     string           `json:"file"`
		Line     int              `json:"line"`
		Evidence []graph.Evidence `json:"evidence"`
	} `json:"findings"`
	Jobs *[]queries.HostJob `json:"jobs"`
}

var sha256Hex = regexp.MustCompile(`^[0-9a-f]{64}$`)

// parseReport parses a check report written with --host. An error names
// the file (and the line, for a document that is not JSON or has a
// member of the wrong type) and quotes no value from the file.
func parseReport(file string, data []byte) (*queries.HostReport, error) {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("report %s: %s", file, fmt.Sprintf(format, args...))
	}
	var doc reportDoc
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		p, ok := describeJSONError(data, err, 0)
		switch {
		case !ok:
			return nil, fail("not a check report (%s)", exporters.Text(err.Error()))
		case p.early:
			return nil, fail("%s", p.msg)
		}
		return nil, fmt.Errorf("report %s:%d: %s", file, lineAt(data, p.off), p.msg)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fail("more data after the document")
	}
	switch {
	case doc.Schema == nil:
		return nil, fail("no schema member; want %q", exporters.CheckSchema)
	case *doc.Schema != exporters.CheckSchema:
		return nil, fail("schema is not %q", exporters.CheckSchema)
	case doc.Host == nil:
		return nil, fail("no host member: it was written without --host, so it names no host and lists no jobs")
	case !hostName.MatchString(*doc.Host):
		return nil, fail("host is not a host name (letters, digits, '.', '_' and '-')")
	case doc.Findings == nil:
		return nil, fail("no findings member")
	case doc.Jobs == nil:
		return nil, fail("no jobs member")
	}
	in := &queries.HostReport{Host: *doc.Host, File: file}
	if s := doc.Summary; s != nil {
		in.Ignored, in.Baselined, in.Nodes, in.Edges = s.Ignored, s.Baselined, s.Nodes, s.Edges
	}
	for i, fd := range *doc.Findings {
		if fd.Rule == "" {
			return nil, fail("findings[%d] has no rule", i)
		}
		sev, err := queries.ParseSeverity(fd.Severity)
		if err != nil {
			return nil, fail("findings[%d].severity is not error, warning or info", i)
		}
		in.Findings = append(in.Findings, queries.Finding{Rule: fd.Rule, Severity: sev, Subject: fd.Subject,
			Message: fd.Message, File: fd.File, Line: fd.Line, Evidence: fd.Evidence})
	}
	for i, j := range *doc.Jobs {
		switch {
		case j.ID == "":
			return nil, fail("jobs[%d] has no id", i)
		case !sha256Hex.MatchString(j.ArgumentsSHA256):
			return nil, fail("jobs[%d].arguments_sha256 is not 64 lower-case hex digits", i)
		}
		in.Jobs = append(in.Jobs, j)
	}
	return in, nil
}
