package render

import (
	"fmt"
	"io/fs"
	"path"
	"strings"
	"unicode/utf8"
)

// This file holds what ApplyOps and Undo share about states: the view of
// the tree a list of ops leaves, how two states differ, what an op
// leaves, and what an op must look like on its face.

// view is the tree as the ops checked so far leave it: the states they
// changed (sim, and the content of the files among them), over what is on
// disk. An empty view is the tree itself.
type view struct {
	t    *tree
	sim  map[string]FileState
	data map[string][]byte
}

func newView(t *tree) *view {
	return &view{t: t, sim: map[string]FileState{}, data: map[string][]byte{}}
}

// state returns what p holds in the view, and a regular file's content.
func (v *view) state(p string) (FileState, []byte, error) {
	if st, ok := v.sim[p]; ok {
		return st, v.data[p], nil
	}
	return v.t.look(p)
}

// set records that p holds st (with content data) from now on.
func (v *view) set(p string, st FileState, data []byte) {
	v.sim[p] = st
	v.data[p] = data
}

// dirProblem says why the directory dir cannot hold an op's path, "" when
// every component from the root down is a directory that exists (on disk,
// or made by an earlier op) and none is a symlink.
func (v *view) dirProblem(dir string) string {
	at := "/"
	for _, c := range components(dir) {
		at = path.Join(at, c)
		st, ok := v.sim[at]
		if !ok {
			fi, err := v.t.lstat(at)
			switch {
			case isMissing(err):
				return fmt.Sprintf("directory %s does not exist", at)
			case err != nil:
				return describeErr(err)
			}
			st = FileState{Exists: true, Type: fileType(fi.Mode())}
		}
		switch {
		case !st.Exists:
			return fmt.Sprintf("directory %s does not exist", at)
		case st.Type == "symlink":
			return fmt.Sprintf("it is reached through a symlink (%s); refusing to follow it", at)
		case st.Type != "dir":
			return fmt.Sprintf("%s is not a directory", at)
		}
	}
	return ""
}

// differs says how got differs from want, "" when it holds exactly want:
// existence, type, permissions, and for a regular file size and content.
func differs(want, got FileState) string {
	switch {
	case want.Exists && !got.Exists:
		return "it no longer exists"
	case !want.Exists && got.Exists:
		return "it exists now: " + article(got)
	case !want.Exists:
		return ""
	case want.Type != got.Type:
		return "it is now " + article(got) + ", not " + article(want)
	}
	var d []string
	if want.Mode != got.Mode {
		d = append(d, fmt.Sprintf("mode %04o, expected %04o", uint32(got.Mode), uint32(want.Mode)))
	}
	if want.Type == "file" && want.Size != got.Size {
		d = append(d, fmt.Sprintf("%d bytes, expected %d", got.Size, want.Size))
	}
	if want.Type == "file" && want.SHA256 != got.SHA256 {
		d = append(d, "sha256 differs")
	}
	return strings.Join(d, ", ")
}

// article is a state as a noun phrase: "a file (0644, 12 bytes)".
func article(s FileState) string {
	switch {
	case !s.Exists:
		return "absent"
	case s.Type == "other":
		return "neither a file, a directory nor a symlink"
	}
	return "a " + s.String()
}

// effect is what op leaves when it runs on a Path holding before: Path's
// state after it, and for a rename To's.
func effect(op Op, before FileState) (after, afterTo FileState) {
	switch op.Kind {
	case OpMkdir:
		return FileState{Exists: true, Type: "dir", Mode: op.Mode}, FileState{}
	case OpWrite:
		return FileState{Exists: true, Type: "file", Mode: op.Mode, Size: int64(len(op.Data)), SHA256: op.SHA256}, FileState{}
	case OpRename:
		return FileState{}, before
	case OpChmod:
		before.Mode = op.Mode
		return before, FileState{}
	}
	return before, FileState{}
}

// cleanAbs reports whether p is a path an op may name: absolute, clean
// (no "." or ".." component, no double or trailing slash), not "/" itself,
// and without control characters (which could forge a line of output).
func cleanAbs(p string) bool {
	if p == "" || p == "/" || p[0] != '/' || path.Clean(p) != p {
		return false
	}
	for _, c := range components(p) {
		if c == ".." || c == "." {
			return false
		}
	}
	return !strings.ContainsFunc(p, func(r rune) bool { return r < 0x20 || r == 0x7f })
}

