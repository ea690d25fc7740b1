package sources

import "github.com/driftmap/driftmap/graph"

// DesiredManifest is what `driftmap render` writes for one service: the
// fields the renderer owns. Every other field of an existing manifest
// belongs to its owner and is preserved.
type DesiredManifest struct {
	Service     string   // service name, the manifest's name:
	File        string   // manifest path inside root: <manifests>/<Service>.yaml
	Port        int      // 0: no port (the key is absent)
	Requires    []string // canonical names, sorted, without duplicates; empty: absent
	LaunchAgent string   // "": absent
	// GeneratedFrom lists the inputs, for metadata.generated_from of a new
	// manifest (e.g. "sanctum/runtime_catalog.yaml", "~/.sanctum/instance.yaml").
	GeneratedFrom []string
}

// FieldDiff is one owned field whose value in a manifest differs from
// what render writes. Have and Want are rendered for people ("8765",
// "[qwen3-tts, vm]", "(absent)").
type FieldDiff struct {
	Field string // "name", "port", "requires", "launchagent"
	Have  string
	Want  string
	Line  int // line of the field in the current manifest; 0 when absent
}

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

// ArtifactState is the outcome of checking one artifact.
type ArtifactState string

// Artifact states.
const (
	ArtifactOK      ArtifactState = "ok"
	ArtifactDrift   ArtifactState = "drift"    // output differs from a fresh rendering
	ArtifactMissing ArtifactState = "missing"  // input exists, output does not
	ArtifactNoInput ArtifactState = "no-input" // input absent: nothing to check
)

// ArtifactResult is one checked artifact output. A template spec yields
// one result per template file.
type ArtifactResult struct {
	Spec   ArtifactSpec
	Output string   // the output file (path inside root, or host path for workspace files)
	Inputs []string // the input files it is generated from (same path convention)
	State  ArtifactState
	// Differences says what differs, one line each, naming keys (dotted
	// paths) and, unless the key is credential-like, both values.
	Differences []string
	// TemplateErrors lists placeholders that cannot be resolved.
	TemplateErrors []Problem
}
