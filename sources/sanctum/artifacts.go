package sanctum

import (
	"path/filepath"
	"strings"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources/rootfs"
)

// ArtifactKind names how a generated artifact is derived from its input.
type ArtifactKind string

// Artifact kinds.
const (
	// ArtifactCopy: Output must equal Input, compared as parsed YAML.
	ArtifactCopy ArtifactKind = "copy"
	// ArtifactJSONCache: Output must equal Input (YAML) converted to
	// JSON, compared as values.
	ArtifactJSONCache ArtifactKind = "json-cache"
	// ArtifactTemplate: each *.plist in the Input directory, rendered
	// with instance.yaml, must equal the installed plist of the same file
	// name in the Output directory, compared as plist values.
	ArtifactTemplate ArtifactKind = "template"
)

// ArtifactSpec declares one generated artifact (driftmap.yaml
// `artifacts:`, or a sanctum default). Paths starting with "~" or "/"
// are inside root; other paths are relative to the workspace.
type ArtifactSpec struct {
	Kind     ArtifactKind
	Input    string
	Output   string
	Evidence graph.Evidence // where it is declared (driftmap.yaml line), or the default
	Default  bool           // a sanctum default: checked only when its input exists
}

// DefaultArtifacts returns the sanctum defaults. They are checked only
// when their input exists (see ArtifactSpec.Default); their Evidence
// names the output, under the key "artifacts (default)".
func DefaultArtifacts() []ArtifactSpec {
	def := func(kind ArtifactKind, in, out string) ArtifactSpec {
		return ArtifactSpec{Kind: kind, Input: in, Output: out, Default: true,
			Evidence: graph.Evidence{File: out, Key: "artifacts (default)"}}
	}
	return []ArtifactSpec{
		def(ArtifactCopy, "sanctum/agent_capabilities.yaml", "~/.sanctum/config/agent-capabilities.yaml"),
		def(ArtifactJSONCache, "~/.sanctum/instance.yaml", "~/.sanctum/.instance.json"),
		def(ArtifactTemplate, "~/.sanctum/templates/launchagents", "~/Library/LaunchAgents"),
	}
}

// artifactItemKeys are the keys of one driftmap.yaml artifacts item.
var artifactItemKeys = []string{"kind", "input", "output"}

// parseArtifactSpecs reads the list under key (driftmap.yaml's
// `artifacts:`):
//
//	artifacts:
//	  - {kind: copy, input: sanctum/agent_capabilities.yaml, output: ~/.sanctum/config/agent-capabilities.yaml}
//	  - {kind: template, input: ~/.sanctum/templates/launchagents, output: ~/Library/LaunchAgents}
//
// present reports whether the key is in the mapping at all, even when
// null, empty or invalid, so that the caller can tell "artifacts: []" (no
// artifacts) from no key (the defaults). Items of
// the wrong shape, unknown kinds or keys, missing or empty paths, paths
// that hold an expansion other than ~ and $HOME, workspace paths that
// leave the workspace and repeated (kind, output) pairs are Problems with
// the item's line; such items are left out. Each spec's Evidence is the
// item (file, line, key "artifacts[i]", token the output).
func parseArtifactSpecs(m ymap, key string) (specs []ArtifactSpec, present bool) {
	seen := map[string]string{} // kind + output -> item key
	present = m.eachMapping(key, artifactItemKeys, "", func(it listItem) {
		im, item, ik := it.m, it.node, it.m.path
		spec := ArtifactSpec{Evidence: graph.Evidence{File: m.file, Line: item.Line, Key: ik}}
		ok := true
		switch kind, _, set := im.str("kind"); {
		case !set:
			if _, kv := im.get("kind"); kv == nil || kv.Tag == "!!null" {
				im.problem(item.Line, ik, "%s has no kind (copy, json-cache or template)", ik)
			}
			ok = false
		case kind != string(ArtifactCopy) && kind != string(ArtifactJSONCache) && kind != string(ArtifactTemplate):
			kk, _ := im.get("kind")
			im.problem(kk.Line, joinKey(ik, "kind"), "%s.kind %q is not one of copy, json-cache, template", ik, kind)
			ok = false
		default:
			spec.Kind = ArtifactKind(kind)
		}
		for _, f := range []struct {
			name string
			dst  *string
		}{{"input", &spec.Input}, {"output", &spec.Output}} {
			s, ev, set := im.str(f.name)
			fk := joinKey(ik, f.name)
			switch {
			case !set:
				if _, fv := im.get(f.name); fv == nil || fv.Tag == "!!null" {
					im.problem(item.Line, ik, "%s has no %s", ik, f.name)
				}
				ok = false
			case s == "":
				im.problem(ev.Line, fk, "%s is empty", fk)
				ok = false
			default:
				if msg := artifactPathProblem(s); msg != "" {
					im.problem(ev.Line, fk, "%s %q %s", fk, s, msg)
					ok = false
				}
				*f.dst = s
			}
		}
		if !ok {
			return
		}
		id := string(spec.Kind) + "\x00" + spec.Output
		if first, dup := seen[id]; dup {
			m.problem(item.Line, ik, "%s repeats %s (same kind and output); it is ignored", ik, first)
			return
		}
		seen[id] = ik
		spec.Evidence.Token = spec.Output
		specs = append(specs, spec)
	})
	return specs, present
}

// artifactPathProblem says why an artifact path cannot be used, or "".
func artifactPathProblem(p string) string {
	if _, ok := rootfs.Expand(p, "/home"); !ok {
		return "holds an expansion other than ~ and $HOME"
	}
	if !IsRootPath(p) && !filepath.IsLocal(filepath.FromSlash(p)) {
		return "leaves the workspace (write a path inside it, or start it with ~ or / for a path inside root)"
	}
	return ""
}

// IsRootPath reports whether an artifact path names a file inside the
// audited root (it starts with "~", "/", $HOME or ${HOME}) rather than in
// the workspace.
func IsRootPath(p string) bool {
	if strings.HasPrefix(p, "~") || strings.HasPrefix(p, "/") || strings.HasPrefix(p, "${HOME}") {
		return true
	}
	rest, ok := strings.CutPrefix(p, "$HOME")
	return ok && (rest == "" || !rootfs.IsNameByte(rest[0]))
}
