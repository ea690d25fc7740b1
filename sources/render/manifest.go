package render

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/driftmap/driftmap/sources"
	"github.com/driftmap/driftmap/sources/record"
	"github.com/driftmap/driftmap/sources/redact"
	"github.com/driftmap/driftmap/sources/sanctum"
	"github.com/rogpeppe/go-internal/diff"
	"gopkg.in/yaml.v3"
)

// The four manifest fields `driftmap render` owns. Every other field
// belongs to the manifest's owner.
const (
	fieldName        = "name"
	fieldPort        = "port"
	fieldRequires    = "requires"
	fieldLaunchAgent = "launchagent"
)

// ownedFields lists the owned fields in the order render writes
// them.
func ownedFields() []string {
	return []string{fieldName, fieldPort, fieldRequires, fieldLaunchAgent}
}

// absent is how a missing value reads in a FieldDiff.
const absent = "(absent)"

// newManifestHeader is the head comment of a new manifest.
const newManifestHeader = "# Rendered by driftmap render from the catalog and instance.yaml.\n" +
	"# driftmap owns name, port, requires and launchagent; edit anything else freely."

// maxExpansion bounds the nodes copied when an alias must be
// expanded because the anchor it named was in a rewritten value.
const maxExpansion = 10000

// ManifestError is why Manifest refused a manifest: it is not
// valid YAML, has more than one document, has duplicate keys, its top
// level is not a mapping, or it cannot be rewritten without changing a
// field render does not own. The manifest must be left as it is.
type ManifestError struct {
	record.Problem
}

// Error renders the problem as FILE:LINE: MESSAGE.
func (e *ManifestError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(":")
	}
	if e.Line > 0 {
		b.WriteString(strconv.Itoa(e.Line))
		b.WriteString(":")
	}
	if b.Len() > 0 {
		b.WriteString(" ")
	}
	b.WriteString(e.Message)
	return b.String()
}

func errorf(file string, line int, format string, args ...any) *ManifestError {
	return &ManifestError{record.Problem{File: file, Line: line, Message: fmt.Sprintf(format, args...)}}
}

// Manifest renders the owned fields of d into the manifest data
// (the current bytes of d.File; nil when there is none yet).
//
//   - data == nil: out is a new manifest and diffs lists every owned field
//     it sets, each with Have "(absent)".
//   - The owned fields of data already match d: out is data itself, byte
//     for byte, and diffs is nil. Fields are compared as values: key
//     order, flow or block style, comments, quoting and an empty list (or
//     port 0, or "") versus an absent key do not count; requires entries
//     may be names or {service: NAME} mappings and are compared as sorted
//     lists of names, with '_' and '-' alike (as is name:); launchagent
//     is compared exactly.
//   - Otherwise diffs says which owned fields differ, and out is data
//     with only those fields replaced (keeping a requires list's flow or
//     block style), inserted after the owned fields before them, or
//     deleted when d leaves them empty. The edits are made on the yaml.v3
//     node tree. When the top level is a block mapping at column 1, only
//     the lines of the changed fields are replaced, by the yaml.v3
//     encoding (two-space indent) of the new pair, so every other byte
//     stays; otherwise (a flow or indented top level, or an anchor inside
//     a replaced value) the whole tree is re-encoded by yaml.v3 with a
//     two-space indent, which keeps values and most comments but not
//     blank lines or comment spacing. Either way the result is read back
//     and checked: the owned fields must read as d and every other
//     top-level field must decode to the same value, else err.
//
// err is a *ManifestError when data is not a single YAML document
// whose top level is a mapping, has duplicate keys, or cannot be rewritten
// without changing what the owner wrote; the caller must then leave the
// file alone. Manifest never panics, and its output is
// deterministic and idempotent: rendering out again with the same d
// yields no diffs and the same bytes.
func Manifest(data []byte, d DesiredManifest) (out []byte, diffs []FieldDiff, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, diffs, err = nil, nil, errorf(d.File, 0, "cannot render manifest: internal error: %s", redact.PanicText(r))
		}
	}()
	want := newWanted(d)
	if strings.TrimSpace(want.name) == "" {
		return nil, nil, errorf(d.File, 0, "cannot render manifest: no service name")
	}
	if data == nil {
		return newManifest(d, want)
	}
	doc, root, perr := parseManifest(data, d.File)
	if perr != nil {
		return nil, nil, perr
	}
	states := want.compare(root)
	for _, s := range states {
		if s.differs {
			diffs = append(diffs, s.diff)
		}
	}
	if len(diffs) == 0 {
		return data, nil, nil
	}
	orig := unowned(root)
	layout := lineLayoutOf(data, root)
	for _, s := range states {
		if s.differs {
			want.apply(root, s)
		}
	}
	expanded, ferr := fixAliases(doc)
	if ferr != nil {
		return nil, nil, errorf(d.File, 0, "cannot rewrite manifest: %v", ferr)
	}
	if layout != nil && expanded == 0 {
		if spliced, ok := layout.splice(root, states); ok && want.verify(spliced, orig, d.File) == nil {
			return spliced, diffs, nil
		}
	}
	spellNulls(doc, false, 0)
	out, err = encode(doc)
	if err != nil {
		return nil, nil, errorf(d.File, 0, "cannot rewrite manifest: %v", err)
	}
	if err := want.verify(out, orig, d.File); err != nil {
		return nil, nil, err
	}
	return out, diffs, nil
}

