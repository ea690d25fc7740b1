package render

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/rogpeppe/go-internal/diff"

	"github.com/driftmap/driftmap/sources/redact"
)

// UnifiedDiff returns a unified diff from old to new of the file path,
// with `--- a/PATH` and `+++ b/PATH` headers; a nil old (or new) is
// /dev/null. It returns "" when old and new are equal.
//
// The diff is computed on the files as they are, and every line it
// shows is the line as redact.YAMLLines redacts it: the value of a
// credential-like key (and all that is nested under it), a command
// line's --password=X, a URL's user:pass@ read <redacted>. So a manifest
// that keeps an api_key beside a field render changes, or an extra
// manifest the prune diff shows whole, prints no credential; a line whose
// secret changed still shows as changed. UnifiedDiff is the one place
// render's diffs are redacted; path is printed as given.
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
	return redactHunks(d, redact.YAMLLines(old), redact.YAMLLines(new))
}

// redactHunks replaces the text of every line of the unified diff d by
// the same line of oldLines (a context or removed line) or newLines (an
// added line), found by the line numbers of the hunk headers. A line it
// cannot place, which diff.Diff never writes, is replaced by a line that
// says so rather than shown.
func redactHunks(d string, oldLines, newLines []string) string {
	var b strings.Builder
	b.Grow(len(d))
	lines := strings.SplitAfter(d, "\n")
	oi, ni := 0, 0 // 0-based index of the next old and new line
	inHunk := false
	lost := false // the hunk header could not be read: no line can be placed
	for _, l := range lines {
		if l == "" {
			continue
		}
		text, nl := strings.CutSuffix(l, "\n")
		end := ""
		if nl {
			end = "\n"
		}
		switch {
		case strings.HasPrefix(text, "@@ "):
			o, n, ok := hunkStarts(text)
			oi, ni, inHunk, lost = o, n, true, !ok
			b.WriteString(l)
		case lost:
			b.WriteString(text[:min(1, len(text))] + "(line not shown)" + end)
		case !inHunk:
			b.WriteString(l) // the --- and +++ headers
		case strings.HasPrefix(text, " "):
			b.WriteString(" " + at(oldLines, oi) + end)
			oi++
			ni++
		case strings.HasPrefix(text, "-"):
			b.WriteString("-" + at(oldLines, oi) + end)
			oi++
		case strings.HasPrefix(text, "+"):
			b.WriteString("+" + at(newLines, ni) + end)
			ni++
		case strings.HasPrefix(text, `\`):
			b.WriteString(l) // \ No newline at end of file
		default:
			b.WriteString("? (line not shown)" + end)
		}
	}
	return b.String()
}

// at returns lines[i], or a marker when i is out of range.
func at(lines []string, i int) string {
	if i < 0 || i >= len(lines) {
		return "(line not shown)"
	}
	return lines[i]
}

// hunkStarts reads "@@ -A,B +C,D @@" and returns the 0-based indexes of
// the first old and new lines of the hunk (A-1 and C-1; an empty side,
// written 0,0, starts at 0).
func hunkStarts(h string) (old, new int, ok bool) {
	f := strings.Fields(h)
	if len(f) < 4 || f[0] != "@@" || f[3] != "@@" {
		return 0, 0, false
	}
	parse := func(s, sign string) (int, bool) {
		s, ok := strings.CutPrefix(s, sign)
		if !ok {
			return 0, false
		}
		s, _, _ = strings.Cut(s, ",")
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return 0, false
		}
		return max(n-1, 0), true
	}
	o, ok1 := parse(f[1], "-")
	n, ok2 := parse(f[2], "+")
	return o, n, ok1 && ok2
}
