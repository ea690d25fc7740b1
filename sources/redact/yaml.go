package redact

import "strings"

// YAMLLines returns the lines of a YAML file (split after each "\n"; a
// last line without a newline is a line too, and an empty file has
// none), each without its newline and with every value that may be a
// credential replaced by Placeholder:
//
//   - the value of a credential-like key (see Name): "api_key: <redacted>";
//   - everything nested under such a key, at any depth: the values of its
//     keys, its list items and the lines of a block scalar ("|" or ">"),
//     each keeping its indentation and key, so the shape still reads;
//   - in a flow mapping ({OPENAI_API_KEY: sk-..., PATH: /bin}) the value
//     of each credential-like key;
//   - in every line, what String redacts (a command line's --password=X,
//     a URL's user:pass@), comments included.
//
// The lines are judged one by one with the indentation of the keys above
// them, so a file that is not valid YAML (a manifest render cannot parse)
// is redacted as far as its lines can be read, and never makes it fail.
// Lines and their count correspond one to one with the input, which lets
// a diff of the original bytes show the redacted lines.
func YAMLLines(data []byte) []string {
	if len(data) == 0 {
		return nil
	}
	lines := strings.Split(string(data), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	y := yamlRedactor{}
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = y.line(l)
	}
	return out
}

// yamlFrame is a key whose value is a nested block below it.
type yamlFrame struct {
	indent int  // column of the key
	secret bool // the key, or one above it, is credential-like
}

type yamlRedactor struct {
	stack []yamlFrame
	// A block scalar ("key: |") runs while lines are blank or indented
	// deeper than blockIndent.
	inBlock     bool
	blockIndent int
	blockSecret bool
}

func (y *yamlRedactor) line(l string) string {
	body := strings.TrimRight(l, "\r")
	cr := l[len(body):]
	trimmed := strings.TrimLeft(body, " ")
	ind := len(body) - len(trimmed)
	if y.inBlock {
		if strings.TrimSpace(trimmed) == "" || ind > y.blockIndent {
			if y.blockSecret && strings.TrimSpace(trimmed) != "" {
				return body[:ind] + Placeholder + cr
			}
			return String(l)
		}
		y.inBlock = false
	}
	switch {
	case strings.TrimSpace(trimmed) == "":
		return l
	case strings.HasPrefix(trimmed, "#"):
		return body[:ind] + "#" + y.comment(trimmed[1:]) + cr
	case trimmed == "---" || strings.HasPrefix(trimmed, "--- ") || trimmed == "...":
		y.stack = y.stack[:0]
		return String(l)
	}
	// Leave the keys this line is not nested in. A sequence may sit at
	// the same column as the key that holds it ("key:\n- item").
	item := trimmed == "-" || strings.HasPrefix(trimmed, "- ")
	for len(y.stack) > 0 {
		top := y.stack[len(y.stack)-1]
		if top.indent < ind || top.indent == ind && item {
			break
		}
		y.stack = y.stack[:len(y.stack)-1]
	}
	secret := len(y.stack) > 0 && y.stack[len(y.stack)-1].secret

	// Step over sequence markers: "- - key: value".
	col := ind
	content := trimmed
	for content == "-" || strings.HasPrefix(content, "- ") {
		rest := strings.TrimLeft(strings.TrimPrefix(content, "-"), " ")
		col += len(content) - len(rest)
		content = rest
	}
	prefix := body[:col]
	key, valueAt, ok := splitKey(content)
	if !ok {
		// A scalar or flow item of a list.
		switch {
		case content == "":
			return String(l)
		case isBlockHeader(content):
			y.inBlock, y.blockIndent, y.blockSecret = true, ind, secret
			return String(l)
		case secret:
			return prefix + Placeholder + cr
		}
		return String(prefix+redactFlow(content, false)) + cr
	}
	secret = secret || Name(key)
	value := strings.TrimSpace(content[valueAt:])
	head := prefix + content[:valueAt+spaces(content[valueAt:])]
	switch {
	case value == "" || strings.HasPrefix(value, "#"):
		y.stack = append(y.stack, yamlFrame{indent: col, secret: secret})
		if value != "" {
			return head + "#" + y.comment(strings.TrimLeft(content[valueAt:], " \t")[1:]) + cr
		}
		return l
	case isBlockHeader(value):
		y.inBlock, y.blockIndent, y.blockSecret = true, col, secret
		return prefix + content[:valueAt] + String(content[valueAt:]) + cr
	case secret:
		return head + Placeholder + cr
	}
	return String(prefix+content[:valueAt]+redactFlow(content[valueAt:], false)) + cr
}

