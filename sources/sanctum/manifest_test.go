package sanctum

import (
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources/record"
)

// A manifest's ports are its top-level port, else the port of each
// provides entry that has one; bad port numbers are Problems naming
// their key, as at top level.
func TestManifestPorts(t *testing.T) {
	const file = "/s/a.yaml"
	port := func(p, line int, key string) graph.Port {
		return graph.Port{Port: p, Evidence: graph.Evidence{File: file, Line: line, Key: key, Token: strconv.Itoa(p)}}
	}
	problem := func(line int, key, msg string) record.Problem {
		return record.Problem{File: file, Line: line, Key: key, Message: key + msg}
	}
	tests := []struct {
		name  string
		src   string
		want  []graph.Port
		probs []record.Problem
	}{
		{"top level", "name: a\nport: 8765\n", []graph.Port{port(8765, 2, "port")}, nil},
		{"provides, flow", "name: a\nprovides: [{port: 8080, protocol: http}, {port: 8443}]\n",
			[]graph.Port{port(8080, 2, "provides[0].port"), port(8443, 2, "provides[1].port")}, nil},
		{"provides, block, entries without a port skipped",
			"name: a\nprovides:\n  - {port: 8080, protocol: http}\n  - {protocol: grpc}\n  - websocket\n  - port: 8443\n    protocol: https\n",
			[]graph.Port{port(8080, 3, "provides[0].port"), port(8443, 6, "provides[3].port")}, nil},
		{"top level wins, provides not read", "name: a\nport: 9000\nprovides: [{port: 8080}, {port: 70000}]\n",
			[]graph.Port{port(9000, 2, "port")}, nil},
		{"top level port 0 claims none, provides not read", "name: a\nport: 0\nprovides: [{port: 8080}]\n", nil, nil},
		{"top level null, provides read", "name: a\nport: null\nprovides: [{port: 8080}]\n",
			[]graph.Port{port(8080, 3, "provides[0].port")}, nil},
		{"provides port 0 claims none", "name: a\nprovides: [{port: 0}, {port: 8080}]\n",
			[]graph.Port{port(8080, 2, "provides[1].port")}, nil},
		{"provides port out of range", "name: a\nprovides:\n  - {port: 70000}\n  - {port: 9000}\n",
			[]graph.Port{port(9000, 4, "provides[1].port")},
			[]record.Problem{problem(3, "provides[0].port", " must be a port number from 1 to 65535, found 70000")}},
		{"provides port negative", "name: a\nprovides: [{port: -1}]\n", nil,
			[]record.Problem{problem(2, "provides[0].port", " must be a port number from 1 to 65535, found -1")}},
		{"provides port not a number", "name: a\nprovides:\n  - port: http\n", nil,
			[]record.Problem{problem(3, "provides[0].port", " must be an integer, found a string")}},
		{"provides not a list", "name: a\nprovides: {port: 8080}\n", nil, nil},
		{"provides through an alias", "name: a\nx: &p {port: 8080}\nprovides: [*p]\n",
			[]graph.Port{port(8080, 2, "provides[0].port")}, nil},
		{"neither", "name: a\n", nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, probs := ParseManifest([]byte(tc.src), file)
			if d := cmp.Diff(tc.want, m.Ports()); d != "" {
				t.Errorf("ports (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.probs, probs); d != "" {
				t.Errorf("problems (-want +got):\n%s", d)
			}
		})
	}
}
