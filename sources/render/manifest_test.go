package render

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/driftmap/driftmap/sources"
	"github.com/driftmap/driftmap/sources/record"
	"github.com/driftmap/driftmap/sources/sanctum"
	"github.com/driftmap/driftmap/sources/sourcetest"
	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"
	"gopkg.in/yaml.v3"
)

// updateRender rewrites the expected sections of the render test cases.
// (Other packages' tests use -update; this one has its own name so both
// can be passed to `go test ./...`.)
var updateRender = flag.Bool("update-render", false,
	"rewrite the out.yaml, diffs, error and unified.diff sections of testdata/render/cases/*/*.txtar and the diff sections of testdata/render/unified-diff/*.txtar")

// The code under test, named once so that these tests move with it.
var (
	renderManifest = Manifest
	readManifest   = sanctum.ParseManifest
	normName       = sources.NormName
)

type renderError = ManifestError

// Render test cases live in testdata/render/cases/KIND/NAME.txtar, one
// manifest each. The archive comment is YAML: the desired manifest
// (service, file, port, requires, launchagent, generated_from) and these
// options:
//
//	input_from: KIND/NAME      # in.yaml is that case's in.yaml
//	crlf: [in.yaml, out.yaml]  # the section's lines end in \r\n, not \n
//	bom: [in.yaml]             # the section starts with a U+FEFF byte order mark
//	no_final_newline: [in.yaml] # the section's final \n is not part of it
//
// (Sections must not hold a raw carriage return or byte order mark: the
// options spell them.) The sections are:
//
//	in.yaml        the current manifest; absent: there is none yet (nil)
//	out.yaml       the expected output; absent: in.yaml, byte for byte
//	diffs          the expected FieldDiffs, one a line: "FIELD: HAVE -> WANT",
//	               then " (line N)" when Line is set; absent: none (nil)
//	error          the expected *ManifestError's Problem, as
//	               "file:", "line:", "key:" and "message:" lines
//	unified.diff   the expected UnifiedDiff(file, in.yaml, out.yaml)
//	unified.lines  the lines of that diff starting with - or + (headers
//	               included), exactly
//	out.contains   lines the output must contain
//
// -update-render rewrites out.yaml, diffs, error and unified.diff (if
// present) from what the renderer does; unified.lines and out.contains are
// never rewritten, and each KIND holds its cases to a shape, so a rewrite
// that changes a case's kind fails the next run:
//
//	new        no in.yaml; out.yaml and diffs; no error
//	unchanged  in.yaml; no out.yaml, diffs or error
//	changed    in.yaml, out.yaml and diffs; no error
//	errors     in.yaml and error; nothing else expected
//
// Every successful rendering is also checked by checkRendered and must be
// deterministic.
const renderCasesDir = "testdata/render/cases"

func TestRenderManifestNew(t *testing.T)       { runRenderCases(t, "new") }
func TestRenderManifestUnchanged(t *testing.T) { runRenderCases(t, "unchanged") }
func TestRenderManifestChanged(t *testing.T)   { runRenderCases(t, "changed") }
func TestRenderManifestErrors(t *testing.T)    { runRenderCases(t, "errors") }

func runRenderCases(t *testing.T, kind string) {
	n := 0
	for _, c := range loadRenderCases(t) {
		if c.kind == kind {
			n++
			t.Run(c.base, c.run)
		}
	}
	if n == 0 {
		t.Fatalf("no cases in %s/%s", renderCasesDir, kind)
	}
}

// renderCaseHeader is the archive comment of a render case.
type renderCaseHeader struct {
	Service        string   `yaml:"service"`
	File           string   `yaml:"file"`
	Port           int      `yaml:"port"`
	Requires       []string `yaml:"requires"`
	LaunchAgent    string   `yaml:"launchagent"`
	GeneratedFrom  []string `yaml:"generated_from"`
	InputFrom      string   `yaml:"input_from"`
	CRLF           []string `yaml:"crlf"`
	BOM            []string `yaml:"bom"`
	NoFinalNewline []string `yaml:"no_final_newline"`
}

// renderCaseSections lists the sections a case may hold, in archive order.
var renderCaseSections = []string{"in.yaml", "out.yaml", "diffs", "error", "unified.diff", "unified.lines", "out.contains"}

type renderCase struct {
	kind, base string // testdata/render/cases/KIND/BASE.txtar
	path       string
	ar         *txtar.Archive
	head       renderCaseHeader
	d          DesiredManifest
	in         []byte            // nil: no manifest yet
	sections   map[string][]byte // decoded (options applied)
}

