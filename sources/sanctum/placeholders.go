package sanctum

import (
	"regexp"

	"github.com/driftmap/driftmap/graph"
	"gopkg.in/yaml.v3"
)

// Placeholder maps an UPPER_CASE template placeholder ({{GATEWAY_PORT}})
// to the dotted path in instance.yaml whose value it stands for
// (services.openclaw_gateway.port): driftmap.yaml's
//
//	placeholders:
//	  GATEWAY_PORT: services.openclaw_gateway.port
type Placeholder struct {
	Name     string         // GATEWAY_PORT
	Path     string         // services.openclaw_gateway.port
	Evidence graph.Evidence // the driftmap.yaml line
}

var (
	// UpperPlaceholder matches the name of an UPPER_CASE placeholder.
	UpperPlaceholder = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)
	// DottedPlaceholder matches a dotted instance.yaml path.
	DottedPlaceholder = regexp.MustCompile(`^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$`)
)

// parsePlaceholders reads the mapping under key. A name that is not
// UPPER_CASE, HOME (built in), or a value that is not a dotted path is a
// Problem and the entry is left out. present reports whether the key is
// there at all.
func parsePlaceholders(m ymap, key string) (out []Placeholder, present bool) {
	if k, _ := m.get(key); k == nil {
		return nil, false
	}
	sec, ok := m.sub(key)
	if !ok {
		return nil, true
	}
	keys, vals := sec.entries()
	for i, k := range keys {
		kp := joinKey(sec.path, k.Value)
		v := vals[i]
		switch {
		case k.Value == "HOME":
			sec.problem(k.Line, kp, "%s: {{HOME}} is built in (the home directory) and cannot be mapped", kp)
		case !UpperPlaceholder.MatchString(k.Value):
			sec.problem(k.Line, kp, "%s: a placeholder name must be UPPER_CASE (letters, digits, _); dotted placeholders need no mapping", kp)
		case v.Kind != yaml.ScalarNode || v.Tag == "!!null" || !DottedPlaceholder.MatchString(v.Value):
			sec.problem(k.Line, kp, "%s must be a dotted path in instance.yaml such as services.NAME.port, found %s", kp, Describe(v))
		default:
			out = append(out, Placeholder{Name: k.Value, Path: v.Value,
				Evidence: graph.Evidence{File: m.file, Line: k.Line, Key: kp, Token: v.Value}})
		}
	}
	return out, true
}