// UnifiedDiff returns a unified diff from old to new of the file path,
// with `--- a/PATH` and `+++ b/PATH` headers; a nil old (or new) is
// /dev/null. It returns "" when old and new are equal.
func UnifiedDiff(path string, old, new []byte) string {
	if bytes.Equal(old, new) {
		return ""
	}
	clean := strings.TrimPrefix(path, "/")
	oldName, newName := "a/"+clean, "b/"+clean
	if old == nil {
		oldName = "/dev/null"
	}
	if new == nil {
		newName = "/dev/null"
	}
	d := string(diff.Diff(oldName, old, newName, new))
	// diff.Diff starts with a "diff OLD NEW" line; a unified diff starts
	// with the --- and +++ headers.
	if first, rest, ok := strings.Cut(d, "\n"); ok && strings.HasPrefix(first, "diff ") {
		d = rest
	}
	return d
}

// wanted is a DesiredManifest normalised for comparison.
type wanted struct {
	name        string
	port        int
	requires    []string // sorted by normalised name, without duplicates
	launchAgent string
}

func newWanted(d DesiredManifest) wanted {
	w := wanted{name: d.Service, port: d.Port, launchAgent: d.LaunchAgent}
	seen := map[string]bool{}
	for _, r := range d.Requires {
		if !seen[sources.NormName(r)] {
			seen[sources.NormName(r)] = true
			w.requires = append(w.requires, r)
		}
	}
	slices.SortStableFunc(w.requires, func(a, b string) int { return strings.Compare(sources.NormName(a), sources.NormName(b)) })
	return w
}

// empty says whether render leaves field out of the manifest.
func (w wanted) empty(field string) bool {
	switch field {
	case fieldPort:
		return w.port == 0
	case fieldRequires:
		return len(w.requires) == 0
	case fieldLaunchAgent:
		return w.launchAgent == ""
	}
	return w.name == ""
}

// show renders the wanted value of field for people.
func (w wanted) show(field string) string {
	if w.empty(field) {
		return absent
	}
	switch field {
	case fieldPort:
		return strconv.Itoa(w.port)
	case fieldRequires:
		return "[" + strings.Join(w.requires, ", ") + "]"
	case fieldLaunchAgent:
		return w.launchAgent
	}
	return w.name
}

