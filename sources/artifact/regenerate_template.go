package artifact

import (
	"bytes"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/driftmap/driftmap/sources/rootfs"
)

// template regenerates one template artifact: tmpl rendered, each use of
// an uncompared placeholder filled with the text at its place in the
// installed plist (see Regenerate).
func (g *regen) template(tmpl, installed location) ([]byte, error) {
	text, err := g.c.readFile(tmpl, rootfs.MaxPlist)
	if err != nil {
		return nil, g.fail("cannot read template %s: %s", tmpl.name, rootfs.Reason(err))
	}
	rt, probs := g.c.render(text, tmpl.name, true)
	if len(probs) > 0 {
		p := probs[0]
		e := g.fail("the template has errors: %s:%d: %s", p.File, p.Line, p.Message)
		if len(probs) > 1 {
			e.Message += fmt.Sprintf(" (and %d more)", len(probs)-1)
		}
		e.File, e.Line = p.File, p.Line
		return nil, e
	}
	inst := g.c.instance()
	secrets := sortedSecrets(append(slices.Clone(rt.secrets), inst.secrets...))
	data := rt.text
	if len(rt.sentinels) > 0 {
		have, err := g.c.readFile(installed, rootfs.MaxPlist)
		f := newFiller(rt, secrets, len(text)+len(have))
		switch {
		case rootfs.IsNotExist(err):
			f.absent = "which does not exist"
		case err != nil:
			return nil, g.fail("cannot read installed plist %s: %s", installed.name, rootfs.Reason(err))
		default:
			haveVal, err := installedValue(have)
			if err != nil {
				f.absent = "which cannot be read: " + strings.TrimPrefix(err.Error(), "the installed plist is ")
				break
			}
			f.walk(rt.value, haveVal, true, nil, 0)
		}
		if f.absent != "" {
			f.walk(rt.value, nil, false, nil, 0)
		}
		if len(f.fails) > 0 {
			return nil, g.placeholderError(f, tmpl.name)
		}
		if data, err = f.fill(rt); err != nil {
			return nil, g.fail("%s", err)
		}
		if err := g.verify(f, rt, data, tmpl.name); err != nil {
			return nil, err
		}
	}
	// The comparison Check makes, with its own rendering.
	check, _ := g.c.renderTemplate(text, tmpl.name)
	if r := compareTemplate(check, inst, len(text), data).finish(Result{}); r.State != OK {
		return nil, g.fail("the regenerated plist would not check OK: %s", r.Differences[0])
	}
	return data, nil
}

// placeholderError reports the first placeholder that cannot be filled
// in, by line.
func (g *regen) placeholderError(f *filler, file string) *RegenerateError {
	slices.SortStableFunc(f.fails, func(a, b fillFailure) int { return a.s.line - b.s.line })
	first := f.fails[0]
	e := g.fail("placeholder {{%s}} (%s:%d) is not compared, so its value is taken from the installed plist, %s; a person must fill it in",
		first.s.name, file, first.s.line, first.why)
	if n := len(f.fails) - 1; n > 0 {
		e.Message += fmt.Sprintf(" (and %d more uses of uncompared placeholders)", n)
	}
	e.Placeholder, e.File, e.Line = first.s.name, file, first.s.line
	return e
}

// verify reads the filled-in plist back: every filled-in use must hold
// exactly the text taken from the installed plist (an XML escape or a
// CDATA section could change it otherwise).
func (g *regen) verify(f *filler, rt rendered, data []byte, file string) error {
	v, err := installedValue(data)
	if err != nil {
		return g.fail("the regenerated plist cannot be read back: %s", strings.TrimPrefix(err.Error(), "the installed plist is "))
	}
	back := newFiller(rt, f.secrets, len(data))
	back.walk(rt.value, v, true, nil, 0)
	for _, i := range slices.Sorted(maps.Keys(f.values)) {
		if got, ok := back.values[i]; !ok || got != f.values[i] {
			s := f.sentinels[i]
			e := g.fail("placeholder {{%s}} (%s:%d): the installed text at its place cannot be written back as it is in an XML plist; a person must fill it in", s.name, file, s.line)
			e.Placeholder, e.File, e.Line = s.name, file, s.line
			return e
		}
	}
	return nil
}

// filler finds, for each use of an uncompared placeholder in a rendered
// template (one sentinel each: see checker.render), the text at its
// place in the installed plist, pairing keys as the differ does.
type filler struct {
	sentinels []sentinel
	prefix    string // of every sentinel's token (see rendered)
	secrets   []string
	values    map[int]string // sentinel index -> installed text
	seen      map[int]bool   // sentinels met in a value or key
	fails     []fillFailure
	absent    string // why there is no installed plist to read, or ""
	visits    int
	limit     int // values a walk may visit (see walkLimit)
}

type fillFailure struct {
	s   sentinel
	why string
}

func newFiller(rt rendered, secrets []string, size int) *filler {
	return &filler{sentinels: rt.sentinels, prefix: rt.prefix, secrets: secrets,
		values: map[int]string{}, seen: map[int]bool{}, limit: walkLimit(size)}
}

