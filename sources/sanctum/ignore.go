package sanctum

import (
	"fmt"
	"path"

	"github.com/driftmap/driftmap/sources/record"
	"gopkg.in/yaml.v3"
)

// IgnoreEntry is one entry of driftmap.yaml's ignore list: findings of
// Rule (any rule when empty) whose subject ID matches the path.Match
// pattern Subject (any subject, including none, when empty) leave the
// report. Reason says why; it is required.
type IgnoreEntry struct {
	Rule    string
	Subject string
	Reason  string
	File    string // driftmap.yaml
	Line    int    // the line of the entry
}

// ignoreKeys are the keys an ignore entry may hold.
var ignoreKeys = []string{"rule", "subject", "reason"}

// parseIgnore reads the ignore list. A malformed entry (not a mapping, an
// unknown key, a value that is not a string) is a Problem and is dropped
// whole, so that a typo never widens an ignore. An entry without a
// reason, with neither rule nor subject, or whose subject is not a valid
// pattern is a Problem whose Rule is record.InvalidIgnore: sources.Load
// refuses the configuration on it (a silent ignore is worse than none).
func parseIgnore(m ymap, key string) (entries []IgnoreEntry, present bool) {
	invalid := func(line int, ik, format string, args ...any) {
		if m.exhausted() {
			return
		}
		*m.probs = append(*m.probs, record.Problem{File: m.file, Line: line, Key: ik, Message: fmt.Sprintf(format, args...), Rule: record.InvalidIgnore})
	}
	present = m.eachMapping(key, ignoreKeys, "; the entry is not applied", func(it listItem) {
		im, item, ik := it.m, it.node, it.m.path
		ok := !it.unknown
		e := IgnoreEntry{File: m.file, Line: item.Line}
		for _, f := range []struct {
			name string
			dst  *string
		}{{"rule", &e.Rule}, {"subject", &e.Subject}, {"reason", &e.Reason}} {
			fk, fv := im.get(f.name)
			if fv == nil || fv.Tag == "!!null" {
				continue
			}
			if fv.Kind != yaml.ScalarNode {
				im.problem(fk.Line, joinKey(ik, f.name), "%s must be a string, found %s; the entry is not applied", joinKey(ik, f.name), Describe(fv))
				ok = false
				continue
			}
			*f.dst = fv.Value
		}
		switch {
		case e.Reason == "":
			invalid(item.Line, ik, "%s:%d: ignore entry has no reason; every entry must say why its findings may be ignored", m.file, item.Line)
			ok = false
		case e.Rule == "" && e.Subject == "":
			invalid(item.Line, ik, "%s:%d: ignore entry has neither rule nor subject, so it would ignore every finding", m.file, item.Line)
			ok = false
		}
		if _, err := path.Match(e.Subject, ""); err != nil {
			invalid(item.Line, ik, "%s:%d: ignore entry's subject %q is not a valid path.Match pattern (%v)", m.file, item.Line, e.Subject, err)
			ok = false
		}
		if ok {
			entries = append(entries, e)
		}
	})
	return entries, present
}
