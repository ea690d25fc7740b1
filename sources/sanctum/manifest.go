package sanctum

import (
	"fmt"
	"path"
	"strings"

	"gopkg.in/yaml.v3"

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
	Port        int // top-level port:
	PortEv      graph.Evidence
	Requires    []record.Ref // strings or {service: NAME}
	LaunchAgent *record.Ref
	Data        []byte // the file as read, for render to compare and edit

	// ProvidesPorts are the ports of provides entries
	// (provides: [{port: 8080, protocol: http}]), read only when the
	// manifest has no top-level port. Render owns the top-level port
	// alone and ignores these.
	ProvidesPorts []graph.Port

	// ExitsNonzero is exits_nonzero: true (see CatalogEntry).
	ExitsNonzero   bool
	ExitsNonzeroEv graph.Evidence
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
	if _, v := top.get("port"); v != nil && v.Tag != "!!null" {
		if p, ev, ok := top.port("port"); ok {
			man.Port, man.PortEv = p, ev
		}
	} else {
		man.ProvidesPorts = providesPorts(top)
	}
	man.Requires = top.names("requires", "service")
	if s, ev, ok := top.str("launchagent"); ok && s != "" {
		man.LaunchAgent = &record.Ref{Name: s, Evidence: ev}
	}
	if en, set := top.boolean("exits_nonzero"); set && en {
		man.ExitsNonzero, man.ExitsNonzeroEv = true, top.keyEv("exits_nonzero")
	}
	if top.exhausted() {
		return unread, probs
	}
	return man, probs
}

// Ports returns the ports the manifest claims: its top-level port, else
// the port of each provides entry that has one. Port 0 claims none.
func (m Manifest) Ports() []graph.Port {
	if m.Port != 0 {
		return []graph.Port{{Port: m.Port, Evidence: m.PortEv}}
	}
	return m.ProvidesPorts
}

// providesPorts reads the port of each mapping entry of provides. The
// rest of provides belongs to the manifest's owner: a provides that is
// not a list, and entries that are not mappings or have no port, are
// not driftmap's to judge. A port that is not a port number is a
// Problem naming provides[i].port, as at top level.
func providesPorts(top ymap) []graph.Port {
	_, v := top.get("provides")
	if v == nil || v.Kind != yaml.SequenceNode || !top.spend(len(v.Content)) {
		return nil
	}
	var out []graph.Port
	for i, item := range v.Content {
		if item.Kind == yaml.AliasNode && item.Alias != nil {
			item = item.Alias
		}
		if item.Kind != yaml.MappingNode {
			continue
		}
		if p, ev, ok := top.item(fmt.Sprintf("provides[%d]", i), item).port("port"); ok && p != 0 {
			out = append(out, graph.Port{Port: p, Evidence: ev})
		}
	}
	return out
}