// loadRenderCases reads every render case, sorted by kind and name.
func loadRenderCases(tb testing.TB) []*renderCase {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join(renderCasesDir, "*", "*.txtar"))
	if err != nil || len(paths) == 0 {
		tb.Fatalf("no render cases in %s: %v", renderCasesDir, err)
	}
	byName := map[string]*renderCase{}
	var cases []*renderCase
	for _, path := range paths {
		c, err := readRenderCase(path)
		if err != nil {
			tb.Fatalf("%s: %v", path, err)
		}
		byName[c.kind+"/"+c.base] = c
		cases = append(cases, c)
	}
	for _, c := range cases {
		if c.head.InputFrom == "" {
			continue
		}
		from, ok := byName[c.head.InputFrom]
		switch {
		case !ok:
			tb.Fatalf("%s: input_from: no case %s", c.path, c.head.InputFrom)
		case from.in == nil || from.head.InputFrom != "":
			tb.Fatalf("%s: input_from: %s has no in.yaml of its own", c.path, c.head.InputFrom)
		}
		c.in = from.in
	}
	return cases
}

func readRenderCase(path string) (*renderCase, error) {
	ar, err := txtar.ParseFile(path)
	if err != nil {
		return nil, err
	}
	c := &renderCase{
		kind:     filepath.Base(filepath.Dir(path)),
		base:     strings.TrimSuffix(filepath.Base(path), ".txtar"),
		path:     path,
		ar:       ar,
		sections: map[string][]byte{},
	}
	dec := yaml.NewDecoder(bytes.NewReader(ar.Comment))
	dec.KnownFields(true)
	if err := dec.Decode(&c.head); err != nil && err != io.EOF {
		return nil, fmt.Errorf("header: %v", err)
	}
	for _, opt := range slices.Concat(c.head.CRLF, c.head.BOM, c.head.NoFinalNewline) {
		if opt != "in.yaml" && opt != "out.yaml" {
			return nil, fmt.Errorf("header: option for %q: only in.yaml and out.yaml take options", opt)
		}
	}
	h := c.head
	c.d = DesiredManifest{Service: h.Service, File: h.File, Port: h.Port, Requires: h.Requires,
		LaunchAgent: h.LaunchAgent, GeneratedFrom: h.GeneratedFrom}
	for _, f := range ar.Files {
		if !slices.Contains(renderCaseSections, f.Name) {
			return nil, fmt.Errorf("unknown section %q (want one of %v)", f.Name, renderCaseSections)
		}
		if _, dup := c.sections[f.Name]; dup {
			return nil, fmt.Errorf("two %s sections", f.Name)
		}
		data, err := c.decode(f.Name, f.Data)
		if err != nil {
			return nil, err
		}
		c.sections[f.Name] = data
	}
	if in, ok := c.sections["in.yaml"]; ok {
		if h.InputFrom != "" {
			return nil, errors.New("both in.yaml and input_from")
		}
		c.in = in
	}
	return c, nil
}

// decode returns the bytes the on-disk text of section name stands for.
// The result is never nil.
func (c *renderCase) decode(name string, text []byte) ([]byte, error) {
	if bytes.ContainsAny(text, "\r\ufeff") {
		return nil, fmt.Errorf("%s holds a raw carriage return or byte order mark; use the crlf or bom header option", name)
	}
	data := append([]byte{}, text...)
	if slices.Contains(c.head.NoFinalNewline, name) {
		var ok bool
		if data, ok = bytes.CutSuffix(data, []byte("\n")); !ok {
			return nil, fmt.Errorf("%s: no_final_newline, but it is empty", name)
		}
	}
	if slices.Contains(c.head.CRLF, name) {
		data = bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n"))
	}
	if slices.Contains(c.head.BOM, name) {
		data = append([]byte("\ufeff"), data...)
	}
	return data, nil
}

// encode is the inverse of decode: the on-disk text of section name
// holding data, or an error if the case's options cannot spell data.
func (c *renderCase) encode(name string, data []byte) ([]byte, error) {
	text := append([]byte{}, data...)
	if slices.Contains(c.head.BOM, name) {
		var ok bool
		if text, ok = bytes.CutPrefix(text, []byte("\ufeff")); !ok {
			return nil, fmt.Errorf("%s: bom, but the data does not start with one", name)
		}
	}
	if slices.Contains(c.head.CRLF, name) {
		crlf := bytes.Count(text, []byte("\r\n"))
		if crlf != bytes.Count(text, []byte("\n")) {
			return nil, fmt.Errorf("%s: crlf, but not every line ends in \\r\\n", name)
		}
		text = bytes.ReplaceAll(text, []byte("\r\n"), []byte("\n"))
	}
	if slices.Contains(c.head.NoFinalNewline, name) {
		if bytes.HasSuffix(text, []byte("\n")) {
			return nil, fmt.Errorf("%s: no_final_newline, but the data ends in a newline", name)
		}
		text = append(text, '\n')
	} else if len(text) > 0 && !bytes.HasSuffix(text, []byte("\n")) {
		return nil, fmt.Errorf("%s: the data has no final newline; add the no_final_newline option", name)
	}
	if bytes.ContainsAny(text, "\r\ufeff") {
		return nil, fmt.Errorf("%s: the data holds a carriage return or byte order mark the options do not spell", name)
	}
	return text, nil
}

