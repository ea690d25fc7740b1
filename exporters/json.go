package exporters

import (
	"bytes"
	"encoding/json"
	"io"

	"github.com/driftmap/driftmap/graph"
)

// Schemas name the shape and version of each JSON document.
const (
	CheckSchema  = "driftmap/check/v1"
	GraphSchema  = "driftmap/graph/v1"
	ImpactSchema = "driftmap/impact/v1"
	WhySchema    = "driftmap/why/v1"
)

// evidenceJSON is one piece of evidence with every member always present,
// so consumers can rely on "line" being a number (0 when unknown) and
// "key" and "token" being strings.
type evidenceJSON struct {
	File  string `json:"file"`
	Line  int    `json:"line"`
	Key   string `json:"key"`
	Token string `json:"token"`
	// Optional is true for a reference its source allows to be absent.
	Optional bool `json:"optional,omitempty"`
}

// edgeJSON is an edge whose evidence is always an array.
type edgeJSON struct {
	From     string         `json:"from"`
	To       string         `json:"to"`
	Kind     graph.EdgeKind `json:"kind"`
	Evidence []evidenceJSON `json:"evidence"`
}

func toEvidenceJSON(ev []graph.Evidence) []evidenceJSON {
	out := make([]evidenceJSON, 0, len(ev))
	for _, e := range ev {
		out = append(out, evidenceJSON(e))
	}
	return out
}

func toEdgeJSON(e graph.Edge) edgeJSON {
	return edgeJSON{From: e.From, To: e.To, Kind: e.Kind, Evidence: toEvidenceJSON(e.Evidence)}
}

func toEdgesJSON(es []graph.Edge) []edgeJSON {
	out := make([]edgeJSON, 0, len(es))
	for _, e := range es {
		out = append(out, toEdgeJSON(e))
	}
	return out
}

// writeJSON encodes v indented by two spaces, with a trailing newline and
// without HTML escaping (so "->" and "<" stay readable), scrubs every
// string in it (see scrubJSON), and writes it to w in one call.
func writeJSON(w io.Writer, v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	doc, err := scrubJSON(b.Bytes())
	if err != nil {
		return err
	}
	_, err = w.Write(doc)
	return err
}
