package queries

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/driftmap/driftmap/graph"
)

// mapGraph is a small machine for the map tests, written as lines:
//
//	node KIND:NAME [STATE] [defined=PLIST]
//	edge FROM KIND TO
//	finding SEVERITY SUBJECT
func mapGraph(t *testing.T, spec string) (*graph.Graph, []Finding) {
	t.Helper()
	b := graph.NewBuilder()
	var fs []Finding
	for _, l := range strings.Split(strings.TrimSpace(spec), "\n") {
		f := strings.Fields(l)
		switch f[0] {
		case "node":
			kind, name, _ := strings.Cut(f[1], ":")
			n := b.Node(graph.Kind(kind), name)
			for _, x := range f[2:] {
				if p, ok := strings.CutPrefix(x, "defined="); ok {
					n.Defined = append(n.Defined, graph.Evidence{File: p, Key: "Label"})
				} else {
					n.State = graph.State(x)
				}
			}
		case "edge":
			b.AddEdge(f[1], f[3], graph.EdgeKind(f[2]), graph.Evidence{File: "spec"})
		case "finding":
			sev, err := ParseSeverity(f[1])
			if err != nil {
				t.Fatal(err)
			}
			fs = append(fs, Finding{Rule: "r", Severity: sev, Subject: f[2], Message: "about " + f[2]})
		default:
			t.Fatalf("bad spec line %q", l)
		}
	}
	slices.SortFunc(fs, Compare)
	return b.Build(), fs
}

// The small machine most cases share: api requires db; api's job runs a
// wrapper that sources a shared env file db's wrapper sources too; db's
// manifest describes it; db's job keeps api's job alive (other-job);
// an unclaimed live job, a retired one, an orphan wrapper with a finding
// and a generated plist of api's job.
const machine = `
node service:api enabled
node service:db enabled
node job:com.x.api live defined=/L/com.x.api.plist
node job:com.x.db live
node job:com.x.stray live
node job:com.x.old retired
node wrapper:/w/api present
node wrapper:/w/db present
node wrapper:/w/orphan present
node file:/env.sh present
node file:/bin/py missing
node file:/old.sh missing
node directory:/logs present
node manifest:/m/db.yaml present
node artifact:/L/com.x.api.plist present
edge service:api requires service:db
edge service:api runs-as job:com.x.api
edge service:db runs-as job:com.x.db
edge job:com.x.api exec wrapper:/w/api
edge job:com.x.api log-dir directory:/logs
edge job:com.x.db exec wrapper:/w/db
edge job:com.x.db other-job job:com.x.api
edge job:com.x.stray log-dir directory:/logs
edge job:com.x.old exec file:/old.sh
edge wrapper:/w/api source file:/env.sh
edge wrapper:/w/api exec file:/bin/py
edge wrapper:/w/db source file:/env.sh
edge wrapper:/w/orphan source file:/env.sh
edge manifest:/m/db.yaml describes service:db
finding error file:/bin/py
finding warning file:/env.sh
finding info wrapper:/w/orphan
finding warning job:com.x.stray
finding error artifact:/L/com.x.api.plist
finding error directory:/nowhere
`

// brief is a map as lines the tests compare: "ID [group] worst members"
// per node and "FROM -> TO kinds" per edge.
func brief(m *Map) []string {
	var out []string
	for _, n := range m.Nodes {
		w := "none"
		if s, ok := n.Worst(); ok {
			w = s.String()
		}
		mark := ""
		if n.Mark != Unmarked {
			mark = fmt.Sprintf(" mark=%d", n.Mark)
		}
		out = append(out, fmt.Sprintf("%s [%s] %s %v%s", n.ID, n.Group, w, n.Members, mark))
	}
	for _, e := range m.Edges {
		mark := ""
		if e.Mark != Unmarked {
			mark = " marked"
		}
		out = append(out, fmt.Sprintf("%s -> %s %v%s", e.From, e.To, e.Kinds, mark))
	}
	return out
}

func TestServiceMap(t *testing.T) {
	g, fs := mapGraph(t, machine)
	m, err := BuildMap(g, fs, MapOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		// The plist artifact belongs to api's job, so its error colours api;
		// the shared env file's warning colours both services.
		"job:com.x.stray [outside] warning [directory:/logs]",
		"service:api [] error [artifact:/L/com.x.api.plist directory:/logs file:/bin/py file:/env.sh job:com.x.api wrapper:/w/api]",
		"service:db [] warning [file:/env.sh job:com.x.db manifest:/m/db.yaml wrapper:/w/db]",
		// No chain holds the orphan wrapper, and a finding is about it: it
		// is a map node, with its chain (the shared env file's warning).
		"wrapper:/w/orphan [outside] warning [file:/env.sh]",
		"service:api -> service:db [requires]",
		// db's job names api's job: an edge between the services.
		"service:db -> service:api [other-job]",
	}
	if d := cmp.Diff(want, brief(m)); d != "" {
		t.Errorf("service map (-want +got):\n%s", d)
	}
	wantNotes := []string{
		"service map: 9 nodes folded into the map nodes whose chains hold them (2 jobs, 2 wrappers, 2 files, 1 directory, 1 manifest, 1 artifact); --detail draws every node",
		"left out 2 nodes that no service reaches and no finding is about (1 job, 1 file) and their 1 edge; --detail draws them",
		"1 finding is about no node on this map; driftmap check lists every finding",
	}
	if d := cmp.Diff(wantNotes, m.Notes); d != "" {
		t.Errorf("notes (-want +got):\n%s", d)
	}
	if len(m.Alerts) != 0 || m.GraphNodes != 15 || m.GraphEdges != 14 {
		t.Errorf("alerts %q, graph %d nodes %d edges", m.Alerts, m.GraphNodes, m.GraphEdges)
	}
	if d := cmp.Diff([]MapGroup{{ID: "outside", Label: "claimed by no service"}}, m.Groups); d != "" {
		t.Errorf("groups (-want +got):\n%s", d)
	}
	// api's findings: its chain's, most severe first.
	api := m.Nodes[1]
	var subjects []string
	for _, f := range api.Findings {
		subjects = append(subjects, f.Subject)
	}
	if d := cmp.Diff([]string{"artifact:/L/com.x.api.plist", "file:/bin/py", "file:/env.sh"}, subjects); d != "" {
		t.Errorf("api's findings (-want +got):\n%s", d)
	}
}

