// Package artifact verifies generated artifacts: runtime files generated
// from checked-in inputs (a copied YAML file, instance.yaml cached as
// JSON, LaunchAgent plists rendered from templates). Which artifacts
// exist is declared by package sanctum (ArtifactSpec, DefaultArtifacts);
// this package checks them. Check regenerates each in memory and
// compares the result with what is on disk, as values: key order,
// comments and formatting never count. Regenerate returns the bytes a
// drifted or missing output should hold for Check to find it OK (for
// `driftmap fix`, which writes them through package render), taking
// the values of the template placeholders Check does not compare from
// the installed plist.
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
//
// It reads through a rootfs.FS (and the workspace, through
// rootfs.ReadHostFile), never writes, and bounds every read (the caps of
// package rootfs), every comparison and every regeneration in depth and
// size. Regenerate's errors never quote a value either.
package artifact

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/driftmap/driftmap/sources/launchd"
	"github.com/driftmap/driftmap/sources/record"
	"github.com/driftmap/driftmap/sources/redact"
	"github.com/driftmap/driftmap/sources/rootfs"
	"github.com/driftmap/driftmap/sources/sanctum"
)

// State is the outcome of checking one artifact.
type State string

// Artifact states.
const (
	OK      State = "ok"
	Drift   State = "drift"    // output differs from a fresh rendering
	Missing State = "missing"  // input exists, output does not
	NoInput State = "no-input" // input absent: nothing to check
)

// Result is one checked artifact output. A template spec yields
// one result per template file.
type Result struct {
	Spec   sanctum.ArtifactSpec
	Output string   // the output file (path inside root, or host path for workspace files)
	Inputs []string // the input files it is generated from (same path convention)
	State  State
	// Differences says what differs, one line each, naming keys (dotted
	// paths) and, unless the key is credential-like, both values.
	Differences []string
	// TemplateErrors lists placeholders that cannot be resolved.
	TemplateErrors []record.Problem
	// Unmapped lists the template's UPPER_CASE placeholders that
	// Env.Placeholders does not map (credential-like ones excepted): their
	// values were not compared.
	Unmapped []Unmapped
}

// Env is what Check needs besides the specs: where ~ and the workspace
// are, which instance.yaml template placeholders name, and how
// UPPER_CASE placeholders map to it.
type Env struct {
	Home      string // home directory inside root
	Workspace string // host directory
	Instance  string // instance.yaml path (~ allowed)
	// Placeholders map UPPER_CASE placeholders to dotted paths in
	// instance.yaml (driftmap.yaml's placeholders:).
	Placeholders []sanctum.Placeholder
}

