package render

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/driftmap/driftmap/sources/record"
	"github.com/driftmap/driftmap/sources/redact"
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