// ownedField is one owned field of a current manifest, compared with
// what render wants.
type ownedField struct {
	key, val *yaml.Node // nil when absent; val is as written (maybe an alias)
	differs  bool
	diff     FieldDiff
}

// compare reads the owned fields of the manifest mapping root.
func (w wanted) compare(root *yaml.Node) []ownedField {
	var out []ownedField
	for _, field := range ownedFields() {
		f := ownedField{diff: FieldDiff{Field: field, Want: w.show(field)}}
		if i := keyIndex(root, field); i >= 0 {
			f.key, f.val = root.Content[i], root.Content[i+1]
			f.diff.Line = f.key.Line
		}
		var same, empty bool
		f.diff.Have, same, empty = w.read(field, resolveAlias(f.val))
		f.differs = !same && !(empty && w.empty(field))
		out = append(out, f)
	}
	return out
}

// read renders the current value v of field (nil when absent) and says
// whether it equals what render wants and whether it is empty (absent,
// null, 0, "" or an empty list). An invalid value is neither equal nor
// empty.
func (w wanted) read(field string, v *yaml.Node) (have string, same, empty bool) {
	if v == nil || (v.Kind == yaml.ScalarNode && v.Tag == "!!null") {
		return absent, w.empty(field), true
	}
	switch field {
	case fieldPort:
		var n int
		if v.Kind != yaml.ScalarNode || v.Tag != "!!int" || v.Decode(&n) != nil {
			return flowText(v), false, false
		}
		return strconv.Itoa(n), n == w.port, n == 0
	case fieldRequires:
		names, ok := requiresNames(v)
		if !ok {
			return flowText(v), false, false
		}
		have = "[" + strings.Join(names, ", ") + "]"
		if len(names) != len(w.requires) {
			return have, false, len(names) == 0
		}
		got := make([]string, len(names))
		for i, n := range names {
			got[i] = sources.NormName(n)
		}
		slices.Sort(got)
		for i, n := range w.requires {
			if got[i] != sources.NormName(n) {
				return have, false, false
			}
		}
		return have, true, len(names) == 0
	}
	// name and launchagent: any scalar, as sanctum.ParseManifest reads them.
	if v.Kind != yaml.ScalarNode {
		return flowText(v), false, false
	}
	have = v.Value
	if have == "" {
		have = `""`
	}
	if field == fieldName {
		return have, v.Value != "" && sources.NormName(v.Value) == sources.NormName(w.name), v.Value == ""
	}
	return have, v.Value == w.launchAgent, v.Value == ""
}

// requiresNames reads a requires value as sanctum.ParseManifest does: a list of
// strings or {service: NAME} mappings, or a single name. ok is false when
// some entry is neither.
func requiresNames(v *yaml.Node) (names []string, ok bool) {
	switch v.Kind {
	case yaml.ScalarNode:
		return []string{v.Value}, true
	case yaml.SequenceNode:
	default:
		return nil, false
	}
	names = []string{}
	for _, item := range v.Content {
		name, ok := requiresItemName(item)
		if !ok {
			return nil, false
		}
		names = append(names, name)
	}
	return names, true
}

// requiresItemName reads one requires entry.
func requiresItemName(item *yaml.Node) (string, bool) {
	item = resolveAlias(item)
	switch {
	case item == nil:
		return "", false
	case item.Kind == yaml.ScalarNode && item.Tag == "!!str":
		return item.Value, true
	case item.Kind == yaml.MappingNode:
		if i := keyIndex(item, "service"); i >= 0 {
			if s := resolveAlias(item.Content[i+1]); s != nil && s.Kind == yaml.ScalarNode && s.Tag != "!!null" {
				return s.Value, true
			}
		}
	}
	return "", false
}

