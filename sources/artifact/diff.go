package artifact

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/driftmap/driftmap/sources/redact"
)

// diffKind is the shape of one difference.
type diffKind int

const (
	diffValue     diffKind = iota // both sides have a value; they differ
	diffOnlyLeft                  // only the wanted side (input, template) has the key
	diffOnlyRight                 // only the file on disk has the key
)

// diffRec is one difference, formatted once all secrets are known.
type diffRec struct {
	path   *keyPath
	kind   diffKind
	a, b   any
	hidden bool
}

// differ compares a wanted value tree (left: input or rendered template)
// with the one on disk (right), collecting differences.
type differ struct {
	leftIn, rightIn     string // "in input", "in output"
	onlyLeft, onlyRight string
	sentinels           []sentinel
	secrets             map[string]bool // strings never to show
	notes               []string        // differences that are not about a key
	flat                bool            // top-level keys are dotted paths (a flat JSON cache)
	recs                []diffRec
	visits              int
	limit               int // values one comparison may visit (see walkLimit)
}

// newDiffer returns a differ for files of size bytes in all: what it
// may visit is bounded by walkLimit(size).
func newDiffer(size int, leftIn, rightIn, onlyLeft, onlyRight string) *differ {
	return &differ{leftIn: leftIn, rightIn: rightIn, onlyLeft: onlyLeft, onlyRight: onlyRight, limit: walkLimit(size)}
}

// walkLimit is how many values a walk over trees decoded from size bytes
// may visit. A file spends at least two bytes on each value it writes
// ("1," in JSON, "a: 1" in YAML), so an honest pair of files stays well
// inside it however large they are (a 100,000-service instance.yaml and
// its cache hold some 600,000 values in 8 MB); only aliases, which
// decode to shared subtrees that a walk would expand, can exceed it, and
// then the walk stops in time linear in the files' size.
func walkLimit(size int) int { return maxNodes + 2*size }

// parseFailure notes that the file what could not be read as format.
func (d *differ) parseFailure(what, format string, err error) {
	switch {
	case err == nil:
	case errors.Is(err, errDepth), errors.As(err, new(*expansionError)):
		d.note("cannot check: the %s is %s", what, err)
	default:
		d.note("the %s is not valid %s (%s)", what, format, err)
	}
}

func (d *differ) note(format string, args ...any) {
	d.notes = append(d.notes, fmt.Sprintf(format, args...))
}

// addSecrets records strings that must never be shown. Very short ones
// are left out: they would hide nearly every value.
func (d *differ) addSecrets(ss ...string) {
	for _, s := range ss {
		if len(s) >= 4 {
			if d.secrets == nil {
				d.secrets = map[string]bool{}
			}
			d.secrets[s] = true
		}
	}
}

// compare compares two value trees.
func (d *differ) compare(want, have any) {
	d.addSecrets(secretStrings(want, d.limit)...)
	d.addSecrets(secretStrings(have, d.limit)...)
	d.walk(want, have, nil, 0, false)
	if d.visits > d.limit {
		d.note("cannot check: the files hold more than %d values", d.limit)
	}
}

// finish turns the collected differences into r's State and Differences.
func (d *differ) finish(r Result) Result {
	r.Differences = append(r.Differences, d.notes...)
	// Longest first, so that a secret inside another is replaced last.
	secrets := make([]string, 0, len(d.secrets))
	for s := range d.secrets {
		secrets = append(secrets, s)
	}
	slices.SortFunc(secrets, func(a, b string) int {
		if n := len(b) - len(a); n != 0 {
			return n
		}
		return strings.Compare(a, b)
	})
	for i, rec := range d.recs {
		if i == maxDiffs {
			r.Differences = append(r.Differences, fmt.Sprintf("… and %d more differences", len(d.recs)-maxDiffs))
			break
		}
		r.Differences = append(r.Differences, d.format(rec, secrets))
	}
	r.State = OK
	if len(r.Differences) > 0 {
		r.State = Drift
	}
	return r
}

// format writes one difference; secrets are d.secrets, sorted.
func (d *differ) format(r diffRec, secrets []string) string {
	p := r.path.String(secrets)
	key := "key " + p
	if p == "" {
		key = "top level"
	}
	switch r.kind {
	case diffOnlyLeft:
		return key + ": " + d.onlyLeft
	case diffOnlyRight:
		return key + ": " + d.onlyRight
	}
	if r.hidden || holdsSecret(r.a, secrets) || holdsSecret(r.b, secrets) || holdsCredential(r.a) || holdsCredential(r.b) {
		return key + " differs (value hidden)"
	}
	return fmt.Sprintf("%s: %s %s, %s %s", key, show(r.a), d.leftIn, show(r.b), d.rightIn)
}

