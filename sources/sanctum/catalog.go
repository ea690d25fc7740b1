package sanctum

import (
	"gopkg.in/yaml.v3"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources/record"
)

// Catalog is the checked-in runtime catalog (sanctum/runtime_catalog.yaml).
type Catalog struct {
	File    string
	Entries []CatalogEntry // services first, then auxiliary, each in file order
}

// Catalog sections.
const (
	SectionServices  = "services"  // instance-backed services
	SectionAuxiliary = "auxiliary" // launchd-wired services with no instance.yaml entry
)

// CatalogEntry is one service of the catalog.
type CatalogEntry struct {
	Name     string // catalog name, kebab-case
	Section  string // SectionServices, SectionAuxiliary, or "driftmap.yaml"
	Evidence graph.Evidence

	InstanceKey   string // default: Name with '-' -> '_'
	InstanceKeyEv graph.Evidence
	LaunchAgent   *record.Ref // Label of the job that runs it
	SystemdUnit   *record.Ref // name of the systemd unit that runs it (systemd_unit)
	Requires      []record.Ref
	RenamedFrom   []record.Ref
	Role          string
	RoleEv        graph.Evidence
	Port          int
	PortEv        graph.Evidence
	Enabled       *bool // auxiliary entries may say enabled: false
	// ExitsNonzero (exits_nonzero: true) says the service's job exits
	// with a non-zero status by design (a check that reports by its
	// status): flapping does not report it.
	ExitsNonzero   bool
	ExitsNonzeroEv graph.Evidence
}

// ParseCatalog parses runtime_catalog.yaml (see docs/formats.md).
func ParseCatalog(data []byte, file string) (Catalog, []record.Problem) {
	cat := Catalog{File: file}
	root, probs := yamlDoc(data, file)
	if root == nil {
		return cat, probs
	}
	top := topMap(root, file, &probs)
	if v, ev, ok := top.integer("version"); ok && v != 1 {
		top.problem(ev.Line, "version", "unsupported catalog version %d (driftmap reads version 1)", v)
	}
	for _, section := range []string{SectionServices, SectionAuxiliary} {
		if sec, ok := top.sub(section); ok {
			cat.Entries = append(cat.Entries, parseServiceEntries(sec, section)...)
		}
	}
	if top.exhausted() {
		return Catalog{File: file}, probs
	}
	return cat, probs
}

// parseServiceEntries reads a mapping of service name -> definition (the
// catalog's services and auxiliary sections, driftmap.yaml's services).
func parseServiceEntries(sec ymap, section string) []CatalogEntry {
	var out []CatalogEntry
	keys, vals := sec.entries()
	for i, k := range keys {
		e := CatalogEntry{Name: k.Value, Section: section, Evidence: sec.ev(k, k.Value, k.Value)}
		v := vals[i]
		if v.Tag != "!!null" && v.Kind != yaml.MappingNode {
			sec.problem(k.Line, joinKey(sec.path, k.Value), "%s.%s must be a mapping, found %s", sec.path, k.Value, Describe(v))
			continue
		}
		if v.Kind == yaml.MappingNode {
			m := sec.child(k.Value, v)
			if s, ev, ok := m.str("instance_key"); ok {
				e.InstanceKey, e.InstanceKeyEv = s, ev
			}
			if s, ev, ok := m.str("launchagent"); ok && s != "" {
				e.LaunchAgent = &record.Ref{Name: s, Evidence: ev}
			}
			if s, ev, ok := m.str("systemd_unit"); ok && s != "" {
				e.SystemdUnit = &record.Ref{Name: s, Evidence: ev}
			}
			e.Requires = m.names("requires", "service")
			e.RenamedFrom = m.names("renamed_from", "")
			if s, ev, ok := m.str("role"); ok {
				e.Role, e.RoleEv = s, ev
			}
			if p, ev, ok := m.port("port"); ok {
				e.Port, e.PortEv = p, ev
			}
			if en, set := m.boolean("enabled"); set {
				e.Enabled = &en
			}
			if en, set := m.boolean("exits_nonzero"); set && en {
				e.ExitsNonzero, e.ExitsNonzeroEv = true, m.keyEv("exits_nonzero")
			}
		}
		out = append(out, e)
	}
	return out
}

// MissingInstanceKeys returns the catalog entries whose explicit
// instance_key instance.yaml does not define, in catalog order; none when
// either file is missing or instance.yaml's services could not be read.
func MissingInstanceKeys(cat *Catalog, inst *Instance) []CatalogEntry {
	if cat == nil || inst == nil || inst.Unreadable {
		return nil
	}
	var out []CatalogEntry
	for _, e := range cat.Entries {
		if e.InstanceKey != "" && !inst.Defines(e.InstanceKey) {
			out = append(out, e)
		}
	}
	return out
}