// apply rewrites field f in the mapping root: replaces its value, inserts
// it, or deletes it when render leaves it out.
func (w wanted) apply(root *yaml.Node, f ownedField) {
	field := f.diff.Field
	i := keyIndex(root, field)
	if w.empty(field) {
		if i >= 0 {
			deletePair(root, i)
		}
		return
	}
	val := w.node(field, f.val)
	if i >= 0 {
		old := root.Content[i+1]
		val.HeadComment, val.LineComment, val.FootComment = old.HeadComment, old.LineComment, old.FootComment
		root.Content[i+1] = val
		return
	}
	key := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: field}
	// Insert after the nearest owned field before this one, else first.
	at := 0
	owned := ownedFields()
	for j := slices.Index(owned, field) - 1; j >= 0; j-- {
		if k := keyIndex(root, owned[j]); k >= 0 {
			at = k + 2
			break
		}
	}
	if at == 0 && len(root.Content) > 0 {
		// The head comment of the first key is usually the file's header:
		// keep it at the top.
		first := root.Content[0]
		key.HeadComment, first.HeadComment = first.HeadComment, ""
	}
	root.Content = slices.Insert(root.Content, at, key, val)
}

// node builds the value node render writes for field; old is the current
// value (nil when absent), whose style is kept where it can be.
func (w wanted) node(field string, old *yaml.Node) *yaml.Node {
	switch field {
	case fieldPort:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(w.port)}
	case fieldRequires:
		seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		oldSeq := resolveAlias(old)
		if oldSeq != nil && oldSeq.Kind == yaml.SequenceNode {
			seq.Style = oldSeq.Style & yaml.FlowStyle
		}
		for _, name := range w.requires {
			item := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: name}
			if prev := oldRequiresItem(oldSeq, name); prev != nil {
				item.HeadComment, item.LineComment, item.FootComment = itemComments(prev)
			}
			seq.Content = append(seq.Content, item)
		}
		return seq
	}
	value := w.name
	if field == fieldLaunchAgent {
		value = w.launchAgent
	}
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: value}
	if old != nil && old.Kind == yaml.ScalarNode {
		n.Style = old.Style & (yaml.SingleQuotedStyle | yaml.DoubleQuotedStyle)
	}
	return n
}

// oldRequiresItem finds the entry of the current requires list naming
// name, to keep its comments.
func oldRequiresItem(seq *yaml.Node, name string) *yaml.Node {
	if seq == nil || seq.Kind != yaml.SequenceNode {
		return nil
	}
	for _, item := range seq.Content {
		if n, ok := requiresItemName(item); ok && sources.NormName(n) == sources.NormName(name) {
			return item
		}
	}
	return nil
}

// itemComments collects the comments of a requires entry; those of
// a {service: NAME} mapping's key and value belong to the entry too.
func itemComments(item *yaml.Node) (head, line, foot string) {
	head, line, foot = item.HeadComment, item.LineComment, item.FootComment
	if item.Kind == yaml.MappingNode {
		for _, c := range item.Content {
			head = joinComments(head, c.HeadComment)
			if line == "" {
				line = c.LineComment // one line: keep the first
			}
			foot = joinComments(foot, c.FootComment)
		}
	}
	return head, line, foot
}

// deletePair removes the key at Content[i] and its value from the
// mapping root. A head comment of the first key (the file's header) moves
// to the next key; foot comments, which yaml.v3 attaches to the key above
// a blank line, move to the key before.
func deletePair(root *yaml.Node, i int) {
	key, val := root.Content[i], root.Content[i+1]
	foot := joinComments(key.FootComment, val.FootComment)
	if i == 0 && len(root.Content) > 2 {
		next := root.Content[2]
		next.HeadComment = joinComments(key.HeadComment, next.HeadComment)
	}
	if foot != "" {
		if i >= 2 {
			prev := root.Content[i-2]
			prev.FootComment = joinComments(prev.FootComment, foot)
		} else if len(root.Content) > 2 {
			next := root.Content[2]
			next.HeadComment = joinComments(next.HeadComment, foot)
		}
	}
	root.Content = slices.Delete(root.Content, i, i+2)
}

