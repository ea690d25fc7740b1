package systemd

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/driftmap/driftmap/sources/record"
)

// Entry is one assignment of a unit file: Key=Value in Section, with the
// file and 1-based line where it starts (a continued value keeps the line
// of its first line).
type Entry struct {
	Section string
	Key     string
	Value   string
	File    string
	Line    int
}

// File is a parsed unit file or drop-in.
type File struct {
	Path    string
	Entries []Entry
	// Sections lists the sections in the order they first appear, with
	// the line of their first header.
	Sections []Section
}

// Section is a section header and its line.
type Section struct {
	Name string
	Line int
}

// SectionLine returns the line of the first [name] header, 0 if none.
func (f File) SectionLine(name string) int {
	for _, s := range f.Sections {
		if s.Name == name {
			return s.Line
		}
	}
	return 0
}

// maxProblems bounds the problems reported for one file: a file that
// is not a unit file at all (a script under a unit's name) would
// otherwise give one per line.
const maxProblems = 5

// MaxLine bounds a logical line (continuations joined), as systemd's
// LONG_LINE_MAX does: a longer line ends the parse of the file.
const MaxLine = 1 << 20

// ParseFile parses a unit file or drop-in (systemd.syntax(7)): blank
// lines and lines starting with # or ; are comments, also in the middle
// of a continued value; a line ending in a backslash that is not
// itself escaped (two at the end are one escaped backslash) continues
// on the next, the backslash read as a space; [Section] starts a section;
// Key=Value assigns, whitespace around both trimmed. Whatever systemd
// would ignore with a warning (an assignment outside a section, a line
// without '=', a section header without ']') is a Problem, and the rest
// of the file is read. A file that is not text at all (a NUL byte) is one
// Problem and no entries.
func ParseFile(data []byte, file string) (f File, probs []record.Problem) {
	f.Path = file
	more := 0 // problems past maxProblems, counted
	problem := func(line int, format string, args ...any) {
		if len(probs) >= maxProblems {
			more++
			return
		}
		probs = append(probs, record.Problem{File: file, Line: line, Message: fmt.Sprintf(format, args...)})
	}
	defer func() {
		if more > 0 {
			probs = append(probs, record.Problem{File: file, Line: probs[len(probs)-1].Line,
				Message: fmt.Sprintf("and %d more lines that systemd ignores", more)})
		}
	}()
	if bytes.IndexByte(data, 0) >= 0 {
		problem(0, "not a unit file: it holds binary data")
		return f, probs
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	section := ""
	seen := map[string]bool{}
	var cont strings.Builder
	contLine := 0
	lineNo := 0
	for len(data) > 0 {
		lineNo++
		var raw []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			raw, data = data[:i], data[i+1:]
		} else {
			raw, data = data, nil
		}
		line := strings.TrimSuffix(string(raw), "\r")
		trimmed := strings.TrimLeft(line, " \t")
		if trimmed == "" && contLine == 0 {
			continue
		}
		if trimmed != "" && (trimmed[0] == '#' || trimmed[0] == ';') {
			continue
		}
		start := lineNo
		if contLine > 0 {
			start = contLine
		}
		if continues(line) {
			if contLine == 0 {
				contLine = lineNo
				cont.WriteString(trimmed[:len(trimmed)-1])
			} else {
				cont.WriteString(line[:len(line)-1])
			}
			cont.WriteByte(' ')
			if cont.Len() > MaxLine {
				problem(start, "a line continued past %d bytes; the rest of the file is not read", MaxLine)
				return f, probs
			}
			continue
		}
		if contLine > 0 {
			cont.WriteString(line)
			trimmed = cont.String()
			cont.Reset()
			contLine = 0
		}
		if len(trimmed) > MaxLine {
			problem(start, "a line longer than %d bytes; the rest of the file is not read", MaxLine)
			return f, probs
		}
		trimmed = strings.TrimRight(trimmed, " \t")
		if trimmed == "" {
			continue
		}
		if trimmed[0] == '[' {
			if !strings.HasSuffix(trimmed, "]") || len(trimmed) < 3 {
				problem(start, "invalid section header: systemd refuses the file")
				continue
			}
			section = trimmed[1 : len(trimmed)-1]
			if !seen[section] {
				seen[section] = true
				f.Sections = append(f.Sections, Section{section, start})
			}
			continue
		}
		key, value, ok := strings.Cut(trimmed, "=")
		key = strings.TrimRight(key, " \t")
		switch {
		case !ok:
			problem(start, "a line without '=' outside a comment: systemd ignores it")
			continue
		case key == "":
			problem(start, "an assignment without a key: systemd ignores it")
			continue
		case section == "":
			problem(start, "assignment to %s outside of any section: systemd ignores it", keyName(key))
			continue
		}
		f.Entries = append(f.Entries, Entry{Section: section, Key: key, Value: strings.TrimLeft(value, " \t"), File: file, Line: start})
	}
	if contLine > 0 {
		// A continuation at the end of the file ends the value there.
		v := strings.TrimRight(cont.String(), " \t")
		if key, value, ok := strings.Cut(v, "="); ok && section != "" && strings.TrimSpace(key) != "" {
			f.Entries = append(f.Entries, Entry{Section: section, Key: strings.TrimRight(key, " \t"), Value: strings.TrimLeft(value, " \t"), File: file, Line: contLine})
		}
	}
	return f, probs
}

// continues reports whether line ends in a backslash that is not itself
// escaped: an odd run of them, as config_parse counts.
func continues(line string) bool {
	n := len(line) - len(strings.TrimRight(line, "\\"))
	return n%2 == 1
}

// keyName returns key for a message when it looks like a key (letters,
// digits, '-', '_', '.'), else a neutral word: a line that is not an
// assignment may hold anything, a credential included.
func keyName(key string) string {
	if len(key) > 64 {
		return "a key"
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return "a key"
		}
	}
	return key
}