// holdsSecret reports whether v is a string containing one of secrets.
func holdsSecret(v any, secrets []string) bool {
	s, ok := v.(string)
	if !ok {
		return false
	}
	for _, sec := range secrets {
		if strings.Contains(s, sec) {
			return true
		}
	}
	return false
}

// holdsCredential reports whether v is a string with a credential-like
// part (a command line's --password=X, a URL's user:pass@): shown
// redacted, the two sides could read the same.
func holdsCredential(v any) bool {
	s, ok := v.(string)
	return ok && redact.String(s) != s
}

func (d *differ) add(p *keyPath, kind diffKind, a, b any, hidden bool) {
	d.recs = append(d.recs, diffRec{path: p, kind: kind, a: a, b: b, hidden: hidden})
}

// walk compares a (wanted) with b (on disk) at path p. hide is set when
// values at p may be credentials.
func (d *differ) walk(a, b any, p *keyPath, depth int, hide bool) {
	d.visits++
	if d.visits > d.limit {
		return
	}
	if depth > maxDepth {
		d.add(p, diffValue, "(nested too deep to compare)", "", true)
		return
	}
	if s, ok := a.(string); ok && d.patterned(s) {
		d.matchPattern(s, b, p)
		return
	}
	switch av := a.(type) {
	case map[string]any:
		if bv, ok := b.(map[string]any); ok {
			d.maps(av, bv, p, depth, hide)
			return
		}
	case []any:
		if bv, ok := b.([]any); ok {
			d.lists(av, bv, p, depth, hide)
			return
		}
	}
	if !scalarEqual(a, b) {
		d.add(p, diffValue, a, b, hide)
	}
}

func (d *differ) maps(a, b map[string]any, p *keyPath, depth int, hide bool) {
	// Pair keys: equal keys first, then template keys holding a Keychain
	// placeholder with the first unpaired installed key they match.
	pair := map[string]string{} // a key -> b key
	used := map[string]bool{}
	for k := range a {
		if _, ok := b[k]; ok {
			pair[k], used[k] = k, true
		}
	}
	for _, k := range slices.Sorted(maps.Keys(a)) {
		if _, ok := pair[k]; ok || !d.patterned(k) {
			continue
		}
		re, err := d.pattern(k)
		if err != nil {
			continue
		}
		for _, bk := range slices.Sorted(maps.Keys(b)) {
			if !used[bk] && re.MatchString(bk) {
				pair[k], used[bk] = bk, true
				d.addSecrets(captures(re, bk)...)
				break
			}
		}
	}
	// Walk the keys of both sides in the order of their names as shown.
	type entry struct {
		name   string // as shown: a's key, with placeholders for sentinels
		ak, bk string
		inA    bool
		inB    bool
	}
	var entries []entry
	for k := range a {
		bk, ok := pair[k]
		entries = append(entries, entry{name: d.display(k), ak: k, bk: bk, inA: true, inB: ok})
	}
	for k := range b {
		if !used[k] {
			entries = append(entries, entry{name: k, bk: k, inB: true})
		}
	}
	slices.SortFunc(entries, func(x, y entry) int {
		if n := strings.Compare(x.name, y.name); n != 0 {
			return n
		}
		return strings.Compare(x.bk, y.bk)
	})
	for _, e := range entries {
		cp := &keyPath{parent: p, key: e.name, dotted: d.flat && p == nil}
		switch {
		case !e.inB:
			d.add(cp, diffOnlyLeft, nil, nil, true)
		case !e.inA:
			d.add(cp, diffOnlyRight, nil, nil, true)
		default:
			secret := hide || redact.Name(e.name) || redact.Name(e.bk)
			d.walk(a[e.ak], b[e.bk], cp, depth+1, secret)
		}
		if d.visits > d.limit {
			return
		}
	}
}

func (d *differ) lists(a, b []any, p *keyPath, depth int, hide bool) {
	sa, sb := secretArgs(a), secretArgs(b)
	for i := range max(len(a), len(b)) {
		cp := &keyPath{parent: p, index: i, isIndex: true}
		switch {
		case i >= len(b):
			d.add(cp, diffOnlyLeft, nil, nil, true)
		case i >= len(a):
			d.add(cp, diffOnlyRight, nil, nil, true)
		default:
			d.walk(a[i], b[i], cp, depth+1, hide || sa[i] || sb[i])
		}
		if d.visits > d.limit {
			return
		}
	}
}

// keyPath is the path of a value in a tree, built while walking it and
// written out only for differences.
type keyPath struct {
	parent  *keyPath // nil at the top level
	key     string   // a mapping key, unless isIndex
	index   int
	isIndex bool
	dotted  bool // the key is itself a dotted path, written unquoted
}

