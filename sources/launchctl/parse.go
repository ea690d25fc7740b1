package launchctl

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxInput is the largest output or snapshot document Parse reads, in
// bytes: `launchctl print system` on a busy Mac is well under a MiB. A
// larger input is a Problem and nothing of it is read.
const MaxInput = 16 << 20

// Limits on what one parse may cost beyond the input's size.
const (
	// maxLines bounds the lines of one output.
	maxLines = 1 << 20
	// maxItems bounds the jobs, rows, overrides, arguments and
	// properties read from one input: a few thousand in any real one.
	maxItems = 1 << 18
	// maxDepth bounds the nesting of blocks in a print, of dictionaries
	// and arrays in a `list LABEL` output: launchctl nests a handful.
	maxDepth = 64
)

// Parse reads one launchctl output, or a snapshot document, and returns
// what it holds. The kind is told from the content:
//
//   - `launchctl print` of services (headers `gui/501/LABEL = {`,
//     `system/LABEL = {`, or the old `LABEL = {` with a `domain =` line)
//     and of domains (`gui/501 = {`, `system = {`: the services block
//     gives rows and jobs, the disabled services block overrides);
//   - `launchctl list`, with or without its header (grep-filtered);
//   - `launchctl list LABEL`, the old property-list form;
//   - `launchctl print-disabled`, with either vocabulary (`=> true` up to
//     macOS 12, `=> disabled` after), whose domain is not printed: its
//     overrides have Domain "" for the caller to fill in;
//   - driftmap's own snapshot document (schema driftmap/snapshot/v1).
//
// Parse never fails: lines it does not know are skipped, and an input
// that is none of these, a procinfo or blame output, or one whose
// structure breaks (a block never closed, nesting too deep) gives a
// Problem naming file and line, in words of its own that quote nothing
// from the input. What was read before a break is kept. The result is
// sorted as Marshal writes it.
func Parse(data []byte, file string) *Snapshot {
	s := empty()
	switch {
	case len(data) > MaxInput:
		s.problem(file, 0, fmt.Sprintf("is larger than the %d MiB driftmap reads from one launchctl output; nothing in it was read", MaxInput>>20))
		return s
	case !utf8.Valid(data):
		data = bytes.ToValidUTF8(data, []byte("\uFFFD"))
	}
	text := strings.TrimPrefix(string(data), "\uFEFF")
	switch sniff(text) {
	case sniffDocument:
		parseDocument(s, text, file)
	case sniffListLabel:
		parseListLabel(s, text, file)
	default:
		parseLines(s, text, file)
	}
	s.sort()
	return s
}

// empty returns a snapshot with its schema set and every list empty
// (written [] rather than null).
func empty() *Snapshot {
	return &Snapshot{Schema: Schema, Jobs: []Job{}, List: []ListRow{}, Disabled: []Override{}, Problems: []Problem{}}
}

func (s *Snapshot) problem(file string, line int, msg string) {
	s.Problems = append(s.Problems, Problem{File: file, Line: line, Message: msg})
}

type sniffKind int

const (
	sniffLines sniffKind = iota
	sniffDocument
	sniffListLabel
)

// sniff tells a JSON document (an object whose first key is followed
// by a colon, or {}) and a `list LABEL` output (an object whose keys are
// followed by " = ") from the line-oriented outputs.
func sniff(text string) sniffKind {
	t := strings.TrimLeft(text, " \t\r\n")
	if !strings.HasPrefix(t, "{") {
		return sniffLines
	}
	t = strings.TrimLeft(t[1:], " \t\r\n")
	if strings.HasPrefix(t, "}") {
		return sniffDocument
	}
	if !strings.HasPrefix(t, `"`) {
		return sniffListLabel
	}
	// A quoted key: JSON if the closing quote is followed by a colon.
	for i := 1; i < len(t) && i < 4096; i++ {
		switch t[i] {
		case '\\':
			i++
		case '"':
			rest := strings.TrimLeft(t[i+1:], " \t\r\n")
			if strings.HasPrefix(rest, ":") {
				return sniffDocument
			}
			return sniffListLabel
		}
	}
	return sniffListLabel
}

// unrecognised adds the Problem of an input in which parseLines found
// no output it reads: an empty one, a procinfo or blame output, an
// error message of launchctl, or anything else.
func unrecognised(s *Snapshot, text, file string) {
	first, n := 0, 0
	var lines []string
	for line := range strings.Lines(text) {
		n++
		if t := strings.TrimSpace(line); t != "" {
			if first == 0 {
				first = n
			}
			lines = append(lines, t)
			if len(lines) > 1 {
				break
			}
		}
	}
	switch {
	case len(lines) == 0:
		s.problem(file, 0, "is empty: it holds no launchctl output")
	case len(lines) == 1 && strings.HasPrefix(lines[0], "Usage: launchctl procinfo"):
		s.problem(file, first, "is a launchctl procinfo output: it holds nothing driftmap reads")
	case len(lines) == 1 && isBlame(lines[0]):
		s.problem(file, first, "is a launchctl blame output: it holds nothing driftmap reads")
	case len(lines) == 1 && isLaunchctlError(lines[0]):
		s.problem(file, first, "is a launchctl error message, not an output: it holds nothing driftmap reads")
	default:
		s.problem(file, first, "is none of the launchctl outputs driftmap reads (print, list, list LABEL, print-disabled) nor a driftmap snapshot document")
	}
}

// isBlame reports whether a lone line is what `launchctl blame` prints:
// its usage line, or a reason such as "ipc (mach)", "speculative",
// "non-ipc demand" (lower-case words, one parenthesised word at most).
func isBlame(t string) bool {
	if strings.HasPrefix(t, "Usage: launchctl blame") {
		return true
	}
	if len(t) > 40 {
		return false
	}
	words, paren, _ := strings.Cut(t, " (")
	if paren != "" && (!strings.HasSuffix(paren, ")") || !lowerWord(strings.TrimSuffix(paren, ")"))) {
		return false
	}
	for w := range strings.SplitSeq(words, " ") {
		if !lowerWord(w) {
			return false
		}
	}
	return true
}

// lowerWord reports whether w is a non-empty word of lower-case ASCII
// letters and hyphens.
func lowerWord(w string) bool {
	if w == "" {
		return false
	}
	for i := 0; i < len(w); i++ {
		if c := w[i]; (c < 'a' || c > 'z') && c != '-' {
			return false
		}
	}
	return true
}

// launchctlErrors start the error messages launchctl prints instead of
// an output.
var launchctlErrors = []string{
	"Usage: launchctl", "Could not find", "Not privileged", "Bad request",
	"Unrecognized target", "Operation not permitted", "Unknown command",
}

func isLaunchctlError(t string) bool {
	for _, p := range launchctlErrors {
		if strings.HasPrefix(t, p) {
			return true
		}
	}
	return false
}
