package sanctum

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources/record"
)

// budgetMsg is the problem of a document that runs out of node budget.
func budgetMsg(t *testing.T, src string) string {
	t.Helper()
	root, _ := yamlDoc([]byte(src), "f")
	if root == nil {
		t.Fatal("no document")
	}
	n := CountNodes(root)
	return fmt.Sprintf("too large once aliases are expanded: reading it visits more than %d YAML nodes (limit: 8 per node of the file, which has %d, plus 100000); the file is not used",
		8*n+100_000, n)
}

// aliasedRequires is a catalog of n services whose requires all alias
// one list of every service: n*n names from a file of a few n lines.
func aliasedRequires(n int) string {
	var b strings.Builder
	b.WriteString("version: 1\nservices:\n")
	for i := range n {
		fmt.Fprintf(&b, "  s%d:\n    launchagent: com.sanctum.s%d\n", i, i)
		if i == 0 {
			b.WriteString("    requires: &all [")
			for j := range n {
				if j > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "s%d", j)
			}
			b.WriteString("]\n")
		} else {
			b.WriteString("    requires: *all\n")
		}
	}
	return b.String()
}

// bigMapping is a mapping anchored as big with n keys, as a top-level
// entry named key.
func bigMapping(key string, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: &big\n", key)
	for i := range n {
		fmt.Fprintf(&b, "  k%d: v\n", i)
	}
	return b.String()
}

// aliases writes n items or entries that alias big.
func aliases(n int, item string) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(strings.ReplaceAll(item, "#", fmt.Sprint(i)))
	}
	return b.String()
}

func TestYAMLAliasBudget(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		parse func(src string) (any, []record.Problem)
		empty any
	}{
		{
			// 1,000 services x 1,000 names (3,000 x 3,000 grew past 9 GB
			// in the loader before this limit).
			name: "catalog requires", src: aliasedRequires(1000),
			parse: func(src string) (any, []record.Problem) { return ParseCatalog([]byte(src), "f") },
			empty: Catalog{File: "f"},
		},
		{
			name: "instance services", src: bigMapping("x", 10_000) + "services:\n" + aliases(1000, "  s#: *big\n"),
			parse: func(src string) (any, []record.Problem) { return ParseInstance([]byte(src), "f") },
			empty: Instance{File: "f", Unreadable: true}, // which keys it defines is unknown
		},
		{
			name: "manifest requires", src: bigMapping("x", 10_000) + "requires:\n" + aliases(1000, "  - *big\n"),
			parse: func(src string) (any, []record.Problem) { return ParseManifest([]byte(src), "f") },
			empty: Manifest{File: "f", Name: "f", NameEv: graphEvidence("f")},
		},
		{
			name: "driftmap.yaml artifacts", src: bigMapping("x", 10_000) + "artifacts:\n" + aliases(1000, "  - *big\n"),
			parse: func(src string) (any, []record.Problem) {
				l := DefaultLayout("/r", "/Users/bert", "/w")
				return l, ApplyConfig(&l, []byte(src), "f")
			},
			empty: DefaultLayout("/r", "/Users/bert", "/w"),
		},
		{
			name: "driftmap.yaml services", src: "services:\n" + strings.Replace(aliasedRequires(1000), "version: 1\nservices:\n", "", 1),
			parse: func(src string) (any, []record.Problem) {
				l := DefaultLayout("/r", "/Users/bert", "/w")
				return l, ApplyConfig(&l, []byte(src), "f")
			},
			empty: DefaultLayout("/r", "/Users/bert", "/w"),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, probs := tc.parse(tc.src)
			want := []record.Problem{{File: "f", Message: budgetMsg(t, tc.src)}}
			if d := cmp.Diff(want, probs); d != "" {
				t.Errorf("problems (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.empty, got); d != "" {
				t.Errorf("what was read is used (-want +got):\n%s", d)
			}
		})
	}
}

func graphEvidence(file string) graph.Evidence {
	return graph.Evidence{File: file, Key: "file name", Token: file}
}