func joinComments(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "\n" + b
}

// keyIndex returns the index in the mapping m of the key named key,
// or -1. Keys are unique (parseManifest refuses duplicates).
func keyIndex(m *yaml.Node, key string) int {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := m.Content[i]; k.Kind == yaml.ScalarNode && k.Value == key {
			return i
		}
	}
	return -1
}

// resolveAlias follows an alias to its anchored node.
func resolveAlias(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.AliasNode {
		return nil
	}
	return n
}

// flowText renders a value compactly for a FieldDiff.
func flowText(n *yaml.Node) string {
	c := copyNode(n, 0, new(int))
	if c == nil {
		return sanctum.Describe(n)
	}
	setFlowStyle(c, 0)
	b, err := redact.Guard("YAML encoder", func() ([]byte, error) { return yaml.Marshal(c) })
	if err != nil {
		return sanctum.Describe(n)
	}
	s := strings.TrimSpace(string(b))
	if len(s) > 60 || strings.Contains(s, "\n") {
		return sanctum.Describe(n)
	}
	return s
}

// setFlowStyle makes n and its children flow style, without comments.
func setFlowStyle(n *yaml.Node, depth int) {
	if n == nil || depth > 100 {
		return
	}
	n.HeadComment, n.LineComment, n.FootComment = "", "", ""
	if n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode {
		n.Style |= yaml.FlowStyle
	}
	for _, c := range n.Content {
		setFlowStyle(c, depth+1)
	}
}

// copyNode deep-copies n, without anchors; aliases are kept as
// aliases. budget counts copied nodes; nil means too many.
func copyNode(n *yaml.Node, depth int, budget *int) *yaml.Node {
	if n == nil {
		return nil
	}
	*budget++
	if depth > 1000 || *budget > maxExpansion {
		return nil
	}
	c := *n
	c.Anchor = ""
	c.Content = nil
	for _, child := range n.Content {
		cc := copyNode(child, depth+1, budget)
		if cc == nil {
			return nil
		}
		c.Content = append(c.Content, cc)
	}
	return &c
}