// Check checks every spec against the files on disk. Paths
// starting with "~", "/" or $HOME are read inside root through fsys (~
// and $HOME expand to home); other paths are relative to the workspace,
// a host directory, and must stay inside it. A path holding any other
// expansion ($VAR) cannot be checked. Results name root files by their path inside root and
// workspace files by their host path.
//
// For each spec:
//
//   - an absent input gives NoInput, for defaults and declared
//     specs alike (rules decide what that means); so does a template
//     directory without *.plist files;
//   - an absent output (the input exists) gives Missing;
//   - copy compares input and output as parsed YAML; json-cache compares
//     the input (YAML) with the output parsed as JSON, nested or flat:
//     a cache whose top-level keys are dotted paths and whose values are
//     no objects ("services.voice_agent.port": 8765) is compared with
//     the input flattened the same way, and its differences name the
//     dotted keys. Numbers compare
//     by value (YAML 8765, JSON 8765 and 8765.0 are equal); non-string
//     YAML keys compare by their text. A file that does not parse gives
//     Drift with a Difference saying so;
//   - template yields one result per *.plist file in the input directory
//     (sorted), whose output is the file of the same name in the output
//     directory. The template text is rendered: {{HOME}} becomes home,
//     {{a.b.c}} the scalar at that dotted path in ~/.sanctum/instance.yaml
//     (XML-escaped), an UPPER_CASE placeholder such as {{GATEWAY_PORT}}
//     the scalar at the path Env.Placeholders maps it to. An UPPER_CASE
//     placeholder whose name is credential-like ({{OPENAI_API_KEY}}, a
//     Keychain secret) is not compared: it matches any value in the
//     installed plist (and inside a longer string, any text at its
//     place). So is one that Env.Placeholders does not map, which is
//     listed in Result.Unmapped so that it is never a silent wildcard.
//     Rendered template and installed plist (XML or binary) are compared
//     as values. A placeholder that cannot be resolved is
//     never rendered blank: it becomes a TemplateErrors record.Problem with the
//     template's line, and that file is not compared (its State is
//     OK, or Missing when nothing is installed), since
//     any difference found would be an artifact of the broken template.
//     A template that is not a valid plist once rendered is a
//     TemplateErrors record.Problem too.
//
// A file that cannot be read for another reason, or a check that fails
// unexpectedly, gives Drift with a Difference starting "cannot
// check:". Results are sorted by Output, then Kind.
func Check(fsys rootfs.FS, env Env, specs []sanctum.ArtifactSpec) []Result {
	c := newChecker(fsys, env)
	var out []Result
	for _, s := range specs {
		out = append(out, c.check(s)...)
	}
	slices.SortStableFunc(out, func(a, b Result) int {
		if n := strings.Compare(a.Output, b.Output); n != 0 {
			return n
		}
		return strings.Compare(string(a.Spec.Kind), string(b.Spec.Kind))
	})
	return out
}

// Limits on what one comparison may cost.
const (
	maxDepth = 100    // nesting of values
	maxNodes = 200000 // values one comparison may visit beyond 2 per byte of its files (walkLimit)
	maxDiffs = 50     // Difference lines per result
	maxShown = 60     // characters of a value or key shown
)

// checker holds the state of one Check call.
type checker struct {
	fsys            rootfs.FS
	home, workspace string
	inst            *instanceValues // loaded on first use
	instancePath    string          // instance.yaml, whose values template placeholders name
	placeholders    map[string]sanctum.Placeholder
}

func newChecker(fsys rootfs.FS, env Env) *checker {
	c := &checker{fsys: fsys, home: env.Home, workspace: env.Workspace, instancePath: env.Instance,
		placeholders: map[string]sanctum.Placeholder{}}
	for _, p := range env.Placeholders {
		c.placeholders[p.Name] = p
	}
	return c
}

// location is an artifact path located for reading.
type location struct {
	name   string // inside-root path, or host path for workspace files
	inRoot bool
}

// locate resolves an artifact path (see sanctum.ArtifactSpec).
func (c *checker) locate(p string) (location, error) {
	if p == "" {
		return location{}, errors.New("path is empty")
	}
	e, ok := rootfs.Expand(p, c.home)
	if !ok {
		return location{name: p}, fmt.Errorf("path %q holds an expansion other than ~ and $HOME", p)
	}
	if sanctum.IsRootPath(p) {
		return location{name: rootfs.Clean(e), inRoot: true}, nil
	}
	local := filepath.FromSlash(p)
	if !filepath.IsLocal(local) {
		return location{name: p}, fmt.Errorf("path %q leaves the workspace", p)
	}
	return location{name: filepath.Join(c.workspace, local)}, nil
}

// readFile reads a located file: a regular file only, never blocking, at
// most max bytes (see rootfs.ReadHostFile).
func (c *checker) readFile(f location, max int64) ([]byte, error) {
	if f.inRoot {
		return c.fsys.ReadFile(f.name, max)
	}
	return rootfs.ReadHostFile(f.name, max)
}

func (c *checker) readDir(f location) ([]fs.DirEntry, error) {
	if f.inRoot {
		return c.fsys.ReadDir(f.name)
	}
	return rootfs.ReadHostDir(f.name)
}

