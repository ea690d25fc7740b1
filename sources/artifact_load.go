package sources

import (
	"path"
	"slices"
	"strings"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources/artifact"
	"github.com/driftmap/driftmap/sources/rootfs"
	"github.com/driftmap/driftmap/sources/sanctum"
)

// loadArtifacts checks every generated artifact and adds each to the
// graph with a generated-from edge to each of its inputs, so that
// `driftmap impact instance.yaml` lists what regenerates.
func (ld *loader) loadArtifacts() {
	specs := ld.l.Artifacts
	if specs == nil {
		specs = sanctum.DefaultArtifacts()
		for i := range specs {
			if specs[i].Kind == sanctum.ArtifactJSONCache {
				specs[i].Input = ld.l.Instance // the instance file the layout names
			}
		}
	}
	ld.artifacts = artifact.Check(ld.fs, artifact.Env{Home: ld.l.Home, Workspace: ld.l.Workspace, Instance: ld.l.Instance, Placeholders: ld.l.Placeholders}, specs)
	ld.artifacts = slices.DeleteFunc(ld.artifacts, ld.skippedTemplate)
	for _, r := range ld.artifacts {
		if r.State == artifact.NoInput {
			continue
		}
		n := ld.b.Node(graph.Artifact, r.Output)
		n.State = graph.Present
		if r.State == artifact.Missing {
			n.State = graph.Missing
		}
		n.Origins = append(n.Origins, string(r.Spec.Kind))
		n.Defined = append(n.Defined, r.Spec.Evidence)
		for _, in := range r.Inputs {
			ld.b.AddEdge(n.ID, ld.inputNode(in), graph.GeneratedFrom, graph.Evidence{File: r.Output, Key: "artifact " + string(r.Spec.Kind), Token: in})
		}
	}
}

// skippedTemplate reports whether r is a LaunchAgent template that
// Sanctum's renderer skips on purpose, so that nothing is expected of it:
// its service is disabled in instance.yaml, or instance.yaml does not
// list it (a catalog auxiliary service counts as listed unless
// disabled). A template's service is the one that runs as the job its
// file name labels (LABEL.plist): by a launchagent key, or by the Label
// naming convention. Without instance.yaml nothing is skipped.
func (ld *loader) skippedTemplate(r artifact.Result) bool {
	if r.Spec.Kind != sanctum.ArtifactTemplate || r.State == artifact.NoInput || ld.inst == nil {
		return false
	}
	services := ld.labelServices(strings.TrimSuffix(path.Base(r.Output), ".plist"))
	for _, sid := range services {
		n, _ := ld.b.Lookup(sid)
		if n.State == graph.Enabled && (slices.Contains(n.Origins, "instance") || slices.Contains(n.Origins, "auxiliary")) {
			return false
		}
	}
	return true
}

// inputNode returns the file node of a canonical input: a path inside the
// root, or a host path under the workspace.
func (ld *loader) inputNode(p string) string {
	if path.IsAbs(p) && !rootfs.IsUnder(p, ld.l.Workspace) {
		return ld.paths.Node(graph.File, p)
	}
	n := ld.b.Node(graph.File, p)
	n.State = graph.Present
	return n.ID
}

// linkManifestInputs gives every manifest generated-from edges to the
// canonical inputs render writes it from: the catalog and instance.yaml.
func (ld *loader) linkManifestInputs() {
	var inputs []string
	if ld.cat != nil {
		inputs = append(inputs, ld.cat.File)
	}
	if ld.inst != nil {
		inputs = append(inputs, ld.inst.File)
	}
	for _, m := range ld.manifests {
		for _, in := range inputs {
			ld.b.AddEdge(graph.ID(graph.Manifest, m.File), ld.inputNode(in), graph.GeneratedFrom, graph.Evidence{File: m.File, Key: "render input", Token: in})
		}
	}
}