// TestYAMLBudgetHonest checks that large honest documents, and aliases
// used as people use them, read in full.
func TestYAMLBudgetHonest(t *testing.T) {
	var b strings.Builder
	b.WriteString("version: 1\nservices: &services\n")
	for i := range 5000 {
		fmt.Fprintf(&b, "  s%d:\n    launchagent: com.sanctum.s%d\n    port: %d\n    role: worker\n    requires: [s%d, {service: s%d}, s%d]\n    renamed_from: [old-s%d]\n",
			i, i, 1024+i, (i+1)%5000, (i+2)%5000, (i+3)%5000, i)
	}
	b.WriteString("auxiliary: *services\n")
	cat, probs := ParseCatalog([]byte(b.String()), "c.yaml")
	if len(probs) != 0 {
		t.Fatalf("problems: %v", probs)
	}
	if len(cat.Entries) != 10_000 || len(cat.Entries[9999].Requires) != 3 || cat.Entries[9999].Port != 1024+4999 {
		t.Errorf("%d entries, last %+v", len(cat.Entries), cat.Entries[len(cat.Entries)-1])
	}

	// A requires list shared by every service, and the services
	// section read twice.
	b.Reset()
	b.WriteString("version: 1\ncore: &core [db, cache, queue, auth, mail, search, metrics, logs]\nservices: &services\n")
	for i := range 5000 {
		fmt.Fprintf(&b, "  s%d: {launchagent: com.sanctum.s%d, requires: *core}\n", i, i)
	}
	b.WriteString("auxiliary: *services\n")
	cat, probs = ParseCatalog([]byte(b.String()), "c.yaml")
	if len(probs) != 0 || len(cat.Entries) != 10_000 || len(cat.Entries[9999].Requires) != 8 {
		t.Errorf("%d entries, problems %v", len(cat.Entries), probs)
	}

	b.Reset()
	b.WriteString("defaults: &d {enabled: true, port: 0}\nservices:\n")
	for i := range 20_000 {
		fmt.Fprintf(&b, "  s%d: {enabled: true, port: %d, wake_word: hey, nested: {a: [1, 2, 3], b: {c: d}}}\n", i, 1+i%65535)
	}
	inst, probs := ParseInstance([]byte(b.String()), "i.yaml")
	if len(probs) != 0 || len(inst.Services) != 20_000 {
		t.Errorf("%d services, problems %v", len(inst.Services), probs)
	}
}

func TestPorts(t *testing.T) {
	type parsed struct {
		port int
		set  bool
	}
	readers := map[string]struct {
		doc  func(port string) string
		read func(src string) (parsed, []record.Problem)
		key  string
	}{
		"catalog": {
			doc: func(p string) string { return "services:\n  a: {port: " + p + "}\n" },
			read: func(src string) (parsed, []record.Problem) {
				c, probs := ParseCatalog([]byte(src), "f")
				return parsed{c.Entries[0].Port, c.Entries[0].PortEv.File != ""}, probs
			},
			key: "services.a.port",
		},
		"instance.yaml": {
			doc: func(p string) string { return "services:\n  a: {port: " + p + "}\n" },
			read: func(src string) (parsed, []record.Problem) {
				i, probs := ParseInstance([]byte(src), "f")
				return parsed{i.Services[0].Port, i.Services[0].PortEv.File != ""}, probs
			},
			key: "services.a.port",
		},
		"manifest": {
			doc: func(p string) string { return "name: a\nport: " + p + "\n" },
			read: func(src string) (parsed, []record.Problem) {
				m, probs := ParseManifest([]byte(src), "f")
				return parsed{m.Port, m.PortEv.File != ""}, probs
			},
			key: "port",
		},
		"driftmap.yaml": {
			doc: func(p string) string { return "services:\n  a:\n    port: " + p + "\n" },
			read: func(src string) (parsed, []record.Problem) {
				l := DefaultLayout("/r", "/h", "/w")
				probs := ApplyConfig(&l, []byte(src), "f")
				return parsed{l.Services[0].Port, l.Services[0].PortEv.File != ""}, probs
			},
			key: "services.a.port",
		},
	}
	tests := []struct {
		port  string
		want  parsed
		found string // the problem's end, "" when valid
	}{
		{"1", parsed{1, true}, ""},
		{"65535", parsed{65535, true}, ""},
		{"0x1F90", parsed{8080, true}, ""},
		{"0", parsed{0, true}, ""}, // no port claimed
		{"null", parsed{}, ""},
		{"-1", parsed{}, " must be a port number from 1 to 65535, found -1"},
		{"65536", parsed{}, " must be a port number from 1 to 65535, found 65536"},
		{"18446744073709551615", parsed{}, " must be a port number from 1 to 65535, found a number out of range"},
		{"99999999999999999999999", parsed{}, " must be an integer, found a number"}, // a !!float to YAML
	}
	for name, r := range readers {
		for _, tc := range tests {
			t.Run(name+"/"+tc.port, func(t *testing.T) {
				src := r.doc(tc.port)
				got, probs := r.read(src)
				if got != tc.want {
					t.Errorf("port = %+v, want %+v", got, tc.want)
				}
				var want []record.Problem
				if tc.found != "" {
					line := strings.Count(src[:strings.Index(src, "port:")], "\n") + 1
					want = []record.Problem{{File: "f", Line: line, Key: r.key,
						Message: r.key + tc.found}}
				}
				if d := cmp.Diff(want, probs); d != "" {
					t.Errorf("problems (-want +got):\n%s", d)
				}
			})
		}
	}
}
