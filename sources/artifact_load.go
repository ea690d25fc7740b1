package sources

import (
	"path"

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
	ld.artifacts = artifact.Check(ld.fs, ld.l.Home, ld.l.Workspace, ld.l.Instance, specs)
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
