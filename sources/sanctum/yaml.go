package sanctum

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources/record"
	"github.com/driftmap/driftmap/sources/redact"
)

// yamlDoc parses data as a single YAML document and returns its root
// node. It reports syntax errors and a root that is not a mapping as
// Problems, with lines, and duplicate mapping keys (which yaml.v3 accepts
// silently when decoding into a Node) as Problems of the duplicate-key
// rule: the document is still read, the last value of a repeated key
// winning, as Sanctum's own tools read these files. A nil node means
// nothing usable was parsed. Panics inside the YAML library become
// Problems.
func yamlDoc(data []byte, file string) (root *yaml.Node, probs []record.Problem) {
	doc, err := redact.Guard("YAML parser", func() (*yaml.Node, error) {
		var doc yaml.Node
		return &doc, yaml.Unmarshal(data, &doc)
	})
	var pe *redact.PanicError
	switch {
	case errors.As(err, &pe):
		return nil, []record.Problem{{File: file, Message: pe.Error()}}
	case err != nil:
		return nil, []record.Problem{YAMLError(file, err)}
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, nil // empty file
	}
	root = doc.Content[0]
	if root.Kind == yaml.AliasNode {
		root = root.Alias
	}
	for _, d := range DuplicateKeys(root, file) {
		d.Message += "; the last value is used, as Sanctum's own tools read the file"
		d.Rule = record.DuplicateKey
		probs = append(probs, d)
	}
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return nil, probs
	}
	if root.Kind != yaml.MappingNode {
		return nil, append(probs, record.Problem{File: file, Line: root.Line, Message: "top level must be a mapping, found " + Describe(root)})
	}
	return root, probs
}

// YAMLError turns a yaml.v3 error into a Problem, pulling out "line N".
func YAMLError(file string, err error) record.Problem {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	p := record.Problem{File: file, Message: "invalid YAML: " + msg}
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if n, tail, ok := strings.Cut(rest, ":"); ok {
			if line, err := strconv.Atoi(n); err == nil {
				p.Line = line
				p.Message = "invalid YAML:" + tail
			}
		}
	}
	return p
}

// DuplicateKeys reports every mapping key that appears twice in the same
// mapping, anywhere in the tree under n, which yaml.v3 accepts silently
// when decoding into a Node. Each message says `duplicate key "K" (first
// defined at line N)`; callers say what follows from it.
func DuplicateKeys(n *yaml.Node, file string) []record.Problem {
	return duplicateKeys(n, file, "", 0)
}

// duplicateKeys reports the duplicate keys under n, at key path path.
// depth bounds recursion on hostile input.
func duplicateKeys(n *yaml.Node, file, path string, depth int) []record.Problem {
	if n == nil || depth > 100 {
		return nil
	}
	var probs []record.Problem
	switch n.Kind {
	case yaml.MappingNode:
		seen := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			kp := joinKey(path, k.Value)
			if first, dup := seen[k.Value]; dup {
				probs = append(probs, record.Problem{File: file, Line: k.Line, Key: kp,
					Message: fmt.Sprintf("duplicate key %q (first defined at line %d)", k.Value, first)})
			} else {
				seen[k.Value] = k.Line
			}
			probs = append(probs, duplicateKeys(v, file, kp, depth+1)...)
		}
	case yaml.SequenceNode, yaml.DocumentNode:
		for i, c := range n.Content {
			probs = append(probs, duplicateKeys(c, file, fmt.Sprintf("%s[%d]", path, i), depth+1)...)
		}
	}
	return probs
}

func joinKey(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

// Describe names a node's type for messages, without its value (which
// may be a credential): "a mapping", "an integer", "a string".
func Describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	switch n.Tag {
	case "!!int":
		return "an integer"
	case "!!bool":
		return "a boolean"
	case "!!float":
		return "a number"
	case "!!null":
		return "null"
	}
	return "a string"
}

// ymap is a YAML mapping read with type checks; every type error becomes a
// Problem naming the key path and line. All the ymaps of one document
// share its budget (see topMap).
type ymap struct {
	n     *yaml.Node
	file  string
	path  string
	probs *[]record.Problem
	b     *budget
	// read is set once the mapping's entries were charged to the
	// budget: looking up several keys of one mapping reads it once.
	read *bool
}

