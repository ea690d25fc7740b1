package cli

import (
	"strings"
	"testing"

	"github.com/driftmap/driftmap/queries"
)

// TestParseReport: every malformed report is an error naming the file
// and the reason, never a panic, and quotes no value from the file.
func TestParseReport(t *testing.T) {
	const ok = `{"schema": "driftmap/check/v1", "host": "mac", "summary": {"nodes": 3}, "findings": [{"rule": "r", "severity": "warning", "subject": "job:a", "message": "m", "file": "/f", "line": 2, "evidence": [{"file": "/f", "line": 2}]}], "jobs": [{"id": "job:a", "program": "/bin/a", "arguments_sha256": "` + hash64 + `"}]}`
	r, err := parseReport("mac.json", []byte(ok))
	if err != nil {
		t.Fatalf("a valid report: %v", err)
	}
	if r.Host != "mac" || r.File != "mac.json" || r.Nodes != 3 || len(r.Findings) != 1 || r.Findings[0].Severity.String() != "warning" || len(r.Jobs) != 1 {
		t.Errorf("parsed %+v", r)
	}
	for _, tt := range []struct{ doc, want string }{
		{``, "report x.json: the document ends early"},
		{`{"schema": "driftmap/check/v1",`, "report x.json: the document ends early"},
		{"{\n\"schema\": SECRET}", "report x.json:2: not JSON"},
		{`[]`, "report x.json:1: a value must be an object, found array"},
		{`{"schema": 1}`, "report x.json:1: schema must be a string, found number"},
		{`{"host": "mac"}`, "report x.json: no schema member"},
		{`{"schema": "SECRET"}`, `report x.json: schema is not "driftmap/check/v1"`},
		{`{"schema": "driftmap/check/v1", "findings": [], "jobs": []}`, "report x.json: no host member"},
		{`{"schema": "driftmap/check/v1", "host": "a,SECRET", "findings": [], "jobs": []}`, "report x.json: host is not a host name"},
		{`{"schema": "driftmap/check/v1", "host": "a", "jobs": []}`, "report x.json: no findings member"},
		{`{"schema": "driftmap/check/v1", "host": "a", "findings": []}`, "report x.json: no jobs member"},
		{`{"schema": "driftmap/check/v1", "host": "a", "findings": [{"rule": "r", "severity": "SECRET"}], "jobs": []}`, "report x.json: findings[0].severity is not error, warning or info"},
		{`{"schema": "driftmap/check/v1", "host": "a", "findings": [{}], "jobs": []}`, "report x.json: findings[0] has no rule"},
		{`{"schema": "driftmap/check/v1", "host": "a", "findings": [], "jobs": [{"program": "/x", "arguments_sha256": "` + hash64 + `"}]}`, "report x.json: jobs[0] has no id"},
		{`{"schema": "driftmap/check/v1", "host": "a", "findings": [], "jobs": [{"id": "job:a", "arguments_sha256": "SECRET"}]}`, "report x.json: jobs[0].arguments_sha256 is not 64 lower-case hex digits"},
		{`{"schema": "driftmap/check/v1", "host": "a", "findings": [], "jobs": []} {}`, "report x.json: more data after the document"},
	} {
		_, err := parseReport("x.json", []byte(tt.doc))
		if err == nil {
			t.Errorf("%q: no error, want %q", tt.doc, tt.want)
			continue
		}
		if !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%q: error %q, want it to start with %q", tt.doc, err, tt.want)
		}
		if strings.Contains(err.Error(), "SECRET") {
			t.Errorf("%q: error %q quotes the file", tt.doc, err)
		}
	}
}

const hash64 = "5b7acabc68ad1433a9ac9c96d896220af042a671568bc6c68ea1e709dcab02e7"

// FuzzParseReport: parseReport never panics; what it accepts has a host
// name, jobs with an ID and a SHA-256, and findings with a severity, and
// the fleet rules run over it without panicking; what it refuses it
// refuses naming the file.
func FuzzParseReport(f *testing.F) {
	f.Add([]byte(`{"schema": "driftmap/check/v1", "host": "mac", "summary": {"nodes": 3}, "findings": [{"rule": "r", "severity": "warning", "subject": "job:a", "message": "m", "file": "/f", "line": 2, "evidence": [{"file": "/f", "line": 2}]}], "jobs": [{"id": "job:a", "program": "/bin/a", "arguments_sha256": "` + hash64 + `"}]}`))
	f.Add([]byte("{\n\"schema\": \"driftmap/check/v1\",\n\"host\": \"a\",\n\"findings\": [],\n\"jobs\": [{\"id\": \"unit:x.service\", \"program\": \"\", \"arguments_sha256\": \"" + hash64 + "\"}]\n}\n"))
	f.Add([]byte(`{"schema": "driftmap/check/v1", "host": "a", "findings": [{"rule": "r", "severity": 3}], "jobs": []}`))
	f.Add([]byte(`{"schema": "driftmap/check/v1", "host": "a", "findings": [`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := parseReport("f.json", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "report f.json") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if !hostName.MatchString(r.Host) {
			t.Fatalf("accepted host %q", r.Host)
		}
		for _, j := range r.Jobs {
			if j.ID == "" || !sha256Hex.MatchString(j.ArgumentsSHA256) {
				t.Fatalf("accepted job %+v", j)
			}
		}
		for _, fd := range r.Findings {
			if fd.Rule == "" || fd.Severity < queries.Info || fd.Severity > queries.Error {
				t.Fatalf("accepted finding %+v", fd)
			}
		}
		other := *r
		other.Host, other.File = r.Host+"-2", "g.json"
		fl := queries.FleetOf([]queries.HostReport{*r, other}, queries.FleetRules())
		if len(fl.Hosts) != 2 {
			t.Fatalf("fleet of two reports has %d hosts", len(fl.Hosts))
		}
	})
}
