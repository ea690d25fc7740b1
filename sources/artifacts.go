package sources

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/big"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
	"howett.net/plist"

	"github.com/driftmap/driftmap/graph"
)

// Generated artifacts
//
// Some runtime files are generated from checked-in inputs. CheckArtifacts
// regenerates them in memory and compares the result with what is on
// disk, as values: key order, comments and formatting never count.
//
// Differences name keys as dotted paths with array indexes
// ("services.voice_agent.port", "ProgramArguments[2]"); a key that is
// empty or holds '.', '[', ']', '"' or white space is written quoted
// (`KeepAlive.OtherJobEnabled["com.sanctum.db"]`). Values are shown
// (strings quoted, cut at 60 characters) unless they may be credentials:
// a value is hidden when any key on its path is credential-like (TOKEN,
// SECRET, PASSWORD, PASSWD, API_KEY, APIKEY, AUTHKEY, CREDENTIAL,
// PRIVATE_KEY), when it follows an option such as --api-key or is
// NAME=value with such a NAME, when the template put a Keychain
// placeholder there, or when it contains any string found in one of those
// places. Problems and messages never quote file contents other than key
// names and placeholders.

// DefaultArtifacts returns the sanctum defaults. They are checked only
// when their input exists (see ArtifactSpec.Default); their Evidence
// names the output, under the key "artifacts (default)".
func DefaultArtifacts() []ArtifactSpec {
	def := func(kind ArtifactKind, in, out string) ArtifactSpec {
		return ArtifactSpec{Kind: kind, Input: in, Output: out, Default: true,
			Evidence: graph.Evidence{File: out, Key: "artifacts (default)"}}
	}
	return []ArtifactSpec{
		def(ArtifactCopy, "sanctum/agent_capabilities.yaml", "~/.sanctum/config/agent-capabilities.yaml"),
		def(ArtifactJSONCache, "~/.sanctum/instance.yaml", "~/.sanctum/.instance.json"),
		def(ArtifactTemplate, "~/.sanctum/templates/launchagents", "~/Library/LaunchAgents"),
	}
}

// artifactItemKeys are the keys of one driftmap.yaml artifacts item.
var artifactItemKeys = []string{"kind", "input", "output"}

// parseArtifactSpecs reads the list under key (driftmap.yaml's
// `artifacts:`):
//
//	artifacts:
//	  - {kind: copy, input: sanctum/agent_capabilities.yaml, output: ~/.sanctum/config/agent-capabilities.yaml}
//	  - {kind: template, input: ~/.sanctum/templates/launchagents, output: ~/Library/LaunchAgents}
//
// present reports whether the key is in the mapping at all, even when
// null, empty or invalid, so that the caller can tell "artifacts: []" (no
// artifacts) from no key (the defaults). Items of
// the wrong shape, unknown kinds or keys, missing or empty paths, paths
// that hold an expansion other than ~ and $HOME, workspace paths that
// leave the workspace and repeated (kind, output) pairs are Problems with
// the item's line; such items are left out. Each spec's Evidence is the
// item (file, line, key "artifacts[i]", token the output).
func parseArtifactSpecs(m ymap, key string) (specs []ArtifactSpec, present bool) {
	k, v := m.get(key)
	if k == nil {
		return nil, false
	}
	kp := joinKey(m.path, key)
	if v == nil || v.Tag == "!!null" {
		return nil, true
	}
	if v.Kind != yaml.SequenceNode {
		m.problem(k.Line, kp, "%s must be a list of {kind, input, output} mappings, found %s", kp, describe(v))
		return nil, true
	}
	seen := map[string]string{} // kind + output -> item key
	for i, item := range v.Content {
		ik := fmt.Sprintf("%s[%d]", kp, i)
		if item.Kind == yaml.AliasNode && item.Alias != nil {
			item = item.Alias
		}
		if item.Kind != yaml.MappingNode {
			m.problem(item.Line, ik, "%s must be a mapping with kind, input and output, found %s", ik, describe(item))
			continue
		}
		im := ymap{n: item, file: m.file, path: ik, probs: m.probs}
		keys, _ := im.entries()
		for _, ck := range keys {
			if !slices.Contains(artifactItemKeys, ck.Value) {
				im.problem(ck.Line, joinKey(ik, ck.Value), "unknown key %q in %s (known keys: kind, input, output)", ck.Value, ik)
			}
		}
		spec := ArtifactSpec{Evidence: graph.Evidence{File: m.file, Line: item.Line, Key: ik}}
		ok := true
		switch kind, _, set := im.str("kind"); {
		case !set:
			if _, kv := im.get("kind"); kv == nil || kv.Tag == "!!null" {
				im.problem(item.Line, ik, "%s has no kind (copy, json-cache or template)", ik)
			}
			ok = false
		case kind != string(ArtifactCopy) && kind != string(ArtifactJSONCache) && kind != string(ArtifactTemplate):
			kk, _ := im.get("kind")
			im.problem(kk.Line, joinKey(ik, "kind"), "%s.kind %q is not one of copy, json-cache, template", ik, kind)
			ok = false
		default:
			spec.Kind = ArtifactKind(kind)
		}
		for _, f := range []struct {
			name string
			dst  *string
		}{{"input", &spec.Input}, {"output", &spec.Output}} {
			s, ev, set := im.str(f.name)
			fk := joinKey(ik, f.name)
			switch {
			case !set:
				if _, fv := im.get(f.name); fv == nil || fv.Tag == "!!null" {
					im.problem(item.Line, ik, "%s has no %s", ik, f.name)
				}
				ok = false
			case s == "":
				im.problem(ev.Line, fk, "%s is empty", fk)
				ok = false
			default:
				if msg := artifactPathProblem(s); msg != "" {
					im.problem(ev.Line, fk, "%s %q %s", fk, s, msg)
					ok = false
				}
				*f.dst = s
			}
		}
		if !ok {
			continue
		}
		id := string(spec.Kind) + "\x00" + spec.Output
		if first, dup := seen[id]; dup {
			m.problem(item.Line, ik, "%s repeats %s (same kind and output); it is ignored", ik, first)
			continue
		}
		seen[id] = ik
		spec.Evidence.Token = spec.Output
		specs = append(specs, spec)
	}
	return specs, true
}