// comment redacts the text of a comment: a commented-out "key: value"
// line is judged as a line, and String applies to the rest.
func (y *yamlRedactor) comment(text string) string {
	t := strings.TrimLeft(text, " ")
	if key, at, ok := splitKey(t); ok && Name(key) && strings.TrimSpace(t[at:]) != "" {
		return text[:len(text)-len(t)] + t[:at+spaces(t[at:])] + Placeholder
	}
	return String(text)
}

// spaces returns the number of blanks s starts with.
func spaces(s string) int { return len(s) - len(strings.TrimLeft(s, " \t")) }

// isBlockHeader reports whether a value starts a block scalar: "|", ">",
// with chomping and indentation indicators ("|-", ">+2"), an optional
// anchor or tag before it and a comment after it.
func isBlockHeader(v string) bool {
	f := strings.Fields(v)
	for len(f) > 0 && (strings.HasPrefix(f[0], "&") || strings.HasPrefix(f[0], "!")) {
		f = f[1:]
	}
	if len(f) == 0 || f[0] == "" || f[0][0] != '|' && f[0][0] != '>' {
		return false
	}
	return strings.Trim(f[0][1:], "+-0123456789") == "" && (len(f) == 1 || strings.HasPrefix(f[1], "#"))
}

// splitKey splits "key: value" (or "key:" at the end of the line) into
// the key, unquoted, and the offset of the value after the colon. A key
// may be plain or quoted with ' or ". ok is false for anything else: a
// scalar, a flow collection, "http://x" (no space after the colon).
func splitKey(s string) (key string, valueAt int, ok bool) {
	if s == "" {
		return "", 0, false
	}
	end := -1
	switch s[0] {
	case '"', '\'':
		q := s[0]
		i := 1
		for i < len(s) && s[i] != q {
			if q == '"' && s[i] == '\\' {
				i++
			}
			i++
		}
		if i >= len(s) {
			return "", 0, false
		}
		key, end = s[1:i], i+1
		if end >= len(s) || s[end] != ':' {
			return "", 0, false
		}
	case '{', '[', '#', '&', '*', '!', '|', '>', '%', '@', '`', '?':
		return "", 0, false
	default:
		for i := 0; i < len(s); i++ {
			if s[i] == ':' && (i+1 == len(s) || s[i+1] == ' ' || s[i+1] == '\t') {
				end = i
				break
			}
			if s[i] == ' ' && i+1 < len(s) && s[i+1] == '#' {
				return "", 0, false // a comment before any colon
			}
		}
		if end <= 0 {
			return "", 0, false
		}
		key = strings.TrimRight(s[:end], " ")
	}
	return key, end + 1, true
}

// redactFlow redacts, in a value written in flow style ({k: v, ...} or
// [a, b]), the value of every credential-like key, including nested
// ones; secret redacts every scalar. A value that is not a flow
// collection is returned as it is.
func redactFlow(v string, secret bool) string {
	t := strings.TrimLeft(v, " ")
	if t == "" || t[0] != '{' && t[0] != '[' {
		return v
	}
	var b strings.Builder
	b.WriteString(v[:len(v)-len(t)])
	p := flowParser{s: t, b: &b}
	p.collection(secret, 0)
	// Text after the collection is not YAML; its entries are judged all
	// the same.
	for p.i < len(p.s) {
		if c := p.s[p.i]; c == ',' || c == ']' || c == '}' || c == ' ' || c == '#' {
			if c == '#' {
				b.WriteString(p.s[p.i:])
				break
			}
			b.WriteByte(c)
			p.i++
			continue
		}
		at := p.i
		p.entry(secret, 0)
		if p.i == at {
			b.WriteByte(p.s[p.i])
			p.i++
		}
	}
	return b.String()
}

