package render

import (
	"bytes"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

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