// artifactPathProblem says why an artifact path cannot be used, or "".
func artifactPathProblem(p string) string {
	if _, ok := Expand(p, "/home"); !ok {
		return "holds an expansion other than ~ and $HOME"
	}
	if !artInRoot(p) && !filepath.IsLocal(filepath.FromSlash(p)) {
		return "leaves the workspace (write a path inside it, or start it with ~ or / for a path inside root)"
	}
	return ""
}

// artInRoot reports whether an artifact path names a file inside the
// audited root (it starts with "~", "/", $HOME or ${HOME}) rather than in
// the workspace.
func artInRoot(p string) bool {
	if strings.HasPrefix(p, "~") || strings.HasPrefix(p, "/") || strings.HasPrefix(p, "${HOME}") {
		return true
	}
	rest, ok := strings.CutPrefix(p, "$HOME")
	return ok && (rest == "" || !isNameByte(rest[0]))
}

// CheckArtifacts checks every spec against the files on disk. Paths
// starting with "~", "/" or $HOME are read inside root through fsys (~
// and $HOME expand to home); other paths are relative to the workspace,
// a host directory, and must stay inside it. A path holding any other
// expansion ($VAR) cannot be checked. Results name root files by their path inside root and
// workspace files by their host path.
//
// For each spec:
//
//   - an absent input gives ArtifactNoInput, for defaults and declared
//     specs alike (rules decide what that means); so does a template
//     directory without *.plist files;
//   - an absent output (the input exists) gives ArtifactMissing;
//   - copy compares input and output as parsed YAML; json-cache compares
//     the input (YAML) with the output parsed as JSON. Numbers compare
//     by value (YAML 8765, JSON 8765 and 8765.0 are equal); non-string
//     YAML keys compare by their text. A file that does not parse gives
//     ArtifactDrift with a Difference saying so;
//   - template yields one result per *.plist file in the input directory
//     (sorted), whose output is the file of the same name in the output
//     directory. The template text is rendered: {{HOME}} becomes home,
//     {{a.b.c}} the scalar at that dotted path in ~/.sanctum/instance.yaml
//     (XML-escaped), and any other UPPER_CASE placeholder such as
//     {{OPENAI_API_KEY}} names a Keychain secret, which matches any value
//     in the installed plist (and inside a longer string, any text at
//     its place). Rendered template and installed plist (XML or binary)
//     are compared as values. A placeholder that cannot be resolved is
//     never rendered blank: it becomes a TemplateErrors Problem with the
//     template's line, and that file is not compared (its State is
//     ArtifactOK, or ArtifactMissing when nothing is installed), since
//     any difference found would be an artifact of the broken template.
//     A template that is not a valid plist once rendered is a
//     TemplateErrors Problem too.
//
// A file that cannot be read for another reason, or a check that fails
// unexpectedly, gives ArtifactDrift with a Difference starting "cannot
// check:". Results are sorted by Output, then Kind.
func CheckArtifacts(fsys FS, home, workspace, instance string, specs []ArtifactSpec) []ArtifactResult {
	c := &artifactChecker{fsys: fsys, home: home, workspace: workspace, instancePath: instance}
	var out []ArtifactResult
	for _, s := range specs {
		out = append(out, c.check(s)...)
	}
	slices.SortStableFunc(out, func(a, b ArtifactResult) int {
		if n := strings.Compare(a.Output, b.Output); n != 0 {
			return n
		}
		return strings.Compare(string(a.Spec.Kind), string(b.Spec.Kind))
	})
	return out
}

// Limits on what one comparison may cost.
const (
	maxArtifactDepth = 100    // nesting of values
	maxArtifactNodes = 200000 // values visited by one comparison
	artMaxDiffs      = 50     // Difference lines per result
	artMaxShown      = 60     // characters of a value or key shown
)

// artifactChecker holds the state of one CheckArtifacts call.
type artifactChecker struct {
	fsys            FS
	home, workspace string
	inst            *artInstance // loaded on first use
	instancePath    string       // instance.yaml, whose values template placeholders name
}

// artifactFile is an artifact path located for reading.
type artifactFile struct {
	name   string // inside-root path, or host path for workspace files
	inRoot bool
}

// locate resolves an artifact path (see ArtifactSpec).
func (c *artifactChecker) locate(p string) (artifactFile, error) {
	if p == "" {
		return artifactFile{}, errors.New("path is empty")
	}
	e, ok := Expand(p, c.home)
	if !ok {
		return artifactFile{name: p}, fmt.Errorf("path %q holds an expansion other than ~ and $HOME", p)
	}
	if artInRoot(p) {
		return artifactFile{name: Clean(e), inRoot: true}, nil
	}
	local := filepath.FromSlash(p)
	if !filepath.IsLocal(local) {
		return artifactFile{name: p}, fmt.Errorf("path %q leaves the workspace", p)
	}
	return artifactFile{name: filepath.Join(c.workspace, local)}, nil
}

