package artifact

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/driftmap/driftmap/sources/launchd"
	"github.com/driftmap/driftmap/sources/record"
	"github.com/driftmap/driftmap/sources/redact"
	"github.com/driftmap/driftmap/sources/rootfs"
	"github.com/driftmap/driftmap/sources/sanctum"
)

// instanceValues is instance.yaml as values, for template placeholders.
type instanceValues struct {
	file    string // inside-root path
	value   any    // nil when unusable
	reason  string // why value is unusable, or ""
	secrets []string
}

// instance loads ~/.sanctum/instance.yaml once per Check call.
func (c *checker) instance() *instanceValues {
	if c.inst != nil {
		return c.inst
	}
	e, _ := rootfs.Expand(c.instancePath, c.home)
	t := &instanceValues{file: rootfs.Clean(e)}
	c.inst = t
	data, err := c.fsys.ReadFile(t.file, rootfs.MaxFleet)
	switch {
	case rootfs.IsNotExist(err):
		t.reason = t.file + " does not exist"
		return t
	case err != nil:
		t.reason = t.file + " cannot be read: " + rootfs.Reason(err)
		return t
	}
	v, err := yamlValue(data)
	if err != nil {
		t.reason = t.file + " is not valid YAML (" + err.Error() + ")"
		return t
	}
	t.value = v
	t.secrets = secretStrings(v, walkLimit(len(data)))
	return t
}

// placeholderRE matches a template placeholder; the name may be padded
// with spaces.
var placeholderRE = regexp.MustCompile(`\{\{([^{}]*)\}\}`)

// rendered is a template rendered and decoded.
type rendered struct {
	value     any
	text      []byte     // the rendered template, sentinels in place
	prefix    string     // every sentinel's token is prefix + its index in sentinels + "."
	sentinels []sentinel // uncompared placeholders, in first-use order
	secrets   []string   // values substituted from credential-like paths
	unmapped  []Unmapped // unmapped UPPER_CASE placeholders, first use of each
}

// Unmapped is an UPPER_CASE template placeholder that driftmap.yaml's
// placeholders: does not map and whose name is not credential-like: its
// value cannot be compared.
type Unmapped struct {
	Name string // GATEWAY_PORT
	File string // the template
	Line int    // its first use in the template
}

// sentinel stands for an uncompared placeholder in a rendered template:
// a credential-like one (a Keychain secret) or an unmapped one.
type sentinel struct {
	token string // unique text put in place of the placeholder
	name  string // the placeholder, e.g. OPENAI_API_KEY
	line  int    // the template line of its first use
	orig  string // its first use as written ("{{ OPENAI_API_KEY }}")
}

// placeholder is one {{...}} found in a template.
type placeholder struct {
	start, end int // byte offsets of the whole placeholder
	line       int
	name       string // trimmed name
	keychain   bool   // not compared: credential-like or unmapped
	value      string // replacement text, unescaped; for compared ones
	err        string // why it cannot be resolved, or ""
}

// renderTemplate renders and decodes one template (see
// Check). Every placeholder that cannot be resolved is a record.Problem
// with file and line, as is a template that is not a plist once
// rendered; the value is nil whenever there are problems.
func (c *checker) renderTemplate(text []byte, file string) (rendered, []record.Problem) {
	return c.render(text, file, false)
}

