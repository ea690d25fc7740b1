package artifact

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"math"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/driftmap/driftmap/sources/redact"
	"github.com/driftmap/driftmap/sources/rootfs"
	"github.com/driftmap/driftmap/sources/sanctum"
)

// A RegenerateError says why an artifact cannot be regenerated: it is
// not drifted or missing, its output is in the workspace, an input
// cannot be read or rendered, or a template placeholder that Check does
// not compare has no value to take from the installed plist, which a
// person must then fill in. Its message names files, lines, keys and
// placeholders, never a value.
type RegenerateError struct {
	Output      string // the artifact's output (Result.Output)
	Placeholder string // the placeholder a person must fill in ("OPENAI_API_KEY"), or ""
	File        string // the template holding the placeholder, or ""
	Line        int    // the placeholder's line in File, or 0
	Message     string // what stops it
}

func (e *RegenerateError) Error() string {
	return "cannot regenerate " + e.Output + ": " + e.Message
}

// Default permissions of a regenerated output that does not exist yet.
// A JSON cache of instance.yaml holds its credentials.
const (
	modeDefault   fs.FileMode = 0o644
	modeJSONCache fs.FileMode = 0o600
)

// Regenerate returns the bytes r.Output should hold, and their
// permission bits, for Check to report the artifact OK: r is a Result of
// Check whose State is Drift or Missing, and whose output is inside the
// root (fix never writes the workspace). It reads, through fsys and the
// workspace as Check does, and never writes.
//
//   - copy: the input's bytes, verbatim;
//   - json-cache: the input (YAML) as JSON, two-space indent, keys
//     sorted, a trailing newline; numbers stay numbers and non-string
//     keys become their text, as Check compares them. The JSON is flat
//     (dotted top-level keys) when the existing output is flat (see
//     Check), nested otherwise;
//   - template: the template rendered as Check renders it, except the
//     placeholders Check does not compare (credential-like and unmapped
//     UPPER_CASE ones): each use takes the text at its place in the
//     installed plist (XML or binary; inside a longer string, the text
//     the template's text around it leaves), XML-escaped. When the
//     installed plist is missing, or holds no such text there (the key is
//     absent, the value is no string or does not match), it is a
//     *RegenerateError naming the placeholder and its template line:
//     a person must fill it in. A placeholder in no value (in a comment)
//     is written back as it was. A template with TemplateErrors cannot be
//     regenerated.
//
// The permission bits are the existing output's (a symlink's target's),
// or 0644 (copy, template) and 0600 (json-cache) for a new file.
//
// Before returning, the bytes are compared with the inputs as Check
// compares them (templates with their uncompared placeholders), and
// bytes that would not check OK are an error, as is output larger than
// Check reads. Every error is a *RegenerateError.
func Regenerate(fsys rootfs.FS, env Env, r Result) (data []byte, mode fs.FileMode, err error) {
	c := newChecker(fsys, env)
	g := &regen{c: c, output: r.Output}
	defer func() {
		if p := recover(); p != nil {
			data, mode, err = nil, 0, g.fail("internal error: %s", redact.PanicText(p))
		}
	}()
	switch r.State {
	case Drift, Missing:
	default:
		return nil, 0, g.fail("it is %s; only a drifted or missing artifact is regenerated", r.State)
	}
	out, err := c.locate(r.Spec.Output)
	if err != nil {
		return nil, 0, g.fail("output %s", err)
	}
	if !out.inRoot {
		return nil, 0, g.fail("its output is in the workspace, which fix never writes")
	}
	in, err := c.locate(r.Spec.Input)
	if err != nil {
		return nil, 0, g.fail("input %s", err)
	}
	defMode := modeDefault
	switch r.Spec.Kind {
	case sanctum.ArtifactCopy, sanctum.ArtifactJSONCache:
		if r.Output != out.name {
			return nil, 0, g.fail("the result's output is not its spec's (%s)", out.name)
		}
		if r.Spec.Kind == sanctum.ArtifactJSONCache {
			defMode = modeJSONCache
		}
		data, err = g.file(r.Spec.Kind, in, out)
	case sanctum.ArtifactTemplate:
		name := path.Base(r.Output)
		if path.Dir(r.Output) != out.name || !strings.HasSuffix(name, ".plist") {
			return nil, 0, g.fail("the result's output is no template output of its spec (%s/*.plist)", out.name)
		}
		out = out.join(name)
		data, err = g.template(in.join(name), out)
	default:
		return nil, 0, g.fail("unknown artifact kind %q", string(r.Spec.Kind))
	}
	if err != nil {
		return nil, 0, err
	}
	mode, err = g.mode(out.name, defMode)
	if err != nil {
		return nil, 0, err
	}
	return data, mode, nil
}