func (c *artifactChecker) readFile(f artifactFile) ([]byte, error) {
	if f.inRoot {
		return c.fsys.ReadFile(f.name)
	}
	return os.ReadFile(f.name)
}

func (c *artifactChecker) readDir(f artifactFile) ([]fs.DirEntry, error) {
	if f.inRoot {
		return c.fsys.ReadDir(f.name)
	}
	return os.ReadDir(f.name)
}

// join names a file inside a located directory.
func (f artifactFile) join(name string) artifactFile {
	if f.inRoot {
		return artifactFile{name: path.Join(f.name, name), inRoot: true}
	}
	return artifactFile{name: filepath.Join(f.name, name)}
}

// artAbsent reports whether err means the file does not exist.
func artAbsent(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

// artErrText describes a read error without repeating the (host) path.
func artErrText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// artCannot marks r as impossible to check.
func artCannot(r ArtifactResult, format string, args ...any) ArtifactResult {
	r.State = ArtifactDrift
	r.Differences = []string{"cannot check: " + fmt.Sprintf(format, args...)}
	return r
}

// check checks one spec; a panic becomes a "cannot check" result.
func (c *artifactChecker) check(s ArtifactSpec) (out []ArtifactResult) {
	base := ArtifactResult{Spec: s, Output: s.Output}
	defer func() {
		if r := recover(); r != nil {
			out = []ArtifactResult{artCannot(base, "internal error: %s", panicText(r))}
		}
	}()
	outF, err := c.locate(s.Output)
	if err != nil {
		return []ArtifactResult{artCannot(base, "output %s", err)}
	}
	base.Output = outF.name
	in, err := c.locate(s.Input)
	if err != nil {
		return []ArtifactResult{artCannot(base, "input %s", err)}
	}
	base.Inputs = []string{in.name}
	switch s.Kind {
	case ArtifactCopy, ArtifactJSONCache:
		return []ArtifactResult{c.checkFile(base, in, outF)}
	case ArtifactTemplate:
		return c.checkTemplates(base, in, outF)
	}
	return []ArtifactResult{artCannot(base, "unknown artifact kind %q", string(s.Kind))}
}

// checkFile checks a copy or json-cache artifact.
func (c *artifactChecker) checkFile(r ArtifactResult, in, out artifactFile) ArtifactResult {
	inData, err := c.readFile(in)
	switch {
	case artAbsent(err):
		r.State = ArtifactNoInput
		return r
	case err != nil:
		return artCannot(r, "cannot read input %s: %s", in.name, artErrText(err))
	}
	outData, err := c.readFile(out)
	switch {
	case artAbsent(err):
		r.State = ArtifactMissing
		return r
	case err != nil:
		return artCannot(r, "cannot read output %s: %s", out.name, artErrText(err))
	}
	d := newArtDiffer("in input", "in output", "only in input", "only in output")
	want, err := artYAMLValue(inData)
	d.parseFailure("input", "YAML", err)
	var have any
	if r.Spec.Kind == ArtifactJSONCache {
		have, err = artJSONValue(outData)
		d.parseFailure("output", "JSON", err)
	} else {
		have, err = artYAMLValue(outData)
		d.parseFailure("output", "YAML", err)
	}
	if len(d.notes) == 0 {
		d.compare(want, have)
	}
	return d.finish(r)
}

// checkTemplates checks every template of a template artifact.
func (c *artifactChecker) checkTemplates(base ArtifactResult, dir, outDir artifactFile) []ArtifactResult {
	entries, err := c.readDir(dir)
	switch {
	case artAbsent(err):
		base.State = ArtifactNoInput
		return []ArtifactResult{base}
	case err != nil:
		return []ArtifactResult{artCannot(base, "cannot read template directory %s: %s", dir.name, artErrText(err))}
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".plist") {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	if len(names) == 0 {
		base.State = ArtifactNoInput
		return []ArtifactResult{base}
	}
	out := make([]ArtifactResult, 0, len(names))
	for _, name := range names {
		out = append(out, c.checkTemplate(base.Spec, dir.join(name), outDir.join(name)))
	}
	return out
}

// checkTemplate checks one template file against its installed plist.
func (c *artifactChecker) checkTemplate(spec ArtifactSpec, tmpl, installed artifactFile) (r ArtifactResult) {
	inst := c.instance()
	r = ArtifactResult{Spec: spec, Output: installed.name, Inputs: []string{tmpl.name, inst.file}}
	defer func() {
		if p := recover(); p != nil {
			r = artCannot(r, "internal error: %s", panicText(p))
		}
	}()
	text, err := c.readFile(tmpl)
	if err != nil {
		return artCannot(r, "cannot read template %s: %s", tmpl.name, artErrText(err))
	}
	have, err := c.readFile(installed)
	switch {
	case artAbsent(err):
		r.State = ArtifactMissing
		// Still render, so that broken placeholders are reported.
		_, r.TemplateErrors = renderArtifactTemplate(text, tmpl.name, c.home, inst)
		return r
	case err != nil:
		return artCannot(r, "cannot read installed plist %s: %s", installed.name, artErrText(err))
	}
	rt, probs := renderArtifactTemplate(text, tmpl.name, c.home, inst)
	r.TemplateErrors = probs
	if len(probs) > 0 {
		r.State = ArtifactOK // not compared: see CheckArtifacts
		return r
	}
	d := newArtDiffer("in template", "installed", "only in template", "only in the installed plist")
	d.sentinels = rt.sentinels
	d.addSecrets(rt.secrets...)
	d.addSecrets(inst.secrets...)
	haveRoot, _, err := decodePlist(have)
	if err != nil {
		line, msg := artPlistError(have)
		if line > 0 {
			msg += fmt.Sprintf(" (line %d)", line)
		}
		d.note("the installed plist is %s", msg)
		return d.finish(r)
	}
	haveVal, err := artPlistValue(haveRoot, 0)
	if err != nil {
		d.note("cannot check: the installed plist is %s", err)
		return d.finish(r)
	}
	d.compare(rt.value, haveVal)
	return d.finish(r)
}

// artPlistError says why data is not a property list, and on which line
// (0 when unknown), in words of our own (decoder messages may quote
// values), as ParsePlist does.
func artPlistError(data []byte) (int, string) {
	switch {
	case len(bytes.TrimSpace(data)) == 0:
		return 0, "empty: not a property list"
	case bytes.HasPrefix(data, []byte("bplist")):
		return 0, "not a valid binary property list"
	}
	if s := scanXML(data); s.errMsg != "" {
		return s.errLine, "not a valid property list: " + s.errMsg
	}
	return 0, "not a valid property list"
}

// artInstance is instance.yaml as values, for template placeholders.
type artInstance struct {
	file    string // inside-root path
	value   any    // nil when unusable
	reason  string // why value is unusable, or ""
	secrets []string
}

// instance loads ~/.sanctum/instance.yaml once per CheckArtifacts call.
func (c *artifactChecker) instance() *artInstance {
	if c.inst != nil {
		return c.inst
	}
	e, _ := Expand(c.instancePath, c.home)
	t := &artInstance{file: Clean(e)}
	c.inst = t
	data, err := c.fsys.ReadFile(t.file)
	switch {
	case artAbsent(err):
		t.reason = t.file + " does not exist"
		return t
	case err != nil:
		t.reason = t.file + " cannot be read: " + artErrText(err)
		return t
	}
	v, err := artYAMLValue(data)
	if err != nil {
		t.reason = t.file + " is not valid YAML (" + err.Error() + ")"
		return t
	}
	t.value = v
	t.secrets = artSecrets(v)
	return t
}

// artPlaceholderRE matches a template placeholder; the name may be padded
// with spaces.
var artPlaceholderRE = regexp.MustCompile(`\{\{([^{}]*)\}\}`)

var (
	artKeychainRE = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)
	artPathRE     = regexp.MustCompile(`^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$`)
)

// artRendered is a template rendered and decoded.
type artRendered struct {
	value     any
	sentinels []artSentinel // Keychain placeholders, in first-use order
	secrets   []string      // values substituted from credential-like paths
}

// artSentinel stands for a Keychain placeholder in a rendered template.
type artSentinel struct {
	token string // unique text put in place of the placeholder
	name  string // the placeholder, e.g. OPENAI_API_KEY
}

// artPlaceholder is one {{...}} found in a template.
type artPlaceholder struct {
	start, end int // byte offsets of the whole placeholder
	line       int
	name       string // trimmed name
	keychain   bool
	value      string // replacement text, unescaped; for non-Keychain ones
	err        string // why it cannot be resolved, or ""
}

// renderArtifactTemplate renders and decodes one template (see
// CheckArtifacts). Every placeholder that cannot be resolved is a Problem
// with file and line, as is a template that is not a plist once
// rendered; the value is nil whenever there are problems.
func renderArtifactTemplate(text []byte, file, home string, inst *artInstance) (artRendered, []Problem) {
	var rt artRendered
	var probs []Problem
	var phs []artPlaceholder
	line, lineStart := 1, 0
	for _, m := range artPlaceholderRE.FindAllSubmatchIndex(text, -1) {
		line += bytes.Count(text[lineStart:m[0]], []byte("\n"))
		lineStart = m[0]
		ph := artPlaceholder{start: m[0], end: m[1], line: line, name: strings.TrimSpace(string(text[m[2]:m[3]]))}
		ok, why := true, ""
		switch {
		case ph.name == "HOME":
			ph.value = home
		case artKeychainRE.MatchString(ph.name):
			ph.keychain = true
		case artPathRE.MatchString(ph.name):
			var secret bool
			ph.value, secret, ok, why = inst.lookup(ph.name)
			if ok && secret {
				rt.secrets = append(rt.secrets, ph.value)
			}
		default:
			ok, why = false, "it is neither HOME, an UPPER_CASE Keychain name nor a dotted path"
		}
		if !ok {
			msg := fmt.Sprintf("placeholder {{%s}} cannot be resolved from instance.yaml", artShorten(ph.name))
			if why != "" {
				msg += ": " + why
			}
			probs = append(probs, Problem{File: file, Line: ph.line, Message: msg})
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
	tokens := map[string]string{}
	var b bytes.Buffer
	at := 0
	for _, ph := range phs {
		b.Write(text[at:ph.start])
		at = ph.end
		if !ph.keychain {
			artXMLEscape(&b, ph.value)
			continue
		}
		tok, ok := tokens[ph.name]
		if !ok {
			// The trailing "." keeps one token from being a prefix of
			// another ("-1." and "-10.").
			tok = prefix + strconv.Itoa(len(rt.sentinels)) + "."
			tokens[ph.name] = tok
			rt.sentinels = append(rt.sentinels, artSentinel{token: tok, name: ph.name})
		}
		b.WriteString(tok)
	}
	b.Write(text[at:])
	rendered := b.Bytes()
	root, _, err := decodePlist(rendered)
	if err != nil {
		line, msg := artPlistError(rendered)
		return rt, []Problem{{File: file, Line: line, Message: "the rendered template is " + msg}}
	}
	v, err := artPlistValue(root, 0)
	if err != nil {
		return rt, []Problem{{File: file, Message: "the rendered template cannot be compared: " + err.Error()}}
	}
	rt.value = v
	return rt, nil
}

// artXMLEscape writes s as XML character data.
func artXMLEscape(b *bytes.Buffer, s string) {
	_ = xml.EscapeText(b, []byte(s)) // writes to a bytes.Buffer never fail
}

// lookup resolves a dotted path in instance.yaml to the text of a scalar
// (integers in decimal, booleans as true and false). secret reports
// whether a key on the path is credential-like. When ok is false, why
// says what is wrong beyond the path not being there, or is "".
func (t *artInstance) lookup(dotted string) (text string, secret, ok bool, why string) {
	if t.value == nil {
		if t.reason != "" {
			return "", false, false, t.reason
		}
		return "", false, false, t.file + " is empty"
	}
	v := t.value
	for seg := range strings.SplitSeq(dotted, ".") {
		secret = secret || secretName(seg)
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
	case artNumber:
		return sv.String(), secret, true, ""
	}
	return "", false, false, "it names " + artKindName(v) + ", not a value"
}

// artShorten cuts s to artMaxShown characters.
func artShorten(s string) string {
	if utf8.RuneCountInString(s) <= artMaxShown {
		return s
	}
	return string([]rune(s)[:artMaxShown]) + "…"
}

// Values compared by artDiffer are: nil, bool, string, artNumber,
// artData, time.Time, []any and map[string]any.

// artNumber is a numeric value: integers exactly, other numbers as float64.
type artNumber struct {
	i *big.Int // non-nil for an integer
	f float64  // the value of a non-integer
}

func artInt(i *big.Int) artNumber { return artNumber{i: i} }

func (n artNumber) float() float64 {
	if n.i != nil {
		f, _ := new(big.Float).SetInt(n.i).Float64()
		return f
	}
	return n.f
}

func (n artNumber) equal(o artNumber) bool {
	if n.i != nil && o.i != nil {
		return n.i.Cmp(o.i) == 0
	}
	a, b := n.float(), o.float()
	return a == b || math.IsNaN(a) && math.IsNaN(b)
}

func (n artNumber) String() string {
	if n.i != nil {
		return n.i.String()
	}
	return strconv.FormatFloat(n.f, 'g', -1, 64)
}

// artData is a plist <data> value.
type artData []byte

// errArtifactDepth is returned for values nested beyond maxArtifactDepth.
var errArtifactDepth = fmt.Errorf("nested deeper than %d levels", maxArtifactDepth)

// artYAMLValue parses the first YAML document of data into values. Errors
// never quote the document.
func artYAMLValue(data []byte) (v any, err error) {
	defer func() {
		if r := recover(); r != nil {
			v, err = nil, fmt.Errorf("YAML parser failed: %s", panicText(r))
		}
	}()
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		p := yamlError("", err)
		msg := strings.TrimPrefix(p.Message, "invalid YAML:")
		msg = strings.TrimSpace(msg)
		if p.Line > 0 {
			return nil, fmt.Errorf("line %d: %s", p.Line, msg)
		}
		return nil, errors.New(msg)
	}
	c := &artYAMLConv{memo: map[*yaml.Node]any{}, active: map[*yaml.Node]bool{}}
	return c.value(&doc, 0)
}

// artYAMLConv converts a yaml.v3 node tree. Each anchored node is converted
// once and shared by its aliases, so aliases never expand exponentially.
type artYAMLConv struct {
	memo   map[*yaml.Node]any
	active map[*yaml.Node]bool
}

func (c *artYAMLConv) value(n *yaml.Node, depth int) (any, error) {
	if depth > maxArtifactDepth {
		return nil, errArtifactDepth
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return c.value(n.Content[0], depth)
	case yaml.AliasNode:
		a := n.Alias
		if a == nil {
			return nil, fmt.Errorf("line %d: alias to an unknown anchor", n.Line)
		}
		if v, ok := c.memo[a]; ok {
			return v, nil
		}
		if c.active[a] {
			return nil, fmt.Errorf("line %d: alias refers to a value that contains it", n.Line)
		}
		c.active[a] = true
		v, err := c.value(a, depth+1)
		delete(c.active, a)
		if err == nil {
			c.memo[a] = v
		}
		return v, err
	case yaml.ScalarNode:
		return artYAMLScalar(n), nil
	case yaml.SequenceNode:
		list := make([]any, 0, len(n.Content))
		for _, item := range n.Content {
			v, err := c.value(item, depth+1)
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
		return list, nil
	case yaml.MappingNode:
		return c.mapping(n, depth)
	}
	return nil, fmt.Errorf("line %d: unsupported YAML node", n.Line)
}

// mapping converts a mapping. Merge keys (<<) are applied as yaml.v3
// does: keys of the mapping itself win over merged ones, and of several
// merged mappings the first listed wins. Of duplicate keys the last wins.
func (c *artYAMLConv) mapping(n *yaml.Node, depth int) (any, error) {
	out := map[string]any{}
	var merges []*yaml.Node
	type entry struct {
		k string
		v any
	}
	var own []entry
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			src := v
			if src.Kind == yaml.AliasNode && src.Alias != nil {
				src = src.Alias
			}
			if src.Kind == yaml.SequenceNode {
				merges = append(merges, src.Content...)
			} else {
				merges = append(merges, v)
			}
			continue
		}
		key, err := c.key(k, depth)
		if err != nil {
			return nil, err
		}
		val, err := c.value(v, depth+1)
		if err != nil {
			return nil, err
		}
		own = append(own, entry{key, val})
	}
	for i := len(merges) - 1; i >= 0; i-- {
		mv, err := c.value(merges[i], depth+1)
		if err != nil {
			return nil, err
		}
		mm, ok := mv.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("line %d: a merge key (<<) must refer to a mapping", merges[i].Line)
		}
		for k, v := range mm {
			out[k] = v
		}
	}
	for _, e := range own {
		out[e.k] = e.v
	}
	return out, nil
}