// String writes the path as dotted keys with array indexes, replacing
// any of secrets a key holds, and quoting keys that would read
// ambiguously. The top level is "".
func (p *keyPath) String(secrets []string) string {
	var segs []*keyPath
	for q := p; q != nil; q = q.parent {
		segs = append(segs, q)
	}
	var b strings.Builder
	for i := len(segs) - 1; i >= 0; i-- {
		s := segs[i]
		if s.isIndex {
			fmt.Fprintf(&b, "[%d]", s.index)
			continue
		}
		k := s.key
		for _, sec := range secrets {
			k = strings.ReplaceAll(k, sec, "(hidden)") // a key made of a secret
		}
		ambiguous := ".[]\""
		if s.dotted && !strings.HasPrefix(k, ".") && !strings.HasSuffix(k, ".") && !strings.Contains(k, "..") {
			ambiguous = "[]\""
		}
		if k == "" || strings.ContainsAny(k, ambiguous) || strings.IndexFunc(k, func(r rune) bool {
			return r <= ' ' || r == 0x7f || r == utf8.RuneError
		}) >= 0 || utf8.RuneCountInString(k) > maxShown {
			b.WriteString("[" + strconv.Quote(shorten(k)) + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteString(".")
		}
		b.WriteString(k)
	}
	return b.String()
}

// secretArgs reports, for each element of list read as a command line,
// whether it may hold a credential (see redact.Args: --token X, mysql
// -pX, a URL's password); an element that is not a string holds none.
func secretArgs(list []any) []bool {
	words := make([]string, len(list))
	for i, e := range list {
		words[i], _ = e.(string)
	}
	out := redact.Args(words)
	for i, e := range list {
		if _, ok := e.(string); !ok {
			out[i] = false
		}
	}
	return out
}

// secretStrings returns every string that may be a credential in v: the
// strings under credential-like keys and secret arguments (see
// secretArgs), and the value part of NAME=value arguments.
func secretStrings(v any, limit int) []string {
	var out []string
	visits := 0
	var walk func(v any, hide bool, depth int)
	walk = func(v any, hide bool, depth int) {
		visits++
		if depth > maxDepth || visits > limit {
			return
		}
		switch cv := v.(type) {
		case string:
			if hide {
				out = append(out, cv)
			}
		case map[string]any:
			for _, k := range slices.Sorted(maps.Keys(cv)) {
				walk(cv[k], hide || redact.Name(k), depth+1)
			}
		case []any:
			args := secretArgs(cv)
			for i, e := range cv {
				secret := hide || args[i]
				if s, ok := e.(string); ok && secret {
					if _, val, has := strings.Cut(s, "="); has && !hide {
						out = append(out, val)
					}
				}
				walk(e, secret, depth+1)
			}
		}
	}
	walk(v, false, 0)
	return out
}

// patterned reports whether s holds a Keychain sentinel.
func (d *differ) patterned(s string) bool {
	for _, st := range d.sentinels {
		if strings.Contains(s, st.token) {
			return true
		}
	}
	return false
}

// pattern builds the regular expression a template string with Keychain
// sentinels stands for: the literal text, with any text at each
// sentinel.
func (d *differ) pattern(s string) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString(`(?s)^`)
	for s != "" {
		at, which := -1, 0
		for i, st := range d.sentinels {
			if j := strings.Index(s, st.token); j >= 0 && (at < 0 || j < at) {
				at, which = j, i
			}
		}
		if at < 0 {
			b.WriteString(regexp.QuoteMeta(s))
			break
		}
		b.WriteString(regexp.QuoteMeta(s[:at]))
		b.WriteString(`(.*)`)
		s = s[at+len(d.sentinels[which].token):]
	}
	b.WriteString(`$`)
	return regexp.Compile(b.String())
}

// captures returns the text each sentinel matched.
func captures(re *regexp.Regexp, s string) []string {
	m := re.FindStringSubmatch(s)
	if len(m) < 2 {
		return nil
	}
	return m[1:]
}

// display writes a template string with its sentinels shown as the
// placeholders they stand for.
func (d *differ) display(s string) string {
	for _, st := range d.sentinels {
		s = strings.ReplaceAll(s, st.token, "{{"+st.name+"}}")
	}
	return s
}

// matchPattern compares a template string holding Keychain sentinels
// with the installed value: a string that is exactly one placeholder
// matches any value; otherwise the installed value must be a string
// matching the template text around the placeholders. The installed
// value is never shown.
func (d *differ) matchPattern(s string, b any, p *keyPath) {
	for _, st := range d.sentinels {
		if s == st.token {
			if bs, ok := b.(string); ok {
				d.addSecrets(bs)
			}
			return
		}
	}
	bs, ok := b.(string)
	re, err := d.pattern(s)
	if ok && err == nil && re.MatchString(bs) {
		d.addSecrets(captures(re, bs)...)
		return
	}
	if ok {
		d.addSecrets(bs)
	}
	d.add(p, diffValue, d.display(s), b, true)
}
