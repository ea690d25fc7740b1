package exporters

import (
	"io"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/driftmap/driftmap/queries"
)

// SARIF names the document the sarif format writes.
const (
	SARIFSchema  = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	SARIFVersion = "2.1.0"
	// FingerprintKey is the partialFingerprints member holding
	// queries.Fingerprint.
	FingerprintKey = "driftmap/v1"
)

// The two bases of SARIF artifact locations: the audited root (a machine
// file /Users/bert/x is ROOT's Users/bert/x) and the workspace checkout
// (sanctum/runtime_catalog.yaml relative to WORKSPACE).
const (
	sarifRoot      = "ROOT"
	sarifWorkspace = "WORKSPACE"
)

// sarifFormatter writes a SARIF 2.1.0 log (check) for code scanning.
type sarifFormatter struct{}

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool sarifTool `json:"tool"`
	// A map, which encoding/json writes sorted by key.
	OriginalURIBaseIDs map[string]sarifArtifactLocation `json:"originalUriBaseIds"`
	Results            []sarifResult                    `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name  string      `json:"name"`
	Rules []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string      `json:"id"`
	ShortDescription     sarifText   `json:"shortDescription"`
	FullDescription      sarifText   `json:"fullDescription"`
	Help                 sarifText   `json:"help"`
	DefaultConfiguration sarifConfig `json:"defaultConfiguration"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           *int              `json:"ruleIndex,omitempty"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Properties          *sarifProperties  `json:"properties,omitempty"`
}

type sarifProperties struct {
	Subject string `json:"subject"`
}

type sarifLocation struct {
	PhysicalLocation *sarifPhysical `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogical `json:"logicalLocations,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           *sarifRegion          `json:"region,omitempty"`
}

type sarifArtifactLocation struct {
	URI         string     `json:"uri,omitempty"`
	URIBaseID   string     `json:"uriBaseId,omitempty"`
	Description *sarifText `json:"description,omitempty"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

type sarifLogical struct {
	FullyQualifiedName string `json:"fullyQualifiedName"`
}

// sarifLevel is the SARIF level of a severity: error, warning, or note
// for info.
func sarifLevel(s queries.Severity) string {
	switch s {
	case queries.Error:
		return "error"
	case queries.Warning:
		return "warning"
	}
	return "note"
}

// FormatCheck writes the report as a SARIF 2.1.0 log with one run: a
// rule descriptor per rule driftmap has (queries.All), and a result per
// finding, in the report's order, with its rule, level, message,
// location and fingerprint. A workspace file is located relative to the
// WORKSPACE base, a machine file by its path inside the root relative to
// ROOT, with the line as region when it is known; a finding without a
// file is located by its subject as a logical location. The fingerprint
// (partialFingerprints "driftmap/v1") is queries.Fingerprint, with ":N"
// added to the Nth result sharing one (N >= 2), as GitHub numbers
// repeated primaryLocationLineHash values. Every string passes through
// writeJSON's scrub; a URI is built from the scrubbed path.
func (sarifFormatter) FormatCheck(w io.Writer, r *Report) error {
	rules := queries.All()
	index := make(map[string]int, len(rules))
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{Name: "driftmap", Rules: make([]sarifRule, 0, len(rules))}},
		OriginalURIBaseIDs: map[string]sarifArtifactLocation{
			sarifRoot:      {Description: &sarifText{"The audited root (--root), standing for /: machine files are named by their path inside it."}},
			sarifWorkspace: {Description: &sarifText{"The workspace checkout (--workspace) holding sanctum/runtime_catalog.yaml and driftmap.yaml."}},
		},
		Results: make([]sarifResult, 0, len(r.Findings)),
	}
	for i, rule := range rules {
		index[rule.Name] = i
		doc := strings.TrimSpace(rule.Doc)
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{
			ID:                   rule.Name,
			ShortDescription:     sarifText{rule.Title},
			FullDescription:      sarifText{doc},
			Help:                 sarifText{doc},
			DefaultConfiguration: sarifConfig{sarifLevel(rule.Severity)},
		})
	}
	seen := map[string]int{}
	for _, fd := range r.Findings {
		fp := queries.Fingerprint(fd, r.Workspace)
		seen[fp]++
		if n := seen[fp]; n > 1 {
			fp += ":" + strconv.Itoa(n)
		}
		res := sarifResult{
			RuleID:              fd.Rule,
			Level:               sarifLevel(fd.Severity),
			Message:             sarifText{fd.Message},
			PartialFingerprints: map[string]string{FingerprintKey: fp},
		}
		if i, ok := index[fd.Rule]; ok {
			res.RuleIndex = &i
		}
		switch {
		case fd.File != "":
			loc := &sarifPhysical{ArtifactLocation: sarifArtifact(fd.File, r.Workspace)}
			if fd.Line > 0 {
				loc.Region = &sarifRegion{StartLine: fd.Line}
			}
			res.Locations = []sarifLocation{{PhysicalLocation: loc}}
		case fd.Subject != "":
			res.Locations = []sarifLocation{{LogicalLocations: []sarifLogical{{FullyQualifiedName: fd.Subject}}}}
		}
		if fd.Subject != "" {
			res.Properties = &sarifProperties{Subject: fd.Subject}
		}
		run.Results = append(run.Results, res)
	}
	return writeJSON(w, sarifLog{Schema: SARIFSchema, Version: SARIFVersion, Runs: []sarifRun{run}})
}

// sarifArtifact locates file: relative to WORKSPACE when it is a
// workspace file (see queries.WorkspaceRel), relative to ROOT when it is
// a path inside the root, and otherwise (a file given relative to the
// working directory, such as a baseline) relative to WORKSPACE when the
// workspace is relative too, else as it is.
func sarifArtifact(file, workspace string) sarifArtifactLocation {
	if rel, ok := queries.WorkspaceRel(file, workspace); ok {
		return sarifArtifactLocation{URI: sarifURI(rel), URIBaseID: sarifWorkspace}
	}
	if filepath.IsAbs(file) {
		return sarifArtifactLocation{URI: sarifURI(strings.TrimLeft(filepath.ToSlash(file), "/")), URIBaseID: sarifRoot}
	}
	if ws := filepath.Clean(workspace); !filepath.IsAbs(ws) && !strings.HasPrefix(file, "~") {
		if rel, err := filepath.Rel(ws, file); err == nil {
			return sarifArtifactLocation{URI: sarifURI(filepath.ToSlash(rel)), URIBaseID: sarifWorkspace}
		}
	}
	return sarifArtifactLocation{URI: sarifURI(filepath.ToSlash(file))}
}

// sarifURI is a relative URI reference for the slash-separated path p,
// scrubbed first (the URI is derived from the scrubbed value), then
// percent-encoded; a first segment holding a colon is written ./a:b so
// that it does not read as a scheme.
func sarifURI(p string) string {
	return (&url.URL{Path: scrub(p)}).String()
}
