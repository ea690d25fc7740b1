package artifact

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/driftmap/driftmap/sources/redact"
	"github.com/driftmap/driftmap/sources/sanctum"
	"gopkg.in/yaml.v3"
	"howett.net/plist"
)

// Values compared by differ are: nil, bool, string, number,
// dataValue, time.Time, []any and map[string]any.

// number is a numeric value: integers exactly, other numbers as float64.
type number struct {
	i *big.Int // non-nil for an integer
	f float64  // the value of a non-integer
	// text is a YAML float as written ("1e3", or an integer too large
	// for yaml.v3 to call it one), for Regenerate to keep its digits.
	text string
}

func intNumber(i *big.Int) number { return number{i: i} }

func (n number) float() float64 {
	if n.i != nil {
		f, _ := new(big.Float).SetInt(n.i).Float64()
		return f
	}
	return n.f
}

func (n number) equal(o number) bool {
	if n.i != nil && o.i != nil {
		return n.i.Cmp(o.i) == 0
	}
	a, b := n.float(), o.float()
	return a == b || math.IsNaN(a) && math.IsNaN(b)
}

func (n number) String() string {
	if n.i != nil {
		return n.i.String()
	}
	return strconv.FormatFloat(n.f, 'g', -1, 64)
}

// dataValue is a plist <data> value.
type dataValue []byte

// errDepth is returned for values nested beyond maxDepth.
var errDepth = fmt.Errorf("nested deeper than %d levels", maxDepth)

// yamlValue parses the first YAML document of data into values. Errors
// never quote the document.
func yamlValue(data []byte) (any, error) {
	doc, err := redact.Guard("YAML parser", func() (*yaml.Node, error) {
		var doc yaml.Node
		return &doc, yaml.Unmarshal(data, &doc)
	})
	var pe *redact.PanicError
	if errors.As(err, &pe) {
		return nil, pe
	}
	if err != nil {
		p := sanctum.YAMLError("", err)
		msg := strings.TrimPrefix(p.Message, "invalid YAML:")
		msg = strings.TrimSpace(msg)
		if p.Line > 0 {
			return nil, fmt.Errorf("line %d: %s", p.Line, msg)
		}
		return nil, errors.New(msg)
	}
	limit, nodes := sanctum.NodeBudget(doc)
	c := &yamlConverter{memo: map[*yaml.Node]any{}, active: map[*yaml.Node]bool{},
		left: limit, tooLarge: &expansionError{limit: limit, nodes: nodes}}
	return c.value(doc, 0)
}

// expansionError is a YAML document whose conversion would build more
// values than its budget (see sanctum.NodeBudget).
type expansionError struct{ limit, nodes int }

func (e *expansionError) Error() string {
	return fmt.Sprintf("too large once aliases and merge keys are expanded: more than %d values (limit: %d per node of the file, which has %d, plus %d)",
		e.limit, sanctum.NodeBudgetPerNode, e.nodes, sanctum.NodeBudgetFloor)
}

// yamlConverter converts a yaml.v3 node tree. Each anchored node is converted
// once and shared by its aliases, so aliases never expand exponentially;
// a merge key (<<) copies the entries of the mapping it names, which
// many mappings merging a large one, or a chain of merges, would
// multiply. Every node converted and every entry copied is charged to a
// budget proportional to the document's size (sanctum.NodeBudget).
// Walking the result as a tree is bounded by the differ (walkLimit).
type yamlConverter struct {
	memo     map[*yaml.Node]any
	active   map[*yaml.Node]bool
	left     int
	tooLarge *expansionError
}

// spend charges k values to the budget.
func (c *yamlConverter) spend(k int) error {
	if c.left -= k; c.left < 0 {
		return c.tooLarge
	}
	return nil
}

func (c *yamlConverter) value(n *yaml.Node, depth int) (any, error) {
	if depth > maxDepth {
		return nil, errDepth
	}
	if err := c.spend(1); err != nil {
		return nil, err
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
		return yamlScalar(n), nil
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
func (c *yamlConverter) mapping(n *yaml.Node, depth int) (any, error) {
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
		if err := c.spend(len(mm)); err != nil {
			return nil, err
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
func (c *yamlConverter) key(k *yaml.Node, depth int) (string, error) {
	v, err := c.value(k, depth+1)
	if err != nil {
		return "", err
	}
	if s, ok := v.(string); ok {
		return s, nil
	}
	var b strings.Builder
	canon(&b, v)
	return b.String(), nil
}

// canon writes a compact, deterministic rendering of v (for keys).
func canon(b *strings.Builder, v any) {
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
			canon(b, e)
		}
		b.WriteString("]")
	case map[string]any:
		b.WriteString("{")
		for i, k := range slices.Sorted(maps.Keys(cv)) {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(k + ": ")
			canon(b, cv[k])
		}
		b.WriteString("}")
	default:
		fmt.Fprint(b, v)
	}
}

// yamlScalar converts a scalar by its resolved tag. Timestamps, binary
// and custom tags stay text.
func yamlScalar(n *yaml.Node) any {
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
			return intNumber(big.NewInt(i))
		}
		var u uint64
		if n.Decode(&u) == nil {
			return intNumber(new(big.Int).SetUint64(u))
		}
		if len(n.Value) <= 1000 {
			if bi, ok := new(big.Int).SetString(strings.ReplaceAll(n.Value, "_", ""), 0); ok {
				return intNumber(bi)
			}
		}
		var f float64
		if n.Decode(&f) == nil {
			return number{f: f}
		}
	case "!!float":
		var f float64
		if n.Decode(&f) == nil {
			return number{f: f, text: n.Value}
		}
	}
	return n.Value
}