// fixAliases expands, in place, every alias whose anchor is no
// longer defined before it (because the anchored node was in a value
// render replaced or deleted), so the values that used it keep them. It
// returns how many aliases it expanded.
func fixAliases(doc *yaml.Node) (expanded int, err error) {
	defined := map[string]*yaml.Node{} // anchor name -> latest node with it
	budget := 0
	var walk func(n *yaml.Node, depth int) error
	walk = func(n *yaml.Node, depth int) error {
		if depth > 10000 {
			return errors.New("document nests too deeply")
		}
		if n.Kind == yaml.AliasNode {
			if n.Alias != nil && defined[n.Value] == n.Alias {
				return nil
			}
			target := n.Alias
			if target == nil {
				return fmt.Errorf("alias *%s has no anchor", n.Value)
			}
			c := copyNode(target, 0, &budget)
			if c == nil {
				return errors.New("expanding an alias whose anchor is in a rewritten field copies too much")
			}
			c.HeadComment, c.LineComment, c.FootComment = n.HeadComment, n.LineComment, n.FootComment
			*n = *c
			expanded++
		}
		if n.Anchor != "" {
			defined[n.Anchor] = n
		}
		for _, c := range n.Content {
			if err := walk(c, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	err = walk(doc, 0)
	return expanded, err
}

// spellNulls spells implicit nulls in flow collections and in key
// position as "null": yaml.v3 encodes an empty null scalar there as an
// empty quoted string, so {a} would come back as {a: ""}.
func spellNulls(n *yaml.Node, inFlow bool, depth int) {
	if n == nil || depth > 10000 {
		return
	}
	inFlow = inFlow || n.Style&yaml.FlowStyle != 0
	for i, c := range n.Content {
		isKey := n.Kind == yaml.MappingNode && i%2 == 0
		if c.Kind == yaml.ScalarNode && c.Tag == "!!null" && c.Value == "" && (inFlow || isKey) {
			c.Value = "null"
		}
		spellNulls(c, inFlow, depth+1)
	}
}

// parseManifest parses a manifest: one YAML document whose top level is a
// mapping without duplicate keys.
func parseManifest(data []byte, file string) (doc, root *yaml.Node, err error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	doc = new(yaml.Node)
	if err := dec.Decode(doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil, errorf(file, 0, "manifest is empty; the top level must be a mapping")
		}
		return nil, nil, &ManifestError{sanctum.YAMLError(file, err)}
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return nil, nil, &ManifestError{sanctum.YAMLError(file, err)}
	default:
		return nil, nil, errorf(file, next.Line, "manifest has more than one YAML document; render rewrites single-document manifests only")
	}
	if len(doc.Content) == 0 {
		return nil, nil, errorf(file, 0, "manifest is empty; the top level must be a mapping")
	}
	root = doc.Content[0]
	if probs := sanctum.DuplicateKeys(root, file); len(probs) > 0 {
		return nil, nil, &ManifestError{probs[0]}
	}
	if root.Kind != yaml.MappingNode {
		return nil, nil, errorf(file, root.Line, "top level must be a mapping, found %s", sanctum.Describe(root))
	}
	return doc, root, nil
}

// encode encodes doc as render writes manifests.
func encode(doc *yaml.Node) ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// unownedEntry is one field of a manifest render does not own, as a
// canonical encoding of its decoded key and value.
type unownedEntry struct {
	line       int
	key, value string
}

// unowned records the fields of the manifest mapping root that
// render does not own, to check a rewrite kept them.
func unowned(root *yaml.Node) []unownedEntry {
	var out []unownedEntry
	owned := ownedFields()
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Kind == yaml.ScalarNode && slices.Contains(owned, k.Value) {
			continue
		}
		out = append(out, unownedEntry{line: k.Line, key: canonical(k), value: canonical(v)})
	}
	return out
}

// canonical is a canonical text of the value n decodes to (or of
// the decoding error).
func canonical(n *yaml.Node) string {
	b, err := redact.Guard("YAML round trip", func() ([]byte, error) {
		var v any
		if err := n.Decode(&v); err != nil {
			return nil, err
		}
		return yaml.Marshal(v)
	})
	if err != nil {
		return "error: " + err.Error()
	}
	return string(b)
}

// verify checks that a rewritten manifest parses, has the owned fields
// render wants, and keeps every other field's value (orig), so a yaml.v3
// encoding quirk can never silently change what the owner wrote.
func (w wanted) verify(out []byte, orig []unownedEntry, file string) error {
	_, root, err := parseManifest(out, file)
	if err != nil {
		return errorf(file, 0, "cannot rewrite manifest: re-encoded YAML does not read back (%v); edit the owned fields by hand", err)
	}
	for _, f := range w.compare(root) {
		if f.differs {
			return errorf(file, 0, "cannot rewrite manifest: re-encoded %s reads back as %s; edit it by hand", f.diff.Field, f.diff.Have)
		}
	}
	got := unowned(root)
	for i, e := range orig {
		if i >= len(got) || got[i].key != e.key || got[i].value != e.value {
			return errorf(file, e.line, "cannot rewrite manifest: yaml.v3 would change this field when re-encoding it; edit the owned fields by hand")
		}
	}
	if len(got) != len(orig) {
		return errorf(file, 0, "cannot rewrite manifest: re-encoding would add fields; edit the owned fields by hand")
	}
	return nil
}

// newManifest builds the manifest render writes when there is none.
func newManifest(d DesiredManifest, w wanted) ([]byte, []FieldDiff, error) {
	str := func(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }
	mapping := func(kv ...*yaml.Node) *yaml.Node {
		return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: kv}
	}
	root := mapping()
	var diffs []FieldDiff
	add := func(key string, val *yaml.Node) {
		root.Content = append(root.Content, str(key), val)
		if slices.Contains(ownedFields(), key) {
			diffs = append(diffs, FieldDiff{Field: key, Have: absent, Want: w.show(key)})
		}
	}
	add(fieldName, w.node(fieldName, nil))
	root.Content[0].HeadComment = newManifestHeader
	add("display_name", str(d.Service))
	add("type", str("service"))
	add("host", str("localhost"))
	for _, field := range []string{fieldPort, fieldRequires, fieldLaunchAgent} {
		if !w.empty(field) {
			add(field, w.node(field, nil))
		}
	}
	liveness := mapping(str("type"), str("process"))
	if w.port != 0 {
		liveness = mapping(str("type"), str("port"), str("port"), w.node(fieldPort, nil))
	}
	add("health", mapping(str("liveness"), liveness))
	if len(d.GeneratedFrom) > 0 {
		from := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for _, g := range d.GeneratedFrom {
			from.Content = append(from.Content, str(g))
		}
		add("metadata", mapping(str("generated_from"), from))
	}
	out, err := encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}})
	if err != nil {
		return nil, nil, errorf(d.File, 0, "cannot render manifest: %v", err)
	}
	return out, diffs, nil
}