// regen is one Regenerate call.
type regen struct {
	c      *checker
	output string
}

func (g *regen) fail(format string, args ...any) *RegenerateError {
	return &RegenerateError{Output: g.output, Message: fmt.Sprintf(format, args...)}
}

// mode returns the permission bits of the existing output p (through
// symlinks), or def when it does not exist.
func (g *regen) mode(p string, def fs.FileMode) (fs.FileMode, error) {
	phys, err := rootfs.Resolve(g.c.fsys, p)
	if rootfs.IsNotExist(err) {
		return def, nil
	}
	if err != nil {
		return 0, g.fail("cannot resolve output %s: %s", p, rootfs.Reason(err))
	}
	fi, err := g.c.fsys.Lstat(phys)
	switch {
	case rootfs.IsNotExist(err):
		return def, nil
	case err != nil:
		return 0, g.fail("cannot stat output %s: %s", p, rootfs.Reason(err))
	case !fi.Mode().IsRegular():
		return 0, g.fail("output %s is %s, not a regular file", p, rootfs.FileKind(fi.Mode()))
	}
	return fi.Mode().Perm(), nil
}

// file regenerates a copy or json-cache artifact, and checks the result
// as Check would.
func (g *regen) file(kind sanctum.ArtifactKind, in, out location) ([]byte, error) {
	max := rootfs.MaxYAML
	if kind == sanctum.ArtifactJSONCache {
		max = rootfs.MaxFleet
	}
	inData, err := g.c.readFile(in, max)
	if err != nil {
		return nil, g.fail("cannot read input %s: %s", in.name, rootfs.Reason(err))
	}
	data := inData
	if kind == sanctum.ArtifactJSONCache {
		flat := false
		switch old, err := g.c.readFile(out, max); {
		case rootfs.IsNotExist(err):
		case err != nil:
			return nil, g.fail("cannot read output %s: %s", out.name, rootfs.Reason(err))
		default:
			have, err := jsonValue(old)
			flat = err == nil && isFlat(have)
		}
		if data, err = g.jsonCache(inData, flat); err != nil {
			return nil, err
		}
	}
	if int64(len(data)) > max {
		return nil, g.fail("the output would be larger than Check reads (%s)", (&rootfs.TooLargeError{Max: max}).Error())
	}
	if r := compareFile(kind, inData, data).finish(Result{}); r.State != OK {
		return nil, g.fail("the regenerated output would not check OK: %s", r.Differences[0])
	}
	return data, nil
}

// jsonCache renders instance.yaml's text as a JSON cache (see
// Regenerate), flat or nested.
func (g *regen) jsonCache(inData []byte, flat bool) ([]byte, error) {
	want, err := yamlValue(inData)
	if err != nil {
		return nil, g.fail("the input is not valid YAML (%s)", err)
	}
	j := &jsonConv{limit: walkLimit(len(inData)), secrets: secretStrings(want, walkLimit(len(inData)))}
	v, err := j.value(want, nil, 0)
	if err != nil {
		return nil, g.fail("%s", err)
	}
	if flat {
		if v, err = j.flat(v); err != nil {
			return nil, g.fail("%s", err)
		}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, g.fail("cannot write JSON: %s", redact.String(err.Error()))
	}
	return b.Bytes(), nil
}