// key returns the text of a mapping key: a scalar's canonical text, or a
// compact rendering of a list or mapping key.
func (c *artYAMLConv) key(k *yaml.Node, depth int) (string, error) {
	v, err := c.value(k, depth+1)
	if err != nil {
		return "", err
	}
	if s, ok := v.(string); ok {
		return s, nil
	}
	var b strings.Builder
	artCanon(&b, v)
	return b.String(), nil
}

// artCanon writes a compact, deterministic rendering of v (for keys).
func artCanon(b *strings.Builder, v any) {
	if b.Len() > 1000 {
		return // enough to tell keys apart; aliases could make it huge
	}
	switch cv := v.(type) {
	case nil:
		b.WriteString("null")
	case string:
		b.WriteString(cv)
	case []any:
		b.WriteString("[")
		for i, e := range cv {
			if i > 0 {
				b.WriteString(", ")
			}
			artCanon(b, e)
		}
		b.WriteString("]")
	case map[string]any:
		b.WriteString("{")
		for i, k := range sortedKeys(cv) {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(k + ": ")
			artCanon(b, cv[k])
		}
		b.WriteString("}")
	default:
		fmt.Fprint(b, v)
	}
}

// artYAMLScalar converts a scalar by its resolved tag. Timestamps, binary
// and custom tags stay text.
func artYAMLScalar(n *yaml.Node) any {
	switch n.ShortTag() {
	case "!!null":
		return nil
	case "!!bool":
		var b bool
		if n.Decode(&b) == nil {
			return b
		}
	case "!!int":
		var i int64
		if n.Decode(&i) == nil {
			return artInt(big.NewInt(i))
		}
		var u uint64
		if n.Decode(&u) == nil {
			return artInt(new(big.Int).SetUint64(u))
		}
		if len(n.Value) <= 1000 {
			if bi, ok := new(big.Int).SetString(strings.ReplaceAll(n.Value, "_", ""), 0); ok {
				return artInt(bi)
			}
		}
		var f float64
		if n.Decode(&f) == nil {
			return artNumber{f: f}
		}
	case "!!float":
		var f float64
		if n.Decode(&f) == nil {
			return artNumber{f: f}
		}
	}
	return n.Value
}