// shapeProblem says how the case breaks the shape of its kind, or "".
func (c *renderCase) shapeProblem() string {
	has := func(name string) bool { _, ok := c.sections[name]; return ok }
	hasIn := c.in != nil
	var want [4]bool // in, out.yaml, diffs, error
	switch c.kind {
	case "new":
		want = [4]bool{false, true, true, false}
	case "unchanged":
		want = [4]bool{true, false, false, false}
	case "changed":
		want = [4]bool{true, true, true, false}
	case "errors":
		want = [4]bool{true, false, false, true}
		for _, name := range []string{"unified.diff", "unified.lines", "out.contains"} {
			if has(name) {
				return "an errors case with a " + name + " section"
			}
		}
	default:
		return "unknown kind " + c.kind
	}
	got := [4]bool{hasIn, has("out.yaml"), has("diffs"), has("error")}
	if got != want {
		return fmt.Sprintf("a %s case must have (in.yaml, out.yaml, diffs, error) = %v, has %v", c.kind, want, got)
	}
	if has("diffs") && len(c.sections["diffs"]) == 0 {
		return "an empty diffs section"
	}
	return ""
}

func (c *renderCase) run(t *testing.T) {
	if p := c.shapeProblem(); p != "" {
		t.Fatalf("%s: %s", c.path, p)
	}
	out, diffs, err := renderManifest(c.in, c.d)
	if *updateRender {
		c.update(t, out, diffs, err)
	}
	if want, ok := c.sections["error"]; ok {
		var rerr *renderError
		if !errors.As(err, &rerr) {
			t.Fatalf("err = %v (%T), want a *ManifestError; out:\n%s", err, err, out)
		}
		if d := cmp.Diff(parseRenderProblem(t, want), rerr.Problem); d != "" {
			t.Errorf("problem (-want +got):\n%s", d)
		}
		if out != nil || diffs != nil {
			t.Errorf("got output %q and diffs %+v with an error", out, diffs)
		}
		if c.d.File == "" || !strings.HasPrefix(err.Error(), c.d.File+":") {
			t.Errorf("error %q does not start with the file %q", err, c.d.File)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if want := parseFieldDiffs(t, c.sections["diffs"]); want == nil {
		if diffs != nil {
			t.Errorf("diffs = %+v, want none", diffs)
		}
	} else if d := cmp.Diff(want, diffs); d != "" {
		t.Errorf("diffs (-want +got):\n%s", d)
	}
	want, ok := c.sections["out.yaml"]
	if !ok {
		want = c.in
	}
	if d := cmp.Diff(string(want), string(out)); d != "" {
		t.Errorf("output (-want +got):\n%s", d)
	}
	checkRendered(t, out, c.d)
	if again, _, _ := renderManifest(c.in, c.d); !bytes.Equal(again, out) {
		t.Error("rendering is not deterministic")
	}
	udiff := UnifiedDiff(c.d.File, c.in, out)
	if want, ok := c.sections["unified.diff"]; ok {
		if d := cmp.Diff(string(want), udiff); d != "" {
			t.Errorf("unified diff (-want +got):\n%s", d)
		}
	}
	if want, ok := c.sections["unified.lines"]; ok {
		var changed []string
		for _, line := range strings.Split(udiff, "\n") {
			if strings.HasPrefix(line, "-") || strings.HasPrefix(line, "+") {
				changed = append(changed, line)
			}
		}
		if d := cmp.Diff(renderLines(want), changed); d != "" {
			t.Errorf("changed lines of the unified diff (-want +got):\n%s", d)
		}
	}
	for _, s := range renderLines(c.sections["out.contains"]) {
		if !strings.Contains(string(out), s) {
			t.Errorf("output lost %q", s)
		}
	}
}

// renderLines splits a section into its lines.
func renderLines(data []byte) []string {
	if len(data) == 0 {
		return nil
	}
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
}

// update rewrites the case's expected sections from what the renderer
// did, in memory and on disk.
func (c *renderCase) update(t *testing.T, out []byte, diffs []FieldDiff, err error) {
	t.Helper()
	set := map[string][]byte{} // nil: delete the section
	if err != nil {
		var rerr *renderError
		if !errors.As(err, &rerr) {
			t.Fatalf("cannot record %v (%T): not a *ManifestError", err, err)
		}
		set["error"] = []byte(formatRenderProblem(rerr.Problem))
		set["out.yaml"], set["diffs"], set["unified.diff"] = nil, nil, nil
	} else {
		set["error"] = nil
		if c.in == nil || !bytes.Equal(out, c.in) {
			set["out.yaml"] = out
		} else {
			set["out.yaml"] = nil
		}
		set["diffs"] = nil
		if len(diffs) > 0 {
			set["diffs"] = []byte(formatFieldDiffs(diffs))
		}
		if _, ok := c.sections["unified.diff"]; ok {
			set["unified.diff"] = []byte(UnifiedDiff(c.d.File, c.in, out))
		}
	}
	for name, data := range set {
		if data == nil {
			delete(c.sections, name)
			c.ar.Files = slices.DeleteFunc(c.ar.Files, func(f txtar.File) bool { return f.Name == name })
			continue
		}
		text, err := c.encode(name, data)
		if err != nil {
			t.Fatalf("%s: cannot record %s: %v", c.path, name, err)
		}
		c.sections[name] = data
		setTxtarFile(c.ar, name, text, renderCaseSections)
	}
	writeTxtar(t, c.path, c.ar)
}

// setTxtarFile sets the data of file name, adding it at its place in
// order if the archive lacks it.
func setTxtarFile(ar *txtar.Archive, name string, data []byte, order []string) {
	i := slices.IndexFunc(ar.Files, func(f txtar.File) bool { return f.Name == name })
	if i >= 0 {
		ar.Files[i].Data = data
		return
	}
	rank := slices.Index(order, name)
	i = slices.IndexFunc(ar.Files, func(f txtar.File) bool { return slices.Index(order, f.Name) > rank })
	if i < 0 {
		i = len(ar.Files)
	}
	ar.Files = slices.Insert(ar.Files, i, txtar.File{Name: name, Data: data})
}

// writeTxtar writes ar to path, failing if it would not read back as is
// (a line that looks like a file marker).
func writeTxtar(t *testing.T, path string, ar *txtar.Archive) {
	t.Helper()
	data := txtar.Format(ar)
	back := txtar.Parse(data)
	same := len(back.Files) == len(ar.Files)
	for i := 0; same && i < len(ar.Files); i++ {
		same = back.Files[i].Name == ar.Files[i].Name && bytes.Equal(back.Files[i].Data, ar.Files[i].Data)
	}
	if !same {
		t.Fatalf("%s: cannot write the archive: a section holds a line that looks like a file marker", path)
	}
	sourcetest.Must(t, os.WriteFile(path, data, 0o644))
}

// formatFieldDiffs writes diffs one a line, as in a diffs section.
func formatFieldDiffs(diffs []FieldDiff) string {
	var b strings.Builder
	for _, d := range diffs {
		fmt.Fprintf(&b, "%s: %s -> %s", d.Field, d.Have, d.Want)
		if d.Line != 0 {
			fmt.Fprintf(&b, " (line %d)", d.Line)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// parseFieldDiffs reads a diffs section; nil when it is absent or empty.
func parseFieldDiffs(t *testing.T, data []byte) []FieldDiff {
	t.Helper()
	var diffs []FieldDiff
	for _, line := range renderLines(data) {
		var d FieldDiff
		field, rest, ok1 := strings.Cut(line, ": ")
		if before, n, ok := strings.Cut(rest, " (line "); ok && strings.HasSuffix(n, ")") {
			var err error
			if d.Line, err = strconv.Atoi(strings.TrimSuffix(n, ")")); err == nil {
				rest = before
			}
		}
		have, want, ok2 := strings.Cut(rest, " -> ")
		d.Field, d.Have, d.Want = field, have, want
		if !ok1 || !ok2 || formatFieldDiffs([]FieldDiff{d}) != line+"\n" {
			t.Fatalf("diffs: cannot read %q: want FIELD: HAVE -> WANT [(line N)]", line)
		}
		diffs = append(diffs, d)
	}
	return diffs
}

// formatRenderProblem writes p as an error section.
func formatRenderProblem(p record.Problem) string {
	var b strings.Builder
	if p.File != "" {
		fmt.Fprintf(&b, "file: %s\n", p.File)
	}
	if p.Line != 0 {
		fmt.Fprintf(&b, "line: %d\n", p.Line)
	}
	if p.Key != "" {
		fmt.Fprintf(&b, "key: %s\n", p.Key)
	}
	fmt.Fprintf(&b, "message: %s\n", p.Message)
	return b.String()
}

// parseRenderProblem reads an error section.
func parseRenderProblem(t *testing.T, data []byte) record.Problem {
	t.Helper()
	var p record.Problem
	for _, line := range renderLines(data) {
		k, v, _ := strings.Cut(line, ": ")
		switch k {
		case "file":
			p.File = v
		case "line":
			p.Line, _ = strconv.Atoi(v)
		case "key":
			p.Key = v
		case "message":
			p.Message = v
		}
	}
	if formatRenderProblem(p) != string(data) {
		t.Fatalf("error section:\n%s\nwant file:, line:, key: and message: lines, in that order, as in\n%s", data, formatRenderProblem(p))
	}
	return p
}

// checkRendered asserts what every successful rendering keeps: the output
// reads back through ParseManifest with the desired owned fields, and
// rendering it again changes nothing.
func checkRendered(t *testing.T, out []byte, d DesiredManifest) {
	t.Helper()
	again, diffs, err := renderManifest(out, d)
	if err != nil {
		t.Fatalf("re-render: %v\n%s", err, out)
	}
	if len(diffs) != 0 {
		t.Errorf("re-render diffs: %+v\n%s", diffs, out)
	}
	if string(again) != string(out) {
		t.Errorf("re-render changed bytes:\n%s", UnifiedDiff(d.File, out, again))
	}
	man, probs := readManifest(out, d.File)
	if len(probs) != 0 {
		t.Errorf("ParseManifest problems: %+v", probs)
	}
	var requires []string
	for _, r := range man.Requires {
		requires = append(requires, normName(r.Name))
	}
	slices.Sort(requires)
	var wantRequires []string
	for _, r := range d.Requires {
		wantRequires = append(wantRequires, normName(r))
	}
	slices.Sort(wantRequires)
	wantRequires = slices.Compact(wantRequires)
	launchAgent := ""
	if man.LaunchAgent != nil {
		launchAgent = man.LaunchAgent.Name
	}
	got := []any{normName(man.Name), man.Port, requires, launchAgent}
	want := []any{normName(d.Service), d.Port, wantRequires, d.LaunchAgent}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("ParseManifest of the output (-want +got):\n%s", d)
	}
}

func TestManifestRenderErrorText(t *testing.T) {
	for _, tc := range []struct {
		p    record.Problem
		want string
	}{
		{record.Problem{File: "f.yaml", Line: 3, Message: "bad"}, "f.yaml:3: bad"},
		{record.Problem{File: "f.yaml", Message: "bad"}, "f.yaml: bad"},
		{record.Problem{Message: "bad"}, "bad"},
	} {
		if got := (&renderError{tc.p}).Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
}

// Each testdata/render/unified-diff/NAME.txtar is one UnifiedDiff call: the
// comment is YAML naming the file ("file: m.yaml"); old.yaml and new.yaml
// are the two versions (absent: nil); diff is the expected result
// (absent: ""). -update-render rewrites diff.
func TestUnifiedDiffRender(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("testdata", "render", "unified-diff", "*.txtar"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no UnifiedDiff cases: %v", err)
	}
	for _, path := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(path)
			sourcetest.Must(t, err)
			var head struct {
				File string `yaml:"file"`
			}
			dec := yaml.NewDecoder(bytes.NewReader(ar.Comment))
			dec.KnownFields(true)
			if err := dec.Decode(&head); err != nil && err != io.EOF {
				t.Fatalf("header: %v", err)
			}
			var old, new []byte
			want := ""
			for _, f := range ar.Files {
				if bytes.ContainsAny(f.Data, "\r\ufeff") {
					t.Fatalf("%s holds a carriage return or byte order mark", f.Name)
				}
				data := append([]byte{}, f.Data...)
				switch f.Name {
				case "old.yaml":
					old = data
				case "new.yaml":
					new = data
				case "diff":
					want = string(data)
				default:
					t.Fatalf("unknown section %q", f.Name)
				}
			}
			got := UnifiedDiff(head.File, old, new)
			if *updateRender {
				ar.Files = slices.DeleteFunc(ar.Files, func(f txtar.File) bool { return f.Name == "diff" })
				if got != "" {
					setTxtarFile(ar, "diff", []byte(got), []string{"old.yaml", "new.yaml", "diff"})
				}
				writeTxtar(t, path, ar)
				return
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("diff (-want +got):\n%s", d)
			}
		})
	}
}
