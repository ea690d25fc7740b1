package sanctum

import (
	"maps"
	"slices"
	"strings"

	"github.com/driftmap/driftmap/sources/record"
	"gopkg.in/yaml.v3"
)

// ConfigFile is the name of the optional configuration file in the
// workspace.
const ConfigFile = "driftmap.yaml"

// configKeys are the keys driftmap.yaml may set, in documentation order.
var configKeys = []string{"instance", "catalog", "manifests", "wrappers", "launchd_dirs", "label_prefixes", "watchdog_patterns", "services", "artifacts", "placeholders", "ignore", "node", "truth"}

// ApplyConfig parses driftmap.yaml and overrides the matching fields of l.
// Unknown keys and values of the wrong type are Problems; the rest of the
// file still applies.
func ApplyConfig(l *Layout, data []byte, file string) []record.Problem {
	root, probs := yamlDoc(data, file)
	if root == nil {
		return probs
	}
	// Apply to a copy, kept only when the whole file could be read.
	orig, applied := l, *l
	l = &applied
	l.Set = maps.Clone(l.Set)
	l.Config = file
	if l.Set == nil {
		l.Set = map[string]Position{}
	}
	top := topMap(root, file, &probs)
	keys, _ := top.entries()
	for _, k := range keys {
		if !slices.Contains(configKeys, k.Value) {
			top.problem(k.Line, k.Value, "unknown key %q in %s (known keys: %s)", k.Value, ConfigFile, strings.Join(configKeys, ", "))
		}
	}
	str := func(key string, dst *string) {
		if s, ev, ok := top.str(key); ok {
			*dst = s
			l.Set[key] = Position{File: file, Line: ev.Line}
		}
	}
	list := func(key string, dst *[]string) {
		k, v := top.get(key)
		if v == nil {
			return
		}
		if v.Kind != yaml.SequenceNode {
			top.problem(k.Line, key, "%s must be a list, found %s", key, Describe(v))
			return
		}
		refs := top.names(key, "")
		out := make([]string, 0, len(refs))
		for _, r := range refs {
			out = append(out, r.Name)
		}
		*dst = out
		l.Set[key] = Position{File: file, Line: k.Line}
	}
	str("instance", &l.Instance)
	str("catalog", &l.Catalog)
	str("manifests", &l.Manifests)
	if k, v := top.get("wrappers"); v != nil && v.Kind == yaml.ScalarNode && v.Tag != "!!null" {
		l.Wrappers = []string{v.Value} // one directory, written as a string
		l.Set["wrappers"] = Position{File: file, Line: k.Line}
	} else {
		list("wrappers", &l.Wrappers)
	}
	str("node", &l.Node)
	if s, ev, ok := top.str("truth"); ok {
		if s != TruthInstance && s != TruthCatalog {
			top.problem(ev.Line, "truth", "truth must be %q or %q; %q applies", TruthInstance, TruthCatalog, l.Truth())
		} else {
			l.TruthPolicy = s
			l.Set["truth"] = Position{File: file, Line: ev.Line}
		}
	}
	list("launchd_dirs", &l.LaunchDirs)
	list("label_prefixes", &l.LabelPrefixes)
	list("watchdog_patterns", &l.WatchdogPattern)
	if sec, ok := top.sub("services"); ok {
		l.Services = parseServiceEntries(sec, "driftmap.yaml")
	}
	if specs, ok := parseArtifactSpecs(top, "artifacts"); ok {
		if specs == nil {
			specs = []ArtifactSpec{} // artifacts: [] checks none
		}
		l.Artifacts = specs
		l.Set["artifacts"] = Position{File: file}
	}
	if ph, ok := parsePlaceholders(top, "placeholders"); ok {
		l.Placeholders = ph
		l.Set["placeholders"] = Position{File: file}
	}
	if entries, ok := parseIgnore(top, "ignore"); ok {
		l.Ignore = entries
		l.Set["ignore"] = Position{File: file}
	}
	if !top.exhausted() {
		*orig = applied
	}
	return probs
}
