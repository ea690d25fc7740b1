package exporters

// This file is the boundary between what driftmap read and what it
// prints. Every value a formatter writes passes through scrub, the one
// redaction step, and then through the escaping of its format:
//
//   - text (check, impact, why, render): text, which also escapes
//     control characters, so a Label or file name holding a newline or
//     an ESC sequence prints on one line and cannot drive the terminal;
//   - JSON: writeJSON runs scrubJSON over the encoded document, which
//     rewrites every string literal that scrub changes (encoding/json
//     escapes control characters itself);
//   - DOT: dotString quotes a scrubbed value with strconv.Quote, which
//     escapes every control and non-printable character; dotHTML writes
//     a value into an HTML-like label (the map's legend) as escaped text;
//   - HTML: htmlText is text with the HTML metacharacters escaped, for
//     element content and quoted attribute values alike; scriptJSON
//     encodes data for a <script> element, every string scrubbed, with
//     '<', '>', '&', U+2028 and U+2029 as \u escapes, so no value can
//     close the element. The one markup the page embeds as markup, the
//     service map, passes through embedSVG (html_svg.go).
//   - SVG: Graphviz lays out the DOT above, so every value in it passed
//     dotString or dotHTML;
//   - Mermaid: mermaidID turns a node ID into an identifier of letters,
//     digits and escapes, and mermaidText writes a label or comment with
//     every character that is not plainly safe as an entity code.
//
// The sources already leave credential values out of records (package
// sources/redact); scrub catches what they let through, such as a
// launchd Program string holding a whole command line.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources/redact"
)

// scrub is the one redaction step: s with every credential-like part
// replaced by <redacted> (see redact.String).
func scrub(s string) string { return redact.String(s) }

// text returns s as text output prints it: scrubbed, with control
// characters escaped.
func text(s string) string { return escapeControl(scrub(s)) }

// Text returns s as driftmap prints a value in a line of text: scrubbed,
// with control characters escaped. The command line passes its notes,
// errors and hints through it, since they may quote names read from the
// audited tree.
func Text(s string) string { return text(s) }

// scrubEvidence is e with each part scrubbed. Evidence is scrubbed part
// by part before it is written as one string (Evidence.String quotes the
// token, which could hide a secret's context from scrub).
func scrubEvidence(e graph.Evidence) graph.Evidence {
	e.File, e.Key, e.Token = scrub(e.File), scrub(e.Key), scrub(e.Token)
	return e
}

// evidenceText is e as text output prints it: file:line key "token",
// each part scrubbed, control characters escaped.
func evidenceText(e graph.Evidence) string { return escapeControl(scrubEvidence(e).String()) }

// textLines applies text to each line of s, keeping its newlines.
func textLines(s string) string {
	if s == "" {
		return ""
	}
	lines := strings.SplitAfter(s, "\n")
	for i, l := range lines {
		body, nl := strings.CutSuffix(l, "\n")
		lines[i] = text(body)
		if nl {
			lines[i] += "\n"
		}
	}
	return strings.Join(lines, "")
}

