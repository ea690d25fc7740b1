package render

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