// isHash reports whether s is a hex SHA-256 as Hash writes it.
func isHash(s string) bool {
	return len(s) == 64 && strings.Trim(s, "0123456789abcdef") == ""
}

// stateProblem says what is wrong with a FileState on its face, "" when
// nothing.
func stateProblem(s FileState) string {
	switch {
	case !s.Exists:
		if s != (FileState{}) {
			return "an absent state with a type, mode, size or hash"
		}
		return ""
	case s.Mode&^fs.ModePerm != 0:
		return fmt.Sprintf("mode %o has bits beyond the permissions", uint32(s.Mode))
	case s.Type == "file":
		if s.Size < 0 || !isHash(s.SHA256) {
			return "a file state without a size and a sha256"
		}
		return ""
	case s.Type == "dir" || s.Type == "symlink" || s.Type == "other":
		if s.Size != 0 || s.SHA256 != "" {
			return "a size or sha256 for something not a file"
		}
		return ""
	}
	return fmt.Sprintf("unknown type %q", s.Type)
}

// shapeProblem says what is wrong with op on its face (its data aside),
// "" when nothing: an unknown kind, a path that is not clean and
// absolute, a mode beyond the permission bits, a rename out of its
// directory, a write without a hash, or a Before its kind cannot start
// from (a mkdir starts where nothing exists, a write from nothing or a
// regular file, a rename or a chmod from a regular file).
func shapeProblem(op Op) string {
	switch op.Kind {
	case OpMkdir, OpWrite, OpRename, OpChmod:
	default:
		return "unknown operation"
	}
	if !cleanAbs(op.Path) {
		return "the path is not a clean absolute path"
	}
	if op.Mode&^fs.ModePerm != 0 {
		return fmt.Sprintf("mode %o has bits beyond the permissions", uint32(op.Mode))
	}
	if s := stateProblem(op.Before); s != "" {
		return "its planned state is malformed: " + s
	}
	if op.Kind != OpRename && op.To != "" {
		return "only a rename has a target"
	}
	if op.Kind != OpWrite && op.SHA256 != "" {
		return "only a write has a sha256"
	}
	isFile := op.Before.Exists && op.Before.Type == "file"
	switch op.Kind {
	case OpMkdir:
		if op.Before.Exists {
			return "a mkdir must start where nothing exists"
		}
	case OpWrite:
		if !isHash(op.SHA256) {
			return "a write needs the sha256 of its data"
		}
		if op.Before.Exists && !isFile {
			return "a write replaces only a regular file"
		}
	case OpRename:
		switch {
		case !cleanAbs(op.To):
			return "the rename target is not a clean absolute path"
		case path.Dir(op.To) != path.Dir(op.Path):
			return fmt.Sprintf("the rename target %s is not in the same directory", op.To)
		case op.To == op.Path:
			return "a rename to itself"
		case op.Mode != 0:
			return "a rename has no mode"
		case !isFile:
			return "a rename moves only a regular file"
		}
	case OpChmod:
		if !isFile {
			return "a chmod changes only a regular file"
		}
	}
	return ""
}

// opName names op i (counted from 0) in a line of a refusal: "op 2
// (write /Users/bert/.sanctum/services/vm.yaml)". A path that is not
// clean and a kind that is unknown are not repeated (they may come from
// a journal someone edited): "op 2 (<unknown> <unclean path>)".
func opName(i int, op Op) string {
	kind := string(op.Kind)
	switch op.Kind {
	case OpMkdir, OpWrite, OpRename, OpChmod:
	default:
		kind = "<unknown>"
	}
	name := func(p string) string {
		if cleanAbs(p) {
			return p
		}
		return "<unclean path>"
	}
	if op.Kind == OpRename {
		return fmt.Sprintf("op %d (rename %s to %s)", i+1, name(op.Path), name(op.To))
	}
	return fmt.Sprintf("op %d (%s %s)", i+1, kind, name(op.Path))
}

// show is s for a message: quoted when it is empty, not UTF-8 or holds
// a control character, so that no value can forge a line.
func show(s string) string {
	if s == "" || !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return fmt.Sprintf("%q", s)
	}
	return s
}
