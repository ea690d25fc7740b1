package render

import (
	"bytes"
	"strings"

	"github.com/rogpeppe/go-internal/diff"
)

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