// topMap wraps the root mapping of a document, with a node budget
// proportional to the document's size.
func topMap(root *yaml.Node, file string, probs *[]record.Problem) ymap {
	b := newBudget(root)
	b.start = len(*probs)
	return ymap{n: root, file: file, probs: probs, b: b, read: new(bool)}
}

// Limits on reading one YAML document. yaml.v3 keeps an alias as one
// node, but the readers follow aliases, so a small document that
// aliases a long list many times (every service's requires the same
// 3,000 names) would be read as millions of names. The readers count
// the nodes they visit, once per path that reaches them (a mapping
// read through two aliases counts twice; several keys looked up in one
// mapping count it once), against a budget of NodeBudgetPerNode per node
// of the document as parsed plus NodeBudgetFloor (see NodeBudget). An
// honest document is read about once, and may reuse its parts through
// aliases several times over (auxiliary: *services, a requires list
// shared by many services) whatever its size; a bomb stops after work,
// and output, proportional to its own size: each visit may make one
// record (a name with its evidence, some 150 bytes), so a bomb costs
// at most a few times what yaml.v3's own tree of the file costs.
const (
	NodeBudgetPerNode = 8
	NodeBudgetFloor   = 100_000
)

// NodeBudget returns the number of nodes the readers of the document
// under root may visit, counting a node reached through an alias once
// per visit, and the number of nodes the document has as parsed.
func NodeBudget(root *yaml.Node) (limit, nodes int) {
	nodes = CountNodes(root)
	return NodeBudgetPerNode*nodes + NodeBudgetFloor, nodes
}

// budget is what is left of the nodes the readers of one document may
// visit.
type budget struct {
	nodes, limit, left int
	start              int  // problems before reading began
	out                bool // exhausted: reading stopped, a Problem says so
}

func newBudget(root *yaml.Node) *budget {
	limit, n := NodeBudget(root)
	return &budget{nodes: n, limit: limit, left: limit}
}

// CountNodes counts the nodes of the tree under n as parsed (an alias is
// one node), without recursion.
func CountNodes(n *yaml.Node) int {
	count := 0
	for stack := []*yaml.Node{n}; len(stack) > 0; {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if n == nil {
			continue
		}
		count++
		stack = append(stack, n.Content...)
	}
	return count
}

// spend charges k visited nodes to the document's budget. When it runs
// out, reading stops: spend reports false from then on, and one Problem
// names the file and the limit, in place of the problems reading found
// (the file is not used; those of parsing it stay).
func (m ymap) spend(k int) bool {
	b := m.b
	if b == nil {
		return true
	}
	if b.out {
		return false
	}
	if b.left -= k; b.left >= 0 {
		return true
	}
	b.out = true
	*m.probs = append((*m.probs)[:b.start], record.Problem{File: m.file, Message: fmt.Sprintf(
		"too large once aliases are expanded: reading it visits more than %d YAML nodes (limit: %d per node of the file, which has %d, plus %d); the file is not used",
		b.limit, NodeBudgetPerNode, b.nodes, NodeBudgetFloor)})
	return false
}

// exhausted reports whether reading the document ran out of budget;
// what was read is then incomplete and must not be used.
func (m ymap) exhausted() bool { return m.b != nil && m.b.out }

func (m ymap) problem(line int, key, format string, args ...any) {
	if m.exhausted() {
		return // the file is not used: one Problem says why
	}
	*m.probs = append(*m.probs, record.Problem{File: m.file, Line: line, Key: key, Message: fmt.Sprintf(format, args...)})
}

// entries returns the mapping's key and value nodes in file order. Of a
// key repeated in the mapping only the last is returned (in its place):
// the last value wins, as in yaml.v3 decoding and Sanctum's own tools.
func (m ymap) entries() (keys, vals []*yaml.Node) {
	if m.n == nil {
		return nil, nil
	}
	if m.read == nil || !*m.read {
		if !m.spend(len(m.n.Content)) {
			return nil, nil
		}
		if m.read != nil {
			*m.read = true
		}
	}
	if m.exhausted() {
		return nil, nil
	}
	last := map[string]int{} // scalar key -> index of its last pair
	for i := 0; i+1 < len(m.n.Content); i += 2 {
		if k := m.n.Content[i]; k.Kind == yaml.ScalarNode {
			last[k.Value] = i
		}
	}
	for i := 0; i+1 < len(m.n.Content); i += 2 {
		k, v := m.n.Content[i], m.n.Content[i+1]
		if j, ok := last[k.Value]; ok && k.Kind == yaml.ScalarNode && j != i {
			continue // a later pair repeats the key
		}
		if v.Kind == yaml.AliasNode && v.Alias != nil {
			v = v.Alias
		}
		keys, vals = append(keys, k), append(vals, v)
	}
	return keys, vals
}