// jsonConv turns values into what encoding/json writes as Check reads
// them back: maps (whose keys it sorts), lists, json.Number, strings,
// booleans and null. Aliases share subtrees that a tree walk expands,
// so the walk is bounded in values and in bytes.
type jsonConv struct {
	limit, visits int
	bytes         int64
	secrets       []string // never shown in a key
}

func (j *jsonConv) spend(n int) error {
	j.visits++
	j.bytes += int64(n)
	switch {
	case j.visits > j.limit:
		return fmt.Errorf("the input holds more than %d values once aliases are expanded", j.limit)
	case j.bytes > rootfs.MaxFleet:
		return fmt.Errorf("the output would be larger than %s", (&rootfs.TooLargeError{Max: rootfs.MaxFleet}).Error())
	}
	return nil
}

func (j *jsonConv) value(v any, p *keyPath, depth int) (any, error) {
	if depth > maxDepth {
		return nil, errDepth
	}
	switch cv := v.(type) {
	case map[string]any:
		if err := j.spend(2); err != nil {
			return nil, err
		}
		out := make(map[string]any, len(cv))
		for _, k := range slices.Sorted(maps.Keys(cv)) {
			if err := j.spend(len(k) + 4); err != nil {
				return nil, err
			}
			x, err := j.value(cv[k], &keyPath{parent: p, key: k}, depth+1)
			if err != nil {
				return nil, err
			}
			out[k] = x
		}
		return out, nil
	case []any:
		if err := j.spend(2); err != nil {
			return nil, err
		}
		out := make([]any, len(cv))
		for i, e := range cv {
			x, err := j.value(e, &keyPath{parent: p, index: i, isIndex: true}, depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	case number:
		if cv.i == nil && (math.IsNaN(cv.f) || math.IsInf(cv.f, 0)) {
			return nil, fmt.Errorf("%s holds a number JSON cannot write (NaN or infinity)", keyName(p, j.secrets))
		}
		s := cv.String()
		if cv.i == nil && jsonNumber.MatchString(cv.text) {
			s = cv.text // as written: 1e3 stays 1e3, a long integer keeps its digits
		}
		return json.Number(s), j.spend(len(s))
	case string:
		return cv, j.spend(len(cv) + 2)
	case nil, bool:
		return cv, j.spend(5)
	}
	return nil, fmt.Errorf("%s holds %s, which JSON cannot write", keyName(p, j.secrets), kindName(v))
}

// jsonNumber matches a JSON number literal.
var jsonNumber = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

// flat flattens v as Check's flatten does (see isFlat), in key order,
// refusing two paths that flatten to the same key.
func (j *jsonConv) flat(v any) (any, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return v, nil
	}
	out := map[string]any{}
	var walk func(prefix string, m map[string]any, depth int) error
	walk = func(prefix string, m map[string]any, depth int) error {
		for _, k := range slices.Sorted(maps.Keys(m)) {
			x := m[k]
			if sub, ok := x.(map[string]any); ok && depth < maxDepth {
				if err := walk(prefix+k+".", sub, depth+1); err != nil {
					return err
				}
				continue
			}
			if _, dup := out[prefix+k]; dup {
				return fmt.Errorf("two keys flatten to %s", (&keyPath{key: prefix + k, dotted: true}).String(j.secrets))
			}
			out[prefix+k] = x
		}
		return nil
	}
	return out, walk("", m, 0)
}

// keyName names the key at p for a message ("key a.b", "the top
// level"), hiding any of secrets it holds.
func keyName(p *keyPath, secrets []string) string {
	if s := p.String(secrets); s != "" {
		return "key " + s
	}
	return "the top level"
}
