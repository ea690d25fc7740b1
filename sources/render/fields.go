package render

import (
	"slices"
	"strconv"
	"strings"

	"github.com/driftmap/driftmap/sources"
	"gopkg.in/yaml.v3"
)

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