func (m ymap) get(key string) (k, v *yaml.Node) {
	keys, vals := m.entries()
	for i := len(keys) - 1; i >= 0; i-- {
		if keys[i].Value == key {
			return keys[i], vals[i]
		}
	}
	return nil, nil
}

func (m ymap) ev(k *yaml.Node, key, token string) graph.Evidence {
	return graph.Evidence{File: m.file, Line: k.Line, Key: joinKey(m.path, key), Token: token}
}

// sub returns the mapping under key; ok is false when absent or null. A
// value that is not a mapping is a Problem.
func (m ymap) sub(key string) (ymap, bool) {
	k, v := m.get(key)
	if v == nil || v.Tag == "!!null" {
		return ymap{}, false
	}
	if v.Kind != yaml.MappingNode {
		m.problem(k.Line, joinKey(m.path, key), "%s must be a mapping, found %s", joinKey(m.path, key), Describe(v))
		return ymap{}, false
	}
	return ymap{n: v, file: m.file, path: joinKey(m.path, key), probs: m.probs, b: m.b, read: new(bool)}, true
}

// child wraps a value node that is known to be a mapping.
func (m ymap) child(key string, v *yaml.Node) ymap {
	return ymap{n: v, file: m.file, path: joinKey(m.path, key), probs: m.probs, b: m.b, read: new(bool)}
}

// item wraps a list item at key path ik that is known to be a mapping.
// listItem is one mapping of a list read by eachMapping.
type listItem struct {
	m       ymap       // the item, its path "KEY[i]"
	node    *yaml.Node // the item's mapping node
	unknown bool       // it holds a key outside the known ones
}

// eachMapping reads the list of mappings under key, as driftmap.yaml's
// artifacts and ignore are written, each mapping holding some of known,
// and calls fn on each mapping in order. present reports whether key is
// there at all (even null or invalid). A value that is not a list, an
// item that is not a mapping (skipped) and a key outside known are
// Problems; unknownNote is appended to the message of the last, saying
// what follows from it.
func (m ymap) eachMapping(key string, known []string, unknownNote string, fn func(listItem)) (present bool) {
	k, v := m.get(key)
	if k == nil {
		return false
	}
	kp := joinKey(m.path, key)
	if v == nil || v.Tag == "!!null" {
		return true
	}
	if v.Kind != yaml.SequenceNode {
		m.problem(k.Line, kp, "%s must be a list of {%s} mappings, found %s", kp, strings.Join(known, ", "), Describe(v))
		return true
	}
	if !m.spend(len(v.Content)) {
		return true
	}
	fields := strings.Join(known[:len(known)-1], ", ") + " and " + known[len(known)-1]
	for i, item := range v.Content {
		ik := fmt.Sprintf("%s[%d]", kp, i)
		if item.Kind == yaml.AliasNode && item.Alias != nil {
			item = item.Alias
		}
		if item.Kind != yaml.MappingNode {
			m.problem(item.Line, ik, "%s must be a mapping with %s, found %s", ik, fields, Describe(item))
			continue
		}
		it := listItem{m: m.item(ik, item), node: item}
		keys, _ := it.m.entries()
		for _, ck := range keys {
			if !slices.Contains(known, ck.Value) {
				it.m.problem(ck.Line, joinKey(ik, ck.Value), "unknown key %q in %s (known keys: %s)%s", ck.Value, ik, strings.Join(known, ", "), unknownNote)
				it.unknown = true
			}
		}
		fn(it)
	}
	return true
}

func (m ymap) item(ik string, v *yaml.Node) ymap {
	return ymap{n: v, file: m.file, path: ik, probs: m.probs, b: m.b, read: new(bool)}
}

func (m ymap) str(key string) (string, graph.Evidence, bool) {
	k, v := m.get(key)
	if v == nil || v.Tag == "!!null" {
		return "", graph.Evidence{}, false
	}
	if v.Kind != yaml.ScalarNode {
		m.problem(k.Line, joinKey(m.path, key), "%s must be a string, found %s", joinKey(m.path, key), Describe(v))
		return "", graph.Evidence{}, false
	}
	return v.Value, m.ev(k, key, v.Value), true
}

