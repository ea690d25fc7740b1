package queries

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func job(id, program string, args ...string) HostJob {
	return HostJob{ID: id, Program: program, ArgumentsSHA256: argsHash(append([]string{program}, args...)...)}
}

func TestFleetDivergence(t *testing.T) {
	reports := []HostReport{
		{Host: "mini", File: "mini.json", Jobs: []HostJob{
			job("job:com.sanctum.proxy", "/opt/proxy", "--port=4001"),
			job("job:com.sanctum.same", "/bin/same", "x"),
			job("unit:web.service", "/usr/bin/caddy", "run"),
		}, Findings: []Finding{{Rule: "missing-target", Severity: Error, Subject: "job:com.sanctum.proxy", Message: "m", File: "/p.plist", Line: 3}}},
		{Host: "mac", File: "mac.json", Jobs: []HostJob{
			job("job:com.sanctum.only-mac", "/bin/only"),
			job("job:com.sanctum.proxy", "/opt/proxy", "--port=4000"),
			job("job:com.sanctum.same", "/bin/same", "x"),
		}},
		{Host: "studio", File: "studio.json", Jobs: []HostJob{
			job("job:com.sanctum.proxy", "/opt/proxy", "--port=4000"),
			job("unit:web.service", "/usr/local/bin/caddy", "run"),
		}},
	}
	f := FleetOf(reports, FleetRules())
	var got []string
	for _, fd := range f.Findings {
		var ev []string
		for _, e := range fd.Evidence {
			ev = append(ev, e.String())
		}
		got = append(got, fd.Host+": "+fd.Subject+": "+fd.Severity.String()+": "+fd.Message+" ["+fd.Rule+"] "+strings.Join(ev, "; "))
	}
	mac, mini := argsHash("/opt/proxy", "--port=4000")[:12], argsHash("/opt/proxy", "--port=4001")[:12]
	want := []string{
		"mini: job:com.sanctum.proxy: error: m [missing-target] ",
		"mac,mini: job:com.sanctum.proxy: warning: runs /opt/proxy with different arguments on mac and mini (arguments_sha256 " + mac + " on mac, " + mini + " on mini); 1 more host runs it as mac does [fleet-divergence] " +
			`mac.json jobs[1].arguments_sha256 "` + argsHash("/opt/proxy", "--port=4000") + `"; mini.json jobs[0].arguments_sha256 "` + argsHash("/opt/proxy", "--port=4001") + `"`,
		"mini,studio: unit:web.service: warning: runs /usr/bin/caddy on mini but /usr/local/bin/caddy on studio, with different arguments [fleet-divergence] " +
			`mini.json jobs[2].program "/usr/bin/caddy"; studio.json jobs[1].program "/usr/local/bin/caddy"`,
	}
	// Not reported: com.sanctum.same (same program and arguments on mac
	// and mini), com.sanctum.only-mac (one host), proxy on mac and studio
	// (the same: they are the reference, so mini is compared with mac
	// only, not with studio too).
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("fleet findings (-want +got):\n%s", d)
	}
	wantHosts := []HostSummary{{Host: "mac"}, {Host: "mini", Summary: Summary{Errors: 1}}, {Host: "studio"}}
	if d := cmp.Diff(wantHosts, f.Hosts); d != "" {
		t.Errorf("hosts (-want +got):\n%s", d)
	}
}

// TestFleetRegistry checks the fleet rules are documented, listed with
// check's rules by Documented and Lookup, and not run by check.
func TestFleetRegistry(t *testing.T) {
	for _, r := range FleetRules() {
		if r.Title == "" || len(r.Doc) < 80 || r.Example == "" || r.Fleet == nil || r.Run != nil {
			t.Errorf("fleet rule %s lacks a title, documentation, example or Fleet, or has Run", r.Name)
		}
		if !strings.HasSuffix(r.Example, "["+r.Name+"]") {
			t.Errorf("rule %s: example does not end with [%s]", r.Name, r.Name)
		}
		if slices.Contains(All(), r) {
			t.Errorf("check runs fleet rule %s", r.Name)
		}
		if !slices.Contains(Documented(), r) {
			t.Errorf("Documented lacks fleet rule %s", r.Name)
		}
		if got, ok := Lookup(r.Name); !ok || got != r {
			t.Errorf("Lookup(%s) = %v, %v", r.Name, got, ok)
		}
	}
	if !slices.IsSortedFunc(Documented(), func(a, b *Rule) int { return strings.Compare(a.Name, b.Name) }) {
		t.Error("Documented() is not sorted")
	}
}

// TestFleetDivergenceReference: each host is compared with the variant
// most hosts run (on a tie, the first host's), so n hosts give at most
// n-1 findings per job, never one per pair.
func TestFleetDivergenceReference(t *testing.T) {
	fleet := func(variants map[string]string) []string {
		var reports []HostReport
		for _, h := range slices.Sorted(maps.Keys(variants)) {
			reports = append(reports, HostReport{Host: h, File: h + ".json", Jobs: []HostJob{job("job:x", "/bin/x", variants[h])}})
		}
		var got []string
		for _, fd := range FleetOf(reports, FleetRules()).Findings {
			_, more, _ := strings.Cut(fd.Message, ";")
			got = append(got, fd.Host+more)
		}
		return got
	}
	for _, tt := range []struct {
		name     string
		variants map[string]string
		want     []string
	}{
		{"most", map[string]string{"a": "1", "b": "1", "c": "1", "d": "2", "e": "3"},
			[]string{"a,d 2 more hosts run it as a does", "a,e 2 more hosts run it as a does"}},
		{"most not first", map[string]string{"a": "2", "b": "1", "c": "1"},
			[]string{"a,b 1 more host runs it as b does"}},
		{"tie", map[string]string{"a": "2", "b": "1", "c": "1", "d": "2"},
			[]string{"a,b 1 more host runs it as a does", "a,c 1 more host runs it as a does"}},
		{"all alike", map[string]string{"a": "1", "b": "1"}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if d := cmp.Diff(tt.want, fleet(tt.variants)); d != "" {
				t.Errorf("findings (-want +got):\n%s", d)
			}
		})
	}
	// 1,000 hosts split in two: 500 findings, not 250,000.
	split := map[string]string{}
	for i := range 1000 {
		split[fmt.Sprintf("h%04d", i)] = strconv.Itoa(i % 2)
	}
	if n := len(fleet(split)); n != 500 {
		t.Errorf("1,000 hosts in two variants: %d findings, want 500", n)
	}
}