// split cuts the template text s at its sentinels: lits holds the
// text around them, one more than uses, the sentinels' indexes in order.
func (f *filler) split(s string) (lits []string, uses []int) {
	var cur strings.Builder
	for {
		at := strings.Index(s, f.prefix)
		if at < 0 {
			break
		}
		rest := s[at+len(f.prefix):]
		n := 0
		for n < len(rest) && n < 10 && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		i, err := strconv.Atoi(rest[:n])
		if err != nil || i >= len(f.sentinels) || f.sentinels[i].token != s[at:at+len(f.prefix)+min(n+1, len(rest))] {
			cur.WriteString(s[:at+len(f.prefix)]) // not a token: text
			s = rest
			continue
		}
		cur.WriteString(s[:at])
		lits = append(lits, cur.String())
		cur.Reset()
		uses = append(uses, i)
		s = rest[n+1:]
	}
	cur.WriteString(s)
	return append(lits, cur.String()), uses
}

// pattern is the regular expression the template text around uses
// stands for, as differ.pattern builds it: the text, with any text at
// each use.
func pattern(lits []string) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString(`(?s)^`)
	for i, l := range lits {
		if i > 0 {
			b.WriteString(`(.*)`)
		}
		b.WriteString(regexp.QuoteMeta(l))
	}
	b.WriteString(`$`)
	return regexp.Compile(b.String())
}

// display writes template text with its sentinels shown as the
// placeholders they stand for.
func (f *filler) display(lits []string, uses []int) string {
	var b strings.Builder
	for i, l := range lits {
		if i > 0 {
			b.WriteString("{{" + f.sentinels[uses[i-1]].name + "}}")
		}
		b.WriteString(l)
	}
	return b.String()
}

// match records what the installed text have (present: there is a
// value) holds at the uses of the template text s, or why it holds
// nothing there.
func (f *filler) match(s string, have any, present bool, p *keyPath) {
	lits, uses := f.split(s)
	if len(uses) == 0 {
		return
	}
	for _, i := range uses {
		f.seen[i] = true
	}
	hs, isString := have.(string)
	var m []string
	if re, err := pattern(lits); err == nil && isString {
		m = re.FindStringSubmatch(hs)
	}
	why := ""
	switch {
	case f.absent != "":
		why = f.absent
	case !present:
		why = "which holds nothing at " + keyName(p, f.secrets)
	case !isString:
		why = "which holds " + kindName(have) + " at " + keyName(p, f.secrets) + ", not a string"
	case len(m) != len(uses)+1:
		why = "whose text at " + keyName(p, f.secrets) + " does not match the template's text around the placeholder"
	default:
		for n, i := range uses {
			f.values[i] = m[n+1]
		}
		return
	}
	for _, i := range uses {
		f.fails = append(f.fails, fillFailure{s: f.sentinels[i], why: why})
	}
}

// walk pairs the template value a with the installed value b (present:
// there is one) at path p, as differ.walk does: equal keys first, then
// each template key holding a sentinel, in order, with the first
// unpaired installed key it matches.
func (f *filler) walk(a, b any, present bool, p *keyPath, depth int) {
	f.visits++
	if depth > maxDepth || f.visits > f.limit {
		return
	}
	switch av := a.(type) {
	case string:
		f.match(av, b, present, p)
	case map[string]any:
		bm, _ := b.(map[string]any)
		pair := map[string]string{}
		used := map[string]bool{}
		for k := range av {
			if _, ok := bm[k]; ok {
				pair[k], used[k] = k, true
			}
		}
		bkeys := slices.Sorted(maps.Keys(bm))
		for _, k := range slices.Sorted(maps.Keys(av)) {
			cp := &keyPath{parent: p, key: k}
			if lits, uses := f.split(k); len(uses) > 0 {
				cp.key = f.display(lits, uses)
				if _, ok := pair[k]; !ok {
					if re, err := pattern(lits); err == nil {
						for _, bk := range bkeys {
							if !used[bk] && re.MatchString(bk) {
								pair[k], used[bk] = bk, true
								break
							}
						}
					}
				}
				bk, ok := pair[k]
				f.match(k, bk, ok, cp)
			}
			bk, ok := pair[k]
			f.walk(av[k], bm[bk], ok, cp, depth+1)
		}
	case []any:
		bl, _ := b.([]any)
		for i, e := range av {
			var be any
			if i < len(bl) {
				be = bl[i]
			}
			f.walk(e, be, i < len(bl), &keyPath{parent: p, index: i, isIndex: true}, depth+1)
		}
	}
}

// fill writes the rendered template with each sentinel replaced by the
// installed text found for it, XML-escaped, or, for a sentinel in no
// value or key (in a comment), the placeholder as written. The result is
// at most rootfs.MaxPlist bytes.
func (f *filler) fill(rt rendered) ([]byte, error) {
	size := int64(len(rt.text))
	pairs := make([]string, 0, 2*len(rt.sentinels))
	for i, s := range rt.sentinels {
		repl := s.orig
		if f.seen[i] {
			var b bytes.Buffer
			xmlEscape(&b, f.values[i])
			repl = b.String()
		}
		if size += int64(len(repl)); size > rootfs.MaxPlist {
			return nil, fmt.Errorf("the output would be larger than Check reads (%s)", (&rootfs.TooLargeError{Max: rootfs.MaxPlist}).Error())
		}
		pairs = append(pairs, s.token, repl)
	}
	return []byte(strings.NewReplacer(pairs...).Replace(string(rt.text))), nil
}

// sortedSecrets returns the secrets worth hiding (see addSecrets),
// longest first, as keyPath.String wants them.
func sortedSecrets(ss []string) []string {
	var out []string
	for _, s := range ss {
		if len(s) >= 4 {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b string) int {
		if n := len(b) - len(a); n != 0 {
			return n
		}
		return strings.Compare(a, b)
	})
	return slices.Compact(out)
}