// jsonValue parses data as one JSON value. Errors never quote the text.
func jsonValue(data []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var v any
	err := d.Decode(&v)
	if err == nil {
		if _, extra := d.Token(); extra != io.EOF {
			return nil, fmt.Errorf("line %d: text after the JSON value", lineAt(data, d.InputOffset()))
		}
		return fromJSON(v, 0)
	}
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return nil, fmt.Errorf("line %d: syntax error", lineAt(data, se.Offset))
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		if len(bytes.TrimSpace(data)) == 0 {
			return nil, errors.New("empty file")
		}
		return nil, errors.New("unexpected end of file (truncated?)")
	}
	return nil, errors.New("cannot be decoded")
}

// lineAt returns the 1-based line of a byte offset.
func lineAt(data []byte, off int64) int {
	off = min(max(off, 0), int64(len(data)))
	return 1 + bytes.Count(data[:off], []byte("\n"))
}

// fromJSON converts a value decoded by encoding/json with UseNumber.
func fromJSON(v any, depth int) (any, error) {
	return convert(v, depth, func(v any) any {
		n, ok := v.(json.Number)
		if !ok {
			return v // string, bool, nil
		}
		s := string(n)
		if !strings.ContainsAny(s, ".eE") {
			if bi, ok := new(big.Int).SetString(s, 10); ok {
				return intNumber(bi)
			}
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return s
		}
		return number{f: f}
	})
}

// plistValue converts a value decoded by howett.net/plist.
func plistValue(v any, depth int) (any, error) {
	return convert(v, depth, func(v any) any {
		switch cv := v.(type) {
		case uint64:
			return intNumber(new(big.Int).SetUint64(cv))
		case int64:
			return intNumber(big.NewInt(cv))
		case float64:
			return number{f: cv}
		case float32:
			return number{f: float64(cv)}
		case plist.UID:
			return intNumber(new(big.Int).SetUint64(uint64(cv)))
		case []byte:
			return dataValue(cv)
		case nil, bool, string, time.Time:
			return v
		}
		return fmt.Sprintf("(%T)", v)
	})
}

// convert copies a decoded tree of []any and map[string]any, bounded
// in depth, converting every other value with leaf.
func convert(v any, depth int, leaf func(any) any) (any, error) {
	if depth > maxDepth {
		return nil, errDepth
	}
	switch cv := v.(type) {
	case []any:
		out := make([]any, len(cv))
		for i, e := range cv {
			ev, err := convert(e, depth+1, leaf)
			if err != nil {
				return nil, err
			}
			out[i] = ev
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(cv))
		for k, e := range cv {
			ev, err := convert(e, depth+1, leaf)
			if err != nil {
				return nil, err
			}
			out[k] = ev
		}
		return out, nil
	}
	return leaf(v), nil
}

// kindName names a value's type, with an article.
func kindName(v any) string {
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
	case number:
		return "a number"
	case dataValue:
		return "data"
	case time.Time:
		return "a date"
	}
	return "a value"
}

// show renders a scalar for a Difference (composites by type).
func show(v any) string {
	switch cv := v.(type) {
	case nil:
		return "null"
	case string:
		return strconv.Quote(shorten(cv))
	case bool:
		return strconv.FormatBool(cv)
	case number:
		return shorten(cv.String())
	case dataValue:
		return fmt.Sprintf("<%d bytes of data>", len(cv))
	case time.Time:
		return cv.UTC().Format(time.RFC3339)
	}
	return kindName(v)
}

// scalarEqual compares two values that are not both lists or mappings.
func scalarEqual(a, b any) bool {
	switch av := a.(type) {
	case nil:
		return b == nil
	case string:
		bv, ok := b.(string)
		return ok && av == bv
	case bool:
		bv, ok := b.(bool)
		return ok && av == bv
	case number:
		bv, ok := b.(number)
		return ok && av.equal(bv)
	case dataValue:
		bv, ok := b.(dataValue)
		return ok && bytes.Equal(av, bv)
	case time.Time:
		bv, ok := b.(time.Time)
		return ok && av.Equal(bv)
	}
	return false
}