// artJSONValue parses data as one JSON value. Errors never quote the text.
func artJSONValue(data []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var v any
	err := d.Decode(&v)
	if err == nil {
		if _, extra := d.Token(); extra != io.EOF {
			return nil, fmt.Errorf("line %d: text after the JSON value", artLineAt(data, d.InputOffset()))
		}
		return artFromJSON(v, 0)
	}
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return nil, fmt.Errorf("line %d: syntax error", artLineAt(data, se.Offset))
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		if len(bytes.TrimSpace(data)) == 0 {
			return nil, errors.New("empty file")
		}
		return nil, errors.New("unexpected end of file (truncated?)")
	}
	return nil, errors.New("cannot be decoded")
}

// artLineAt returns the 1-based line of a byte offset.
func artLineAt(data []byte, off int64) int {
	off = min(max(off, 0), int64(len(data)))
	return 1 + bytes.Count(data[:off], []byte("\n"))
}

// artFromJSON converts a value decoded by encoding/json with UseNumber.
func artFromJSON(v any, depth int) (any, error) {
	return artConvert(v, depth, func(v any) any {
		n, ok := v.(json.Number)
		if !ok {
			return v // string, bool, nil
		}
		s := string(n)
		if !strings.ContainsAny(s, ".eE") {
			if bi, ok := new(big.Int).SetString(s, 10); ok {
				return artInt(bi)
			}
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return s
		}
		return artNumber{f: f}
	})
}