// lineLayout is the line layout of a manifest whose top level is a
// block mapping with every key at column 1. It lets render replace only
// the lines of the owned fields that change, so blank lines, comment
// spacing and everything else the owner wrote stay byte for byte.
type lineLayout struct {
	lines []string     // the manifest, split after each "\n"
	keys  []*yaml.Node // top-level keys in file order, as parsed
	crlf  bool         // lines end in "\r\n"
}

// lineLayoutOf returns the layout of the manifest data parsed as root,
// or nil when it cannot be edited line by line: a flow-style or indented
// top level, or line breaks other than "\n" and "\r\n" (yaml.v3 counts
// "\r", NEL, LS and PS as line breaks too, so its line numbers would not
// match).
func lineLayoutOf(data []byte, root *yaml.Node) *lineLayout {
	s := string(data)
	if root.Style&yaml.FlowStyle != 0 || strings.ContainsAny(s, "\u0085\u2028\u2029") ||
		strings.Count(s, "\r") != strings.Count(s, "\r\n") {
		return nil
	}
	l := &lineLayout{lines: strings.SplitAfter(s, "\n"), crlf: strings.Contains(s, "\r\n")}
	if last := len(l.lines) - 1; l.lines[last] == "" {
		l.lines = l.lines[:last]
	}
	prev := 0
	for i := 0; i+1 < len(root.Content); i += 2 {
		k := root.Content[i]
		if k.Column != 1 || k.Line <= prev || k.Line > len(l.lines) {
			return nil
		}
		prev = k.Line
		l.keys = append(l.keys, k)
	}
	if len(l.keys) == 0 {
		return nil
	}
	return l
}

// region returns the first and last line (1-based) of the i-th top-level
// pair: from its key to its last line that is neither blank nor only a
// comment. Comments and blank lines before the next key stay where they
// are.
func (l *lineLayout) region(i int) (start, end int) {
	start = l.keys[i].Line
	next := len(l.lines) + 1
	if i+1 < len(l.keys) {
		next = l.keys[i+1].Line
	}
	end = start
	for n := start + 1; n < next; n++ {
		// A document end marker at the end is not part of the value.
		t := strings.TrimSpace(l.lines[n-1])
		if t != "" && !strings.HasPrefix(t, "#") && strings.TrimRight(l.lines[n-1], " \t\r\n") != "..." {
			end = n
		}
	}
	return start, end
}