// flowParser redacts a flow collection as it copies it to b.
type flowParser struct {
	s string
	i int
	b *strings.Builder
}

// maxFlowDepth bounds the nesting redactFlow follows; deeper text is
// redacted whole when its parent is secret and copied otherwise.
const maxFlowDepth = 64

// collection copies a flow collection starting at p.s[p.i] ('{' or '[').
func (p *flowParser) collection(secret bool, depth int) {
	closer := byte('}')
	if p.s[p.i] == '[' {
		closer = ']'
	}
	p.b.WriteByte(p.s[p.i])
	p.i++
	for p.i < len(p.s) {
		p.space()
		if p.i >= len(p.s) {
			return
		}
		switch c := p.s[p.i]; {
		case c == closer:
			p.b.WriteByte(c)
			p.i++
			return
		case c == ',':
			p.b.WriteByte(c)
			p.i++
			continue
		}
		at := p.i
		p.entry(secret, depth)
		if p.i == at { // a stray closer: copy it, or hide it under a secret key
			if secret {
				p.b.WriteString(Placeholder)
				p.i = len(p.s)
				return
			}
			p.b.WriteByte(p.s[p.i])
			p.i++
		}
	}
}

// entry copies one entry of a collection: "key: value" or a value.
func (p *flowParser) entry(secret bool, depth int) {
	start := p.i
	p.scalar() // a key, or a value
	if p.i < len(p.s) && p.s[p.i] == ':' {
		key := strings.Trim(strings.TrimSpace(p.s[start:p.i]), `"'`)
		p.b.WriteString(p.s[start : p.i+1])
		p.i++
		p.space()
		p.value(secret || Name(key), depth)
		return
	}
	p.i = start
	p.value(secret, depth)
}

// value copies a scalar or a nested collection, redacting it when
// secret.
func (p *flowParser) value(secret bool, depth int) {
	if p.i < len(p.s) && (p.s[p.i] == '{' || p.s[p.i] == '[') {
		if depth >= maxFlowDepth {
			if secret {
				p.b.WriteString(Placeholder)
				p.i = len(p.s)
			}
			return
		}
		p.collection(secret, depth+1)
		return
	}
	start := p.i
	p.scalar()
	text := p.s[start:p.i]
	if secret && strings.TrimSpace(text) != "" {
		trimmed := strings.TrimRight(text, " ")
		p.b.WriteString(Placeholder + text[len(trimmed):])
		return
	}
	p.b.WriteString(text)
}

// scalar moves past a quoted or plain scalar: up to the next ',', '}',
// ']' or a ':' followed by a space or an end, outside quotes.
func (p *flowParser) scalar() {
	if p.i < len(p.s) && (p.s[p.i] == '"' || p.s[p.i] == '\'') {
		q := p.s[p.i]
		p.i++
		for p.i < len(p.s) && p.s[p.i] != q {
			if q == '"' && p.s[p.i] == '\\' {
				p.i++
			}
			p.i++
		}
		p.i = min(p.i+1, len(p.s))
		return
	}
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c == ',' || c == '}' || c == ']' || c == '{' || c == '[' {
			return
		}
		if c == ':' && (p.i+1 == len(p.s) || strings.IndexByte(" ,}]", p.s[p.i+1]) >= 0) {
			return
		}
		p.i++
	}
}

func (p *flowParser) space() {
	for p.i < len(p.s) && p.s[p.i] == ' ' {
		p.b.WriteByte(' ')
		p.i++
	}
}
