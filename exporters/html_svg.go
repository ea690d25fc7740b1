package exporters

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"io"
	"strings"
)

// The service map is the one piece of markup the html format embeds as
// markup. It is SVG that driftmap's own graph format rendered (Graphviz
// output), but it holds names read from the audited tree, so embedSVG
// does not copy it: it parses it as XML and writes it anew, keeping only
// the drawing elements and presentation attributes Graphviz uses, each
// attribute value escaped again and each piece of text written by
// htmlText (scrubbed, control characters escaped, HTML-escaped).
// Whatever the bytes say, the result is one <svg> element that draws and
// does nothing else: no script, no event handler, no link, no foreign
// content, no reference to anything outside the page (a url() other
// than a fragment #id drops the attribute), and no closing tag that
// could end an element of the page around it.

// svgElements are the elements embedSVG keeps. An element not listed is
// dropped with everything inside it, except <a>, whose children are kept
// (Graphviz wraps a node or edge in <a> for its tooltip; the tooltip is
// kept as the <a>'s xlink:title, its link never).
var svgElements = map[string]bool{
	"svg": true, "g": true, "title": true, "desc": true, "a": true,
	"path": true, "polygon": true, "polyline": true, "ellipse": true,
	"circle": true, "rect": true, "line": true, "text": true, "tspan": true,
	"defs": true, "linearGradient": true, "radialGradient": true, "stop": true,
}

// svgAttributes are the attributes (without a namespace) embedSVG keeps.
var svgAttributes = map[string]bool{
	"id": true, "class": true, "width": true, "height": true, "viewBox": true,
	"preserveAspectRatio": true, "transform": true,
	"x": true, "y": true, "x1": true, "y1": true, "x2": true, "y2": true,
	"cx": true, "cy": true, "r": true, "rx": true, "ry": true, "fx": true, "fy": true,
	"points": true, "d": true, "offset": true,
	"fill": true, "fill-opacity": true, "stroke": true, "stroke-width": true,
	"stroke-opacity": true, "stroke-dasharray": true, "stroke-linecap": true,
	"stroke-linejoin": true, "opacity": true, "stop-color": true, "stop-opacity": true,
	"style": true, "gradientUnits": true, "gradientTransform": true,
	"font-family": true, "font-size": true, "font-weight": true, "font-style": true,
	"text-anchor": true, "text-decoration": true, "baseline-shift": true,
}

const (
	svgNS   = "http://www.w3.org/2000/svg"
	xlinkNS = "http://www.w3.org/1999/xlink"
)

// errNoSVG is embedSVG's error for input whose root element is not <svg>.
var errNoSVG = errors.New("the map is not an SVG document")

// embedSVG returns the SVG document doc rewritten for embedding in an
// HTML page (see above): the XML declaration, doctype, comments and
// processing instructions dropped, everything after the root element
// dropped. It fails when doc is not well-formed XML or its root is not
// <svg>.
func embedSVG(doc []byte) ([]byte, error) {
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var out bytes.Buffer
	// open: per open element, whether it was written; skip counts the
	// dropped elements we are inside.
	var open []bool
	skip, started, pending := 0, false, false // pending: "<name attrs" written, '>' not yet
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("the map is not well-formed SVG: %w", err)
		}
		if _, isEnd := tok.(xml.EndElement); pending && !isEnd {
			out.WriteByte('>')
			pending = false
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if !started && (t.Name.Local != "svg" || !svgSpace(t.Name.Space)) {
				return nil, errNoSVG
			}
			started = true
			keep := skip == 0 && svgSpace(t.Name.Space) && svgElements[t.Name.Local]
			if !keep {
				skip++
			} else {
				writeSVGStart(&out, t)
				pending = true
			}
			open = append(open, keep)
		case xml.EndElement:
			kept := open[len(open)-1]
			open = open[:len(open)-1]
			switch {
			case !kept:
				skip--
			case pending:
				out.WriteString("/>")
				pending = false
			default:
				out.WriteString("</" + t.Name.Local + ">")
			}
			if len(open) == 0 {
				return out.Bytes(), nil // the root is closed: ignore the rest
			}
		case xml.CharData:
			if skip == 0 && len(open) > 0 {
				out.WriteString(svgText(string(t)))
			}
		}
	}
	if !started {
		return nil, errNoSVG
	}
	return nil, errors.New("the map is not well-formed SVG: unexpected end")
}

// svgText is a piece of the map's text as the page shows it: white
// space between elements as it is, other text as htmlText writes it, so
// that a node's <title> reads as its ID does in the table and the data.
func svgText(s string) string {
	if strings.TrimSpace(s) == "" {
		return s
	}
	return htmlText(s)
}

// svgSpace reports whether an element in XML namespace space is an SVG
// element: the SVG namespace, or none declared.
func svgSpace(space string) bool { return space == "" || space == svgNS }

// writeSVGStart writes "<name attrs" for t, keeping the attributes
// svgAttributes lists and an xlink:title whose values safeSVGValue
// accepts, each value with its control characters and HTML escaped (and
// scrubbed, for the names and the tooltip); xlink:href and every event
// handler are dropped (they are not listed).
func writeSVGStart(out *bytes.Buffer, t xml.StartElement) {
	out.WriteString("<" + t.Name.Local)
	for _, a := range t.Attr {
		name := a.Name.Local
		switch {
		case a.Name.Space == "" && svgAttributes[name]:
		case (a.Name.Space == xlinkNS || a.Name.Space == "xlink") && name == "title":
			name = "xlink:title"
		default:
			continue
		}
		if !safeSVGValue(name, a.Value) {
			continue
		}
		v := html.EscapeString(escapeControl(a.Value))
		if name == "id" || name == "class" || name == "xlink:title" {
			v = htmlText(a.Value) // names and tooltips: text read from the tree
		}
		out.WriteString(" " + name + `="` + v + `"`)
	}
}

// safeSVGValue reports whether attribute name may keep value v. Names
// (id, class) and the tooltip are text; every other attribute is parsed
// as CSS by the browser, so it may not hold a backslash (a CSS escape
// could spell url) or a url( that leaves the page, and a style attribute
// may only set presentation properties to plain values (Graphviz writes
// style="stop-color:#fff;stop-opacity:1.;" in gradients).
func safeSVGValue(name, v string) bool {
	switch name {
	case "id", "class", "xlink:title":
		return true
	case "style":
		for _, decl := range strings.Split(v, ";") {
			prop, val, ok := strings.Cut(decl, ":")
			if strings.TrimSpace(decl) == "" {
				continue
			}
			if !ok || !svgAttributes[strings.TrimSpace(prop)] || strings.ContainsFunc(val, func(r rune) bool {
				return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("#.,% -", r))
			}) {
				return false
			}
		}
		return true
	}
	return !strings.Contains(v, `\`) && !externalURL(v)
}

// externalURL reports whether v holds a url( that does not name a
// fragment of the page (Graphviz writes url(#l_0) for gradient fills).
func externalURL(v string) bool {
	v = strings.ToLower(v)
	for {
		i := strings.Index(v, "url(")
		if i < 0 {
			return false
		}
		v = strings.TrimLeft(v[i+4:], " \t\n\r\f'\"")
		if !strings.HasPrefix(v, "#") {
			return true
		}
	}
}