// artPlistValue converts a value decoded by howett.net/plist.
func artPlistValue(v any, depth int) (any, error) {
	return artConvert(v, depth, func(v any) any {
		switch cv := v.(type) {
		case uint64:
			return artInt(new(big.Int).SetUint64(cv))
		case int64:
			return artInt(big.NewInt(cv))
		case float64:
			return artNumber{f: cv}
		case float32:
			return artNumber{f: float64(cv)}
		case plist.UID:
			return artInt(new(big.Int).SetUint64(uint64(cv)))
		case []byte:
			return artData(cv)
		case nil, bool, string, time.Time:
			return v
		}
		return fmt.Sprintf("(%T)", v)
	})
}

// artConvert copies a decoded tree of []any and map[string]any, bounded
// in depth, converting every other value with leaf.
func artConvert(v any, depth int, leaf func(any) any) (any, error) {
	if depth > maxArtifactDepth {
		return nil, errArtifactDepth
	}
	switch cv := v.(type) {
	case []any:
		out := make([]any, len(cv))
		for i, e := range cv {
			ev, err := artConvert(e, depth+1, leaf)
			if err != nil {
				return nil, err
			}
			out[i] = ev
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(cv))
		for k, e := range cv {
			ev, err := artConvert(e, depth+1, leaf)
			if err != nil {
				return nil, err
			}
			out[k] = ev
		}
		return out, nil
	}
	return leaf(v), nil
}

