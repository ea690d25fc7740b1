package render

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/driftmap/driftmap/sources/redact"
	"github.com/driftmap/driftmap/sources/sanctum"
	"gopkg.in/yaml.v3"
)

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
		p := probs[0]
		p.Message += "; YAML keeps only one of them"
		return nil, nil, &ManifestError{p}
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
