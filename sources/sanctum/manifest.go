package sanctum

import (
	"path"
	"strings"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources/record"
)

// Manifest is a service manifest (~/.sanctum/services/NAME.yaml). Only the
// fields that join the graph are interpreted; health, remediation,
// metadata and the rest belong to the manifest's owner.
type Manifest struct {
	File        string
	Name        string // name:, or the file name without .yaml
	NameEv      graph.Evidence
	Port        int
	PortEv      graph.Evidence
	Requires    []record.Ref // strings or {service: NAME}
	LaunchAgent *record.Ref
	Data        []byte // the file as read, for render to compare and edit
}

// ParseManifest parses one manifest.
func ParseManifest(data []byte, file string) (Manifest, []record.Problem) {
	base := strings.TrimSuffix(strings.TrimSuffix(path.Base(file), ".yaml"), ".yml")
	man := Manifest{File: file, Name: base, NameEv: graph.Evidence{File: file, Key: "file name", Token: base}}
	root, probs := yamlDoc(data, file)
	if root == nil {
		return man, probs
	}
	unread := man
	top := topMap(root, file, &probs)
	if s, ev, ok := top.str("name"); ok && s != "" {
		man.Name, man.NameEv = s, ev
	}
	if p, ev, ok := top.port("port"); ok {
		man.Port, man.PortEv = p, ev
	}
	man.Requires = top.names("requires", "service")
	if s, ev, ok := top.str("launchagent"); ok && s != "" {
		man.LaunchAgent = &record.Ref{Name: s, Evidence: ev}
	}
	if top.exhausted() {
		return unread, probs
	}
	return man, probs
}