// artKindName names a value's type, with an article.
func artKindName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "a mapping"
	case []any:
		return "a list"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case artNumber:
		return "a number"
	case artData:
		return "data"
	case time.Time:
		return "a date"
	}
	return "a value"
}

// artShow renders a scalar for a Difference (composites by type).
func artShow(v any) string {
	switch cv := v.(type) {
	case nil:
		return "null"
	case string:
		return strconv.Quote(artShorten(cv))
	case bool:
		return strconv.FormatBool(cv)
	case artNumber:
		return artShorten(cv.String())
	case artData:
		return fmt.Sprintf("<%d bytes of data>", len(cv))
	case time.Time:
		return cv.UTC().Format(time.RFC3339)
	}
	return artKindName(v)
}

// artScalarEqual compares two values that are not both lists or mappings.
func artScalarEqual(a, b any) bool {
	switch av := a.(type) {
	case nil:
		return b == nil
	case string:
		bv, ok := b.(string)
		return ok && av == bv
	case bool:
		bv, ok := b.(bool)
		return ok && av == bv
	case artNumber:
		bv, ok := b.(artNumber)
		return ok && av.equal(bv)
	case artData:
		bv, ok := b.(artData)
		return ok && bytes.Equal(av, bv)
	case time.Time:
		bv, ok := b.(time.Time)
		return ok && av.Equal(bv)
	}
	return false
}

// artDiffKind is the shape of one difference.
type artDiffKind int

const (
	artDiffValue artDiffKind = iota // both sides have a value; they differ
	artOnlyLeft                     // only the wanted side (input, template) has the key
	artOnlyRight                    // only the file on disk has the key
)

// artDiffRec is one difference, formatted once all secrets are known.
type artDiffRec struct {
	path   *artPath
	kind   artDiffKind
	a, b   any
	hidden bool
}

// artDiffer compares a wanted value tree (left: input or rendered template)
// with the one on disk (right), collecting differences.
type artDiffer struct {
	leftIn, rightIn     string // "in input", "in output"
	onlyLeft, onlyRight string
	sentinels           []artSentinel
	secrets             map[string]bool // strings never to show
	notes               []string        // differences that are not about a key
	recs                []artDiffRec
	visits              int
}

func newArtDiffer(leftIn, rightIn, onlyLeft, onlyRight string) *artDiffer {
	return &artDiffer{leftIn: leftIn, rightIn: rightIn, onlyLeft: onlyLeft, onlyRight: onlyRight}
}

// parseFailure notes that the file what could not be read as format.
func (d *artDiffer) parseFailure(what, format string, err error) {
	switch {
	case err == nil:
	case errors.Is(err, errArtifactDepth):
		d.note("cannot check: the %s is %s", what, err)
	default:
		d.note("the %s is not valid %s (%s)", what, format, err)
	}
}

func (d *artDiffer) note(format string, args ...any) {
	d.notes = append(d.notes, fmt.Sprintf(format, args...))
}

// addSecrets records strings that must never be shown. Very short ones
// are left out: they would hide nearly every value.
func (d *artDiffer) addSecrets(ss ...string) {
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
func (d *artDiffer) compare(want, have any) {
	d.addSecrets(artSecrets(want)...)
	d.addSecrets(artSecrets(have)...)
	d.walk(want, have, nil, 0, false)
	if d.visits > maxArtifactNodes {
		d.note("cannot check: the files hold more than %d values", maxArtifactNodes)
	}
}

// finish turns the collected differences into r's State and Differences.
func (d *artDiffer) finish(r ArtifactResult) ArtifactResult {
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
		if i == artMaxDiffs {
			r.Differences = append(r.Differences, fmt.Sprintf("… and %d more differences", len(d.recs)-artMaxDiffs))
			break
		}
		r.Differences = append(r.Differences, d.format(rec, secrets))
	}
	r.State = ArtifactOK
	if len(r.Differences) > 0 {
		r.State = ArtifactDrift
	}
	return r
}

// format writes one difference; secrets are d.secrets, sorted.
func (d *artDiffer) format(r artDiffRec, secrets []string) string {
	p := r.path.String(secrets)
	key := "key " + p
	if p == "" {
		key = "top level"
	}
	switch r.kind {
	case artOnlyLeft:
		return key + ": " + d.onlyLeft
	case artOnlyRight:
		return key + ": " + d.onlyRight
	}
	if r.hidden || artHoldsSecret(r.a, secrets) || artHoldsSecret(r.b, secrets) {
		return key + " differs (value hidden)"
	}
	return fmt.Sprintf("%s: %s %s, %s %s", key, artShow(r.a), d.leftIn, artShow(r.b), d.rightIn)
}

