package exporters

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/goccy/go-graphviz"

	"github.com/driftmap/driftmap/queries"
)

// svgLimit is the largest map SVG lays out: Graphviz's dot layout grows
// faster than linearly in the edges, and the WebAssembly build cannot be
// interrupted once it started, so a larger map is folded or cut before
// layout (queries.BuildMap), never sent to Graphviz. At this size, with
// the iteration bounds mapDOT sets for large maps, layout takes seconds
// (see BenchmarkSVGLimit).
var svgLimit = queries.MapLimit{Nodes: 300, Edges: 600}

// svgMu serialises layouts: go-graphviz runs one WebAssembly instance of
// Graphviz for the whole process.
var svgMu sync.Mutex

// FormatMap writes m as an SVG document: the DOT of FormatMap for DOT,
// laid out by Graphviz compiled to WebAssembly and embedded in
// github.com/goccy/go-graphviz, so no Graphviz needs to be installed.
// Each node is a <g class="node ..."> whose <title> is its node ID; see
// the DOT formatter for the rest.
func (svgFormatter) FormatMap(w io.Writer, m *queries.Map) error {
	out, err := SVG(m)
	if err != nil {
		return err
	}
	_, err = w.Write(out)
	return err
}

// MapLimit is what Graphviz lays out in seconds.
func (svgFormatter) MapLimit() queries.MapLimit { return svgLimit }

// SVG renders m as a standalone SVG document (with its XML declaration
// and DOCTYPE), laid out in process. The same map always gives the same
// bytes. m should be within SVGLimit (BuildMap with MapOptions.Limit set
// to it sees to that); a larger one takes long to lay out.
//
// Graphviz's dot cannot rank some graphs with clusters ("trouble in
// init_rank") and then draws nonsense; SVG then lays the map out again
// without clusters and says so in the legend.
func SVG(m *queries.Map) ([]byte, error) {
	out, err := layoutSVG(mapDOT(m, dotClusters))
	var le *layoutError
	if errors.As(err, &le) && len(m.Groups) > 0 {
		return layoutSVG(mapDOT(m, dotFlat))
	}
	return out, err
}

// InlineSVG is SVG without what precedes the <svg> element (the XML
// declaration, the DOCTYPE and Graphviz's comments), to embed in an HTML
// page.
func InlineSVG(m *queries.Map) ([]byte, error) {
	out, err := SVG(m)
	if err != nil {
		return nil, err
	}
	if i := bytes.Index(out, []byte("<svg")); i >= 0 {
		out = out[i:]
	}
	return out, nil
}

// SVGLimit is the largest map SVG and InlineSVG lay out quickly: pass it
// as queries.MapOptions.Limit.
func SVGLimit() queries.MapLimit { return svgLimit }

// layoutError is an error Graphviz reported while laying out a graph it
// could read.
type layoutError struct{ msg string }

func (e *layoutError) Error() string { return "svg: Graphviz layout: " + e.msg }

// canarySeq numbers the canaries of layoutSVG.
var canarySeq int

// layoutSVG lays out a DOT document with the embedded Graphviz.
//
// go-graphviz reports Graphviz's errors only through the last error
// message, which outlives the layout that caused it (the error level is
// never reset in the WebAssembly instance). So before each layout
// layoutSVG makes Graphviz report an error of its own, a syntax error
// naming a fresh canary; if the last message after layout still names
// it, the layout added no error.
func layoutSVG(doc []byte) (out []byte, err error) {
	svgMu.Lock()
	defer svgMu.Unlock()
	canarySeq++
	canary := fmt.Sprintf("driftmapcanary%d", canarySeq)
	if _, cerr := graphviz.ParseBytes([]byte(canary)); cerr == nil || !strings.Contains(cerr.Error(), canary) {
		return nil, fmt.Errorf("svg: Graphviz does not report errors as expected: %v", cerr)
	}
	ctx := context.Background()
	gv, err := graphviz.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("svg: starting Graphviz: %w", err)
	}
	g, err := graphviz.ParseBytes(doc)
	if err != nil {
		gv.Close()
		return nil, fmt.Errorf("svg: Graphviz cannot read the map's DOT: %w", err)
	}
	var b bytes.Buffer
	rerr := gv.Render(ctx, g, graphviz.SVG, &b)
	g.Close()
	last := gv.Close() // the last error message, whatever made it
	switch {
	case rerr != nil:
		return nil, &layoutError{rerr.Error()}
	case last != nil && !strings.Contains(last.Error(), canary):
		return nil, &layoutError{firstLine(last.Error())}
	}
	return b.Bytes(), nil
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return l
}