func (m ymap) integer(key string) (int, graph.Evidence, bool) {
	k, v := m.get(key)
	if v == nil || v.Tag == "!!null" {
		return 0, graph.Evidence{}, false
	}
	var n int
	if v.Kind != yaml.ScalarNode || v.Tag != "!!int" || v.Decode(&n) != nil {
		m.problem(k.Line, joinKey(m.path, key), "%s must be an integer, found %s", joinKey(m.path, key), Describe(v))
		return 0, graph.Evidence{}, false
	}
	return n, m.ev(k, key, strconv.Itoa(n)), true
}

// port reads a TCP port: an integer from 1 to 65535, or 0, which claims
// no port (see docs/formats.md). Any other number is a Problem naming
// the key, and is not used.
func (m ymap) port(key string) (int, graph.Evidence, bool) {
	k, v := m.get(key)
	if v == nil || v.Tag == "!!null" {
		return 0, graph.Evidence{}, false
	}
	kp := joinKey(m.path, key)
	if v.Kind != yaml.ScalarNode || v.Tag != "!!int" {
		m.problem(k.Line, kp, "%s must be an integer, found %s", kp, Describe(v))
		return 0, graph.Evidence{}, false
	}
	var n int64
	if err := v.Decode(&n); err != nil || n < 0 || n > 65535 {
		found := "a number out of range"
		if err == nil {
			found = strconv.FormatInt(n, 10)
		}
		m.problem(k.Line, kp, "%s must be a port number from 1 to 65535, found %s", kp, found)
		return 0, graph.Evidence{}, false
	}
	return int(n), m.ev(k, key, strconv.Itoa(int(n))), true
}

func (m ymap) boolean(key string) (val, set bool) {
	k, v := m.get(key)
	if v == nil || v.Tag == "!!null" {
		return false, false
	}
	if v.Kind != yaml.ScalarNode || v.Tag != "!!bool" || v.Decode(&val) != nil {
		m.problem(k.Line, joinKey(m.path, key), "%s must be true or false, found %s", joinKey(m.path, key), Describe(v))
		return false, false
	}
	return val, true
}

// keyEv is the evidence of key in m (its line; the value as token).
func (m ymap) keyEv(key string) graph.Evidence {
	k, v := m.get(key)
	if k == nil {
		return graph.Evidence{File: m.file, Key: joinKey(m.path, key)}
	}
	tok := ""
	if v != nil {
		tok = v.Value
	}
	return m.ev(k, key, tok)
}

// names reads a list of names: strings, or mappings with field (e.g.
// {service: NAME}) when field is not "". A single string is accepted as a
// one-element list.
func (m ymap) names(key, field string) []record.Ref {
	k, v := m.get(key)
	if v == nil || v.Tag == "!!null" {
		return nil
	}
	kp := joinKey(m.path, key)
	if v.Kind == yaml.ScalarNode {
		return []record.Ref{{Name: v.Value, Evidence: graph.Evidence{File: m.file, Line: v.Line, Key: kp, Token: v.Value}}}
	}
	if v.Kind != yaml.SequenceNode {
		m.problem(k.Line, kp, "%s must be a list, found %s", kp, Describe(v))
		return nil
	}
	if !m.spend(len(v.Content)) {
		return nil
	}
	var out []record.Ref
	for i, item := range v.Content {
		ik := fmt.Sprintf("%s[%d]", kp, i)
		if item.Kind == yaml.AliasNode && item.Alias != nil {
			item = item.Alias
		}
		switch {
		case item.Kind == yaml.ScalarNode && item.Tag == "!!str":
			out = append(out, record.Ref{Name: item.Value, Evidence: graph.Evidence{File: m.file, Line: item.Line, Key: ik, Token: item.Value}})
		case item.Kind == yaml.MappingNode && field != "":
			im := m.item(ik, item)
			if s, ev, ok := im.str(field); ok {
				out = append(out, record.Ref{Name: s, Evidence: ev})
			} else if _, fv := im.get(field); fv == nil {
				m.problem(item.Line, ik, "%s must name a %s", ik, field)
			}
		default:
			m.problem(item.Line, ik, "%s must be a name, found %s", ik, Describe(item))
		}
	}
	return out
}