// join names a file inside a located directory.
func (f location) join(name string) location {
	if f.inRoot {
		return location{name: path.Join(f.name, name), inRoot: true}
	}
	return location{name: filepath.Join(f.name, name)}
}

// cannot marks r as impossible to check.
func cannot(r Result, format string, args ...any) Result {
	r.State = Drift
	r.Differences = []string{"cannot check: " + fmt.Sprintf(format, args...)}
	return r
}

// check checks one spec; a panic becomes a "cannot check" result.
func (c *checker) check(s sanctum.ArtifactSpec) (out []Result) {
	base := Result{Spec: s, Output: s.Output}
	defer func() {
		if r := recover(); r != nil {
			out = []Result{cannot(base, "internal error: %s", redact.PanicText(r))}
		}
	}()
	outF, err := c.locate(s.Output)
	if err != nil {
		return []Result{cannot(base, "output %s", err)}
	}
	base.Output = outF.name
	in, err := c.locate(s.Input)
	if err != nil {
		return []Result{cannot(base, "input %s", err)}
	}
	base.Inputs = []string{in.name}
	switch s.Kind {
	case sanctum.ArtifactCopy, sanctum.ArtifactJSONCache:
		return []Result{c.checkFile(base, in, outF)}
	case sanctum.ArtifactTemplate:
		return c.checkTemplates(base, in, outF)
	}
	return []Result{cannot(base, "unknown artifact kind %q", string(s.Kind))}
}

// checkFile checks a copy or json-cache artifact. A json-cache caches
// instance.yaml, so it is read with instance.yaml's cap.
func (c *checker) checkFile(r Result, in, out location) Result {
	max := rootfs.MaxYAML
	if r.Spec.Kind == sanctum.ArtifactJSONCache {
		max = rootfs.MaxFleet
	}
	inData, err := c.readFile(in, max)
	switch {
	case rootfs.IsNotExist(err):
		r.State = NoInput
		return r
	case err != nil:
		return cannot(r, "cannot read input %s: %s", in.name, rootfs.Reason(err))
	}
	outData, err := c.readFile(out, max)
	switch {
	case rootfs.IsNotExist(err):
		r.State = Missing
		return r
	case err != nil:
		return cannot(r, "cannot read output %s: %s", out.name, rootfs.Reason(err))
	}
	return compareFile(r.Spec.Kind, inData, outData).finish(r)
}

// compareFile compares the input and output of a copy or json-cache
// artifact as values: the comparison Check makes, and Regenerate's
// self-check.
func compareFile(kind sanctum.ArtifactKind, inData, outData []byte) *differ {
	d := newDiffer(len(inData)+len(outData), "in input", "in output", "only in input", "only in output")
	want, err := yamlValue(inData)
	d.parseFailure("input", "YAML", err)
	var have any
	if kind == sanctum.ArtifactJSONCache {
		have, err = jsonValue(outData)
		d.parseFailure("output", "JSON", err)
	} else {
		have, err = yamlValue(outData)
		d.parseFailure("output", "YAML", err)
	}
	if len(d.notes) == 0 {
		if kind == sanctum.ArtifactJSONCache && isFlat(have) {
			want, d.flat = flatten(want), true
		}
		d.compare(want, have)
	}
	return d
}

// isFlat reports whether a JSON cache is flat: an object whose keys are
// dotted paths ("services.voice_agent.port": 8765) rather than nested
// objects. It is when no value is an object and some key holds a dot.
func isFlat(v any) bool {
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	dotted := false
	for k, x := range m {
		if _, nested := x.(map[string]any); nested {
			return false
		}
		dotted = dotted || strings.Contains(k, ".")
	}
	return dotted
}

// flatten turns nested mappings into one mapping whose keys are the
// dotted paths of their leaves, the shape of a flat cache: lists and
// scalars are leaves, and an empty mapping leaves no key. A value that
// is not a mapping is returned as it is.
func flatten(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := map[string]any{}
	var walk func(prefix string, m map[string]any, depth int)
	walk = func(prefix string, m map[string]any, depth int) {
		for k, x := range m {
			if sub, ok := x.(map[string]any); ok && depth < maxDepth {
				walk(prefix+k+".", sub, depth+1)
				continue
			}
			out[prefix+k] = x
		}
	}
	walk("", m, 0)
	return out
}