// render is renderTemplate; with perUse set, every use of an uncompared
// placeholder gets a sentinel of its own (see Regenerate), rather than
// one per name.
func (c *checker) render(text []byte, file string, perUse bool) (rendered, []record.Problem) {
	inst := c.instance()
	var rt rendered
	var probs []record.Problem
	var phs []placeholder
	seen := map[string]bool{} // unmapped names already recorded
	line, lineStart := 1, 0
	for _, m := range placeholderRE.FindAllSubmatchIndex(text, -1) {
		line += bytes.Count(text[lineStart:m[0]], []byte("\n"))
		lineStart = m[0]
		ph := placeholder{start: m[0], end: m[1], line: line, name: strings.TrimSpace(string(text[m[2]:m[3]]))}
		ok, why, mapped := true, "", ""
		switch {
		case ph.name == "HOME":
			ph.value = c.home
		case sanctum.UpperPlaceholder.MatchString(ph.name) && redact.Name(ph.name):
			ph.keychain = true // a credential: never compared, never reported
		case sanctum.UpperPlaceholder.MatchString(ph.name):
			mp, found := c.placeholders[ph.name]
			if !found {
				ph.keychain = true
				if !seen[ph.name] {
					seen[ph.name] = true
					rt.unmapped = append(rt.unmapped, Unmapped{Name: ph.name, File: file, Line: ph.line})
				}
				break
			}
			mapped = fmt.Sprintf(" (mapped to %s in %s)", mp.Path, mp.Evidence.Location())
			ph.value, ok, why = lookupInto(&rt, inst, mp.Path)
		case sanctum.DottedPlaceholder.MatchString(ph.name):
			ph.value, ok, why = lookupInto(&rt, inst, ph.name)
		default:
			ok, why = false, "it is neither HOME, an UPPER_CASE name nor a dotted path"
		}
		if !ok {
			msg := fmt.Sprintf("placeholder {{%s}}%s cannot be resolved from instance.yaml", shorten(ph.name), mapped)
			if why != "" {
				msg += ": " + why
			}
			probs = append(probs, record.Problem{File: file, Line: ph.line, Message: msg})
		}
		phs = append(phs, ph)
	}
	if len(probs) > 0 {
		return rt, probs
	}
	// Pick a sentinel prefix found neither in the text nor in any value.
	prefix := ""
	for salt := 0; ; salt++ {
		prefix = fmt.Sprintf("driftmap-keychain-%d-", salt)
		clash := bytes.Contains(text, []byte(prefix))
		for _, ph := range phs {
			clash = clash || strings.Contains(ph.value, prefix)
		}
		if !clash {
			break
		}
	}
	rt.prefix = prefix
	tokens := map[string]string{}
	var b bytes.Buffer
	at := 0
	for _, ph := range phs {
		b.Write(text[at:ph.start])
		at = ph.end
		if !ph.keychain {
			xmlEscape(&b, ph.value)
			continue
		}
		key := ph.name
		if perUse {
			key = strconv.Itoa(ph.start)
		}
		tok, ok := tokens[key]
		if !ok {
			// The trailing "." keeps one token from being a prefix of
			// another ("-1." and "-10.").
			tok = prefix + strconv.Itoa(len(rt.sentinels)) + "."
			tokens[key] = tok
			rt.sentinels = append(rt.sentinels, sentinel{token: tok, name: ph.name, line: ph.line, orig: string(text[ph.start:ph.end])})
		}
		b.WriteString(tok)
	}
	b.Write(text[at:])
	rendered := b.Bytes()
	rt.text = rendered
	root, _, err := launchd.Decode(rendered)
	if err != nil {
		line, msg := plistError(rendered)
		return rt, []record.Problem{{File: file, Line: line, Message: "the rendered template is " + msg}}
	}
	v, err := plistValue(root, 0)
	if err != nil {
		return rt, []record.Problem{{File: file, Message: "the rendered template cannot be compared: " + err.Error()}}
	}
	rt.value = v
	return rt, nil
}

// lookupInto resolves a dotted path for rt, recording a credential-like
// value as a secret.
func lookupInto(rt *rendered, inst *instanceValues, dotted string) (value string, ok bool, why string) {
	value, secret, ok, why := inst.lookup(dotted)
	if ok && secret {
		rt.secrets = append(rt.secrets, value)
	}
	return value, ok, why
}

// xmlEscape writes s as XML character data.
func xmlEscape(b *bytes.Buffer, s string) {
	_ = xml.EscapeText(b, []byte(s)) // writes to a bytes.Buffer never fail
}

// lookup resolves a dotted path in instance.yaml to the text of a scalar
// (integers in decimal, booleans as true and false). secret reports
// whether a key on the path is credential-like. When ok is false, why
// says what is wrong beyond the path not being there, or is "".
func (t *instanceValues) lookup(dotted string) (text string, secret, ok bool, why string) {
	if t.value == nil {
		if t.reason != "" {
			return "", false, false, t.reason
		}
		return "", false, false, t.file + " is empty"
	}
	v := t.value
	for seg := range strings.SplitSeq(dotted, ".") {
		secret = secret || redact.Name(seg)
		switch cv := v.(type) {
		case map[string]any:
			next, found := cv[seg]
			if !found {
				return "", false, false, ""
			}
			v = next
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(cv) {
				return "", false, false, ""
			}
			v = cv[i]
		default:
			return "", false, false, ""
		}
	}
	switch sv := v.(type) {
	case string:
		return sv, secret, true, ""
	case bool:
		return strconv.FormatBool(sv), secret, true, ""
	case number:
		return sv.String(), secret, true, ""
	}
	return "", false, false, "it names " + kindName(v) + ", not a value"
}

// shorten cuts s to maxShown characters.
func shorten(s string) string {
	if utf8.RuneCountInString(s) <= maxShown {
		return s
	}
	return string([]rune(s)[:maxShown]) + "…"
}