// artHoldsSecret reports whether v is a string containing one of secrets.
func artHoldsSecret(v any, secrets []string) bool {
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

func (d *artDiffer) add(p *artPath, kind artDiffKind, a, b any, hidden bool) {
	d.recs = append(d.recs, artDiffRec{path: p, kind: kind, a: a, b: b, hidden: hidden})
}

// walk compares a (wanted) with b (on disk) at path p. hide is set when
// values at p may be credentials.
func (d *artDiffer) walk(a, b any, p *artPath, depth int, hide bool) {
	d.visits++
	if d.visits > maxArtifactNodes {
		return
	}
	if depth > maxArtifactDepth {
		d.add(p, artDiffValue, "(nested too deep to compare)", "", true)
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
	if !artScalarEqual(a, b) {
		d.add(p, artDiffValue, a, b, hide)
	}
}

func (d *artDiffer) maps(a, b map[string]any, p *artPath, depth int, hide bool) {
	// Pair keys: equal keys first, then template keys holding a Keychain
	// placeholder with the first unpaired installed key they match.
	pair := map[string]string{} // a key -> b key
	used := map[string]bool{}
	for k := range a {
		if _, ok := b[k]; ok {
			pair[k], used[k] = k, true
		}
	}
	for _, k := range sortedKeys(a) {
		if _, ok := pair[k]; ok || !d.patterned(k) {
			continue
		}
		re, err := d.pattern(k)
		if err != nil {
			continue
		}
		for _, bk := range sortedKeys(b) {
			if !used[bk] && re.MatchString(bk) {
				pair[k], used[bk] = bk, true
				d.addSecrets(artCaptures(re, bk)...)
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
		cp := &artPath{parent: p, key: e.name}
		switch {
		case !e.inB:
			d.add(cp, artOnlyLeft, nil, nil, true)
		case !e.inA:
			d.add(cp, artOnlyRight, nil, nil, true)
		default:
			secret := hide || secretName(e.name) || secretName(e.bk)
			d.walk(a[e.ak], b[e.bk], cp, depth+1, secret)
		}
		if d.visits > maxArtifactNodes {
			return
		}
	}
}

func (d *artDiffer) lists(a, b []any, p *artPath, depth int, hide bool) {
	for i := range max(len(a), len(b)) {
		cp := &artPath{parent: p, index: i, isIndex: true}
		switch {
		case i >= len(b):
			d.add(cp, artOnlyLeft, nil, nil, true)
		case i >= len(a):
			d.add(cp, artOnlyRight, nil, nil, true)
		default:
			d.walk(a[i], b[i], cp, depth+1, hide || artSecretArg(a, i) || artSecretArg(b, i))
		}
		if d.visits > maxArtifactNodes {
			return
		}
	}
}

// artPath is the path of a value in a tree, built while walking it and
// written out only for differences.
type artPath struct {
	parent  *artPath // nil at the top level
	key     string   // a mapping key, unless isIndex
	index   int
	isIndex bool
}

// String writes the path as dotted keys with array indexes, replacing
// any of secrets a key holds, and quoting keys that would read
// ambiguously. The top level is "".
func (p *artPath) String(secrets []string) string {
	var segs []*artPath
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
		if k == "" || strings.ContainsAny(k, ".[]\"") || strings.IndexFunc(k, func(r rune) bool {
			return r <= ' ' || r == 0x7f || r == utf8.RuneError
		}) >= 0 || utf8.RuneCountInString(k) > artMaxShown {
			b.WriteString("[" + strconv.Quote(artShorten(k)) + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteString(".")
		}
		b.WriteString(k)
	}
	return b.String()
}

// artSecretArg reports whether list[i] may hold a credential: it follows an
// option such as --token or --api-key, or it is NAME=value (or
// --name=value) with a credential-like NAME.
func artSecretArg(list []any, i int) bool {
	if i > 0 {
		if prev, ok := list[i-1].(string); ok && strings.HasPrefix(prev, "-") &&
			!strings.Contains(prev, "=") && secretName(strings.TrimLeft(prev, "-")) {
			return true
		}
	}
	if s, ok := list[i].(string); ok {
		name, _, has := strings.Cut(strings.TrimLeft(s, "-"), "=")
		return has && secretName(name)
	}
	return false
}

// artSecrets returns every string that may be a credential in v: the
// strings under credential-like keys and secret arguments (see
// artSecretArg), and the value part of NAME=value arguments.
func artSecrets(v any) []string {
	var out []string
	visits := 0
	var walk func(v any, hide bool, depth int)
	walk = func(v any, hide bool, depth int) {
		visits++
		if depth > maxArtifactDepth || visits > maxArtifactNodes {
			return
		}
		switch cv := v.(type) {
		case string:
			if hide {
				out = append(out, cv)
			}
		case map[string]any:
			for _, k := range sortedKeys(cv) {
				walk(cv[k], hide || secretName(k), depth+1)
			}
		case []any:
			for i, e := range cv {
				secret := hide || artSecretArg(cv, i)
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
func (d *artDiffer) patterned(s string) bool {
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
func (d *artDiffer) pattern(s string) (*regexp.Regexp, error) {
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

// artCaptures returns the text each sentinel matched.
func artCaptures(re *regexp.Regexp, s string) []string {
	m := re.FindStringSubmatch(s)
	if len(m) < 2 {
		return nil
	}
	return m[1:]
}

// display writes a template string with its sentinels shown as the
// placeholders they stand for.
func (d *artDiffer) display(s string) string {
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
func (d *artDiffer) matchPattern(s string, b any, p *artPath) {
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
		d.addSecrets(artCaptures(re, bs)...)
		return
	}
	if ok {
		d.addSecrets(bs)
	}
	d.add(p, artDiffValue, d.display(s), b, true)
}