// checkTemplates checks every template of a template artifact.
func (c *checker) checkTemplates(base Result, dir, outDir location) []Result {
	entries, err := c.readDir(dir)
	switch {
	case rootfs.IsNotExist(err):
		base.State = NoInput
		return []Result{base}
	case err != nil:
		return []Result{cannot(base, "cannot read template directory %s: %s", dir.name, rootfs.Reason(err))}
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".plist") {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	if len(names) == 0 {
		base.State = NoInput
		return []Result{base}
	}
	out := make([]Result, 0, len(names))
	for _, name := range names {
		out = append(out, c.checkTemplate(base.Spec, dir.join(name), outDir.join(name)))
	}
	return out
}

// checkTemplate checks one template file against its installed plist.
func (c *checker) checkTemplate(spec sanctum.ArtifactSpec, tmpl, installed location) (r Result) {
	inst := c.instance()
	r = Result{Spec: spec, Output: installed.name, Inputs: []string{tmpl.name, inst.file}}
	defer func() {
		if p := recover(); p != nil {
			r = cannot(r, "internal error: %s", redact.PanicText(p))
		}
	}()
	text, err := c.readFile(tmpl, rootfs.MaxPlist)
	if err != nil {
		return cannot(r, "cannot read template %s: %s", tmpl.name, rootfs.Reason(err))
	}
	have, err := c.readFile(installed, rootfs.MaxPlist)
	switch {
	case rootfs.IsNotExist(err):
		r.State = Missing
		// Still render, so that broken placeholders are reported.
		rt, probs := c.renderTemplate(text, tmpl.name)
		r.TemplateErrors, r.Unmapped = probs, rt.unmapped
		return r
	case err != nil:
		return cannot(r, "cannot read installed plist %s: %s", installed.name, rootfs.Reason(err))
	}
	rt, probs := c.renderTemplate(text, tmpl.name)
	r.TemplateErrors, r.Unmapped = probs, rt.unmapped
	if len(probs) > 0 {
		r.State = OK // not compared: see Check
		return r
	}
	return compareTemplate(rt, inst, len(text), have).finish(r)
}

// compareTemplate compares a rendered template (of textLen bytes) with
// the installed plist have, as values: the comparison Check makes, and
// Regenerate's self-check.
func compareTemplate(rt rendered, inst *instanceValues, textLen int, have []byte) *differ {
	d := newDiffer(textLen+len(have), "in template", "installed", "only in template", "only in the installed plist")
	d.sentinels = rt.sentinels
	d.addSecrets(rt.secrets...)
	d.addSecrets(inst.secrets...)
	haveVal, err := installedValue(have)
	if err != nil {
		d.note("%s", err)
		return d
	}
	d.compare(rt.value, haveVal)
	return d
}

// installedValue decodes an installed plist (XML or binary) into values.
// Its errors never quote the file.
func installedValue(have []byte) (any, error) {
	haveRoot, _, err := launchd.Decode(have)
	if err != nil {
		line, msg := plistError(have)
		if line > 0 {
			msg += fmt.Sprintf(" (line %d)", line)
		}
		return nil, errors.New("the installed plist is " + msg)
	}
	haveVal, err := plistValue(haveRoot, 0)
	if err != nil {
		return nil, errors.New("cannot check: the installed plist is " + err.Error())
	}
	return haveVal, nil
}

// plistError says why data is not a property list, and on which line
// (0 when unknown), in words of our own (see launchd.Invalid).
func plistError(data []byte) (int, string) {
	if len(bytes.TrimSpace(data)) == 0 {
		return 0, "empty: not a property list"
	}
	return launchd.Invalid(data)
}