// splice applies the differing fields of states, already applied to the
// tree root, as line edits: a changed pair's lines are replaced by the
// yaml.v3 encoding of the new pair, a deleted pair's lines (and the
// comment just above it) are removed, and a missing pair is inserted after
// the nearest owned pair before it, or before the first key. ok is false
// when that is not possible.
func (l *lineLayout) splice(root *yaml.Node, states []ownedField) (out []byte, ok bool) {
	n := len(l.lines)
	drop := make([]bool, n+1)
	replace := map[int]string{} // first line of a replaced pair -> its new text
	insert := map[int]string{}  // line -> text inserted before it (n+1: at the end)
	owned := ownedFields()
	for _, f := range states {
		if !f.differs {
			continue
		}
		j := keyIndex(root, f.diff.Field)
		var text string
		if j >= 0 {
			if text, ok = pairText(root.Content[j], root.Content[j+1]); !ok {
				return nil, false
			}
			if l.crlf {
				text = strings.ReplaceAll(text, "\n", "\r\n")
			}
		}
		if f.key != nil {
			ki := slices.Index(l.keys, f.key)
			if ki < 0 {
				return nil, false
			}
			start, end := l.region(ki)
			for x := start; x <= end; x++ {
				drop[x] = true
			}
			if j >= 0 {
				replace[start] = text
			} else if ki > 0 {
				_, prevEnd := l.region(ki - 1)
				l.dropHeadComment(drop, f.key, prevEnd)
			}
			continue
		}
		if j < 0 {
			return nil, false
		}
		at := l.keys[0].Line
		for p := slices.Index(owned, f.diff.Field) - 1; p >= 0; p-- {
			k := keyIndex(root, owned[p])
			if k < 0 {
				continue
			}
			if oi := slices.Index(l.keys, root.Content[k]); oi >= 0 {
				_, end := l.region(oi)
				at = end + 1
				break
			}
		}
		insert[at] += text
	}
	var b strings.Builder
	write := func(text string) {
		if text == "" {
			return
		}
		if s := b.String(); s != "" && !strings.HasSuffix(s, "\n") {
			b.WriteString(map[bool]string{false: "\n", true: "\r\n"}[l.crlf])
		}
		b.WriteString(text)
	}
	for x := 1; x <= n+1; x++ {
		write(insert[x])
		if x > n {
			break
		}
		write(replace[x])
		if !drop[x] {
			b.WriteString(l.lines[x-1])
		}
	}
	out = []byte(b.String())
	if bom := "\ufeff"; strings.HasPrefix(l.lines[0], bom) && !bytes.HasPrefix(out, []byte(bom)) {
		out = append([]byte(bom), out...) // the first line was replaced
	}
	return out, true
}

// dropHeadComment marks for removal the comment lines just above key that
// yaml.v3 read as its head comment (they sanctum.Describe the deleted pair), when
// they follow the previous pair, which ends at line prevEnd.
func (l *lineLayout) dropHeadComment(drop []bool, key *yaml.Node, prevEnd int) {
	if key.HeadComment == "" {
		return
	}
	hc := strings.Split(key.HeadComment, "\n")
	first := key.Line - len(hc)
	if first <= prevEnd {
		return
	}
	for i, c := range hc {
		if strings.TrimSpace(l.lines[first-1+i]) != strings.TrimSpace(c) {
			return
		}
	}
	for x := first; x < key.Line; x++ {
		drop[x] = true
	}
}

// pairText encodes one top-level pair as render writes it, without
// the comments above and below it (which stay in the file where they are).
func pairText(key, val *yaml.Node) (string, bool) {
	k, v := *key, *val
	k.HeadComment, k.FootComment, v.FootComment = "", "", ""
	if last := len(v.Content) - 1; v.Kind == yaml.SequenceNode && last >= 0 {
		item := *v.Content[last]
		item.FootComment = ""
		v.Content = append(slices.Clone(v.Content[:last]), &item)
	}
	out, err := encode(&yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{&k, &v}})
	return string(out), err == nil
}