// escapeControl writes every character that could end a line, move the
// cursor or change how a terminal shows what follows as an escape:
// \n, \r, \t, \xNN for the other C0 controls, DEL and bytes that are not
// UTF-8, \u00NN for the C1 controls (U+0080-U+009F: U+009B starts an
// escape sequence on some terminals), and \uNNNN for the Unicode line
// separators and the bidirectional controls that reorder text as shown.
// A backslash already in s is left as it is.
func escapeControl(s string) string {
	i := 0
	for i < len(s) && s[i] >= 0x20 && s[i] < 0x7f {
		i++
	}
	if i == len(s) {
		return s // plain ASCII
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// unsafeRune reports whether r, printed raw, can act on a terminal or
// change how the text around it reads: the C1 controls, the line and
// paragraph separators, and the bidirectional formatting characters.
func unsafeRune(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f, r == 0x2028, r == 0x2029:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// scrubJSON returns the JSON document doc, as encoding/json wrote it,
// with every string literal (member names included) scrubbed, and the
// characters unsafeRune reports written as \u escapes, which encoding/json
// leaves raw. Nothing else changes: member order, indentation and every
// literal that needs no change stay byte for byte.
func scrubJSON(doc []byte) ([]byte, error) {
	var out []byte // nil until a literal changes
	last := 0
	for i := 0; i < len(doc); i++ {
		if doc[i] != '"' {
			continue
		}
		j, escaped := i+1, false
		for j < len(doc) && doc[j] != '"' {
			if doc[j] == '\\' {
				j++
				escaped = true
			}
			j++
		}
		if j >= len(doc) {
			return nil, fmt.Errorf("exporters: unterminated JSON string")
		}
		lit := doc[i : j+1]
		if !maybeUnsafeJSON(lit) {
			i = j
			continue
		}
		var s string
		if escaped {
			if err := json.Unmarshal(lit, &s); err != nil {
				return nil, err
			}
		} else {
			s = string(lit[1 : len(lit)-1])
		}
		if r := scrub(s); r != s || hasUnsafeRune(r) {
			enc, err := jsonString(r)
			if err != nil {
				return nil, err
			}
			out = append(append(out, doc[last:i]...), enc...)
			last = j + 1
		}
		i = j
	}
	if out == nil {
		return doc, nil
	}
	return append(out, doc[last:]...), nil
}

// maybeUnsafeJSON is a quick test that a JSON string literal needs no
// change when it is false: scrub changes only a string holding '=', '@',
// '-' or ':' (see redact.String), an escape may stand for any character,
// and unsafeRune's characters are outside ASCII.
func maybeUnsafeJSON(lit []byte) bool {
	for _, c := range lit {
		if c == '=' || c == '@' || c == '-' || c == ':' || c == '\\' || c >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

// jsonString encodes s as a JSON string without HTML escaping, with the
// characters unsafeRune reports as \u escapes.
func jsonString(s string) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	lit := bytes.TrimSuffix(b.Bytes(), []byte("\n"))
	if !hasUnsafeRune(string(lit)) {
		return lit, nil
	}
	var out []byte
	for _, r := range string(lit) {
		if unsafeRune(r) {
			out = fmt.Appendf(out, `\u%04x`, r)
			continue
		}
		out = utf8.AppendRune(out, r)
	}
	return out, nil
}

func hasUnsafeRune(s string) bool { return strings.IndexFunc(s, unsafeRune) >= 0 }

// htmlText is s as the html format prints it in an element or a quoted
// attribute value: text(s) (scrubbed, control characters escaped) with
// &, <, >, ' and " escaped as character references.
func htmlText(s string) string { return html.EscapeString(text(s)) }

// htmlEvidence is e as evidenceText writes it, with the HTML
// metacharacters escaped.
func htmlEvidence(e graph.Evidence) string { return html.EscapeString(evidenceText(e)) }

// scriptJSON encodes v as compact JSON to be placed inside a <script>
// element: every string literal scrubbed (scrubJSON), then every '<',
// '>' and '&' written as \u003c, \u003e and \u0026 and U+2028 and
// U+2029 as \u2028 and \u2029. In a JSON document these characters
// occur only inside string literals, where the escape means the same
// character, so the data is unchanged; and without a '<' the element's
// text can hold neither "</script" nor "<!--".
func scriptJSON(v any) ([]byte, error) {
	doc, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	if doc, err = scrubJSON(doc); err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(doc))
	for i := 0; i < len(doc); i++ {
		switch c := doc[i]; {
		case c == '<':
			out = append(out, `\u003c`...)
		case c == '>':
			out = append(out, `\u003e`...)
		case c == '&':
			out = append(out, `\u0026`...)
		case c == 0xe2 && i+2 < len(doc) && doc[i+1] == 0x80 && (doc[i+2] == 0xa8 || doc[i+2] == 0xa9):
			out = fmt.Appendf(out, `\u%04x`, 0x2028+int(doc[i+2]-0xa8))
			i += 2
		default:
			out = append(out, c)
		}
	}
	return out, nil
}

// dotString is a DOT attribute value or node name: s scrubbed and
// quoted. strconv.Quote escapes every control and non-printable
// character (\n, \x1b, \u202e), so a value cannot end the statement,
// and Graphviz shows the escape as text.
func dotString(s string) string { return strconv.Quote(scrub(s)) }

// dotHTML is s as text inside a Graphviz HTML-like label (the map's
// legend): scrubbed, control characters escaped, and &, <, >, ' and "
// written as entities, so a value cannot close or add markup.
func dotHTML(s string) string { return html.EscapeString(text(s)) }

// mermaidID is a node ID as a Mermaid identifier: the scrubbed ID with
// every byte other than an ASCII letter or digit written as _XX (its hex
// value, '_' included), so that different IDs stay different and none is
// a Mermaid keyword (each holds the _3a of its kind's colon).
func mermaidID(id string) string {
	s := scrub(id)
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "_%02x", c)
	}
	return b.String()
}

// mermaidText is s as text inside a quoted Mermaid label: scrubbed,
// control characters escaped, and every character but ASCII letters,
// digits, space and . , : / _ - ( ) @ + = ~ written as an entity code
// (#34; for "), so a value can neither end the label nor add markup.
func mermaidText(s string) string {
	var b strings.Builder
	for _, r := range text(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', strings.ContainsRune(" .,:/_-()@+=~", r):
			b.WriteRune(r)
		default:
			fmt.Fprintf(&b, "#%d;", r)
		}
	}
	return b.String()
}