func TestMapOptions(t *testing.T) {
	g, fs := mapGraph(t, machine)
	for _, tc := range []struct {
		name string
		opts MapOptions
		want []string
	}{{
		// Every node its own map node, in the cluster of the one service
		// whose chain holds it, else of its kind.
		name: "detail",
		opts: MapOptions{Detail: true, Kinds: []graph.Kind{graph.Service, graph.Job, graph.Artifact, graph.Manifest}},
		want: []string{
			"artifact:/L/com.x.api.plist [service:api] error []",
			"job:com.x.api [service:api] none []",
			"job:com.x.db [service:db] none []",
			"job:com.x.old [kind:job] none []",
			"job:com.x.stray [kind:job] warning []",
			"manifest:/m/db.yaml [service:db] none []",
			"service:api [service:api] none []",
			"service:db [service:db] none []",
			"job:com.x.db -> job:com.x.api [other-job]",
			"manifest:/m/db.yaml -> service:db [describes]",
			"service:api -> job:com.x.api [runs-as]",
			"service:api -> service:db [requires]",
			"service:db -> job:com.x.db [runs-as]",
		},
	}, {
		// --collapse folds wrappers and files into the jobs; the orphan
		// wrapper, which no job holds, becomes a group.
		name: "detail collapse",
		opts: MapOptions{Detail: true, Collapse: []graph.Kind{graph.Wrapper, graph.File}, Kinds: []graph.Kind{graph.Job, graph.Wrapper, graph.File}},
		want: []string{
			"group:wrapper [kind:wrapper] warning [file:/env.sh wrapper:/w/orphan]",
			"job:com.x.api [kind:job] error [file:/bin/py file:/env.sh wrapper:/w/api]",
			"job:com.x.db [kind:job] warning [file:/env.sh wrapper:/w/db]",
			"job:com.x.old [kind:job] none [file:/old.sh]",
			"job:com.x.stray [kind:job] warning []",
			"job:com.x.db -> job:com.x.api [other-job]",
		},
	}, {
		// --kinds service: the requires edges only.
		name: "kinds service",
		opts: MapOptions{Kinds: []graph.Kind{graph.Service}},
		want: []string{"service:api [] none []", "service:db [] none []", "service:api -> service:db [requires]"},
	}, {
		// --collapse job on the service map: the unclaimed live job goes
		// into a group with the retired one.
		name: "service map collapse job",
		opts: MapOptions{Collapse: []graph.Kind{graph.Job}, Kinds: []graph.Kind{graph.Service, graph.Job}},
		want: []string{
			"group:job [outside] warning [job:com.x.old job:com.x.stray]",
			"service:api [] none [job:com.x.api]",
			"service:db [] none [job:com.x.db]",
			"service:api -> service:db [requires]",
			"service:db -> service:api [other-job]",
		},
	}, {
		// --focus: the neighbourhood of db's wrapper within 1 edge.
		name: "focus",
		opts: MapOptions{Detail: true, Focus: "wrapper:/w/db", Depth: 1},
		want: []string{
			"file:/env.sh [kind:file] warning []",
			"job:com.x.db [kind:job] none []",
			"wrapper:/w/db [kind:wrapper] none []",
			"job:com.x.db -> wrapper:/w/db [exec]",
			"wrapper:/w/db -> file:/env.sh [source]",
		},
	}, {
		// --highlight NODE: it and its dependents; edges between them.
		name: "highlight impact",
		opts: MapOptions{Detail: true, Kinds: []graph.Kind{graph.Service, graph.Job}, Highlight: []string{"job:com.x.api"}},
		want: []string{
			"job:com.x.api [service:api] none [] mark=2",
			"job:com.x.db [service:db] none [] mark=1",
			"job:com.x.old [kind:job] none []",
			"job:com.x.stray [kind:job] warning []",
			"service:api [service:api] none [] mark=1",
			"service:db [service:db] none [] mark=1",
			"job:com.x.db -> job:com.x.api [other-job] marked",
			"service:api -> job:com.x.api [runs-as] marked",
			"service:api -> service:db [requires] marked",
			"service:db -> job:com.x.db [runs-as] marked",
		},
	}, {
		// --highlight FROM,TO on the service map: the path's map nodes and
		// the map edges its graph edges make.
		name: "highlight path",
		opts: MapOptions{Kinds: []graph.Kind{graph.Service, graph.Job}, Highlight: []string{"service:db", "job:com.x.api"}},
		want: []string{
			"job:com.x.stray [outside] warning []",
			"service:api [] none [job:com.x.api] mark=2",
			"service:db [] none [job:com.x.db] mark=2",
			"service:api -> service:db [requires]",
			"service:db -> service:api [other-job] marked",
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := BuildMap(g, fs, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, brief(m)); d != "" {
				t.Errorf("(-want +got):\n%s\nnotes: %q", d, m.Notes)
			}
		})
	}
}
