package queries

import (
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources/redact"
	"github.com/driftmap/driftmap/sources/rootfs"
)

// Fingerprint identifies a finding across runs, checkouts and unrelated
// edits: 32 hex digits hashed from the finding's rule, its subject, its
// file and the file and key of each piece of its evidence. It never
// depends on what moves or changes without the finding changing: no line
// number, no message, no evidence token (a live value such as a port or
// a program path as written), no order of the evidence.
//
// workspace is --workspace as given. Findings name workspace files by
// the workspace joined with the file's place in it (and subject IDs may
// embed such paths: file:WORKSPACE/sanctum/runtime_catalog.yaml); every
// such path enters the hash relative to the workspace (see WorkspaceRel),
// so the fingerprint is the same whether the workspace was given as ".",
// as "workspace" or as an absolute path, wherever the checkout lives.
// Paths inside the root are the same on every checkout as they are.
//
// Every part is redacted (redact.String) before it is hashed, so a
// fingerprint says nothing about a credential, and rotating one does not
// make an old finding look new.
//
// Two findings of the same rule about the same subject with the same
// evidence places share a fingerprint; a baseline counts them (see
// CheckBaseline).
func Fingerprint(f Finding, workspace string) string {
	h := sha256.New()
	write := func(s string) {
		s = redact.String(s)
		h.Write([]byte(strconv.Itoa(len(s))))
		h.Write([]byte{':'})
		h.Write([]byte(s))
	}
	write("driftmap/fingerprint/v1")
	write(f.Rule)
	write(canonicalSubject(f.Subject, workspace))
	write(canonicalFile(f.File, workspace))
	places := make([]string, 0, len(f.Evidence))
	for _, e := range f.Evidence {
		places = append(places, strconv.Quote(canonicalFile(e.File, workspace))+" "+strconv.Quote(e.Key))
	}
	slices.Sort(places)
	places = slices.Compact(places)
	write(strconv.Itoa(len(places)))
	for _, p := range places {
		write(p)
	}
	sum := h.Sum(nil)
	return hex.EncodeToString(sum[:16])
}

// IsFingerprint reports whether s has the form Fingerprint returns: 32
// lower-case hex digits.
func IsFingerprint(s string) bool {
	if len(s) != 32 {
		return false
	}
	for _, c := range []byte(s) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// WorkspaceRel returns the path p of a finding (its file, a file of its
// evidence, the name of its subject) relative to the workspace, with
// slashes, and true, when p is a workspace path: under the workspace as
// given, or relative when the workspace is "." (the loader names
// workspace files by filepath.Join(workspace, name), which is relative
// exactly when the workspace is). Otherwise it returns p as it is and
// false: a path inside the root (absolute, or starting with ~), a
// service name, a Label.
func WorkspaceRel(p, workspace string) (string, bool) {
	ws := filepath.Clean(workspace)
	if p == "" || strings.HasPrefix(p, "~") {
		return p, false
	}
	if ws == "." {
		return p, !filepath.IsAbs(p)
	}
	if !rootfs.IsUnder(p, ws) {
		return p, false
	}
	rel, err := filepath.Rel(ws, p)
	if err != nil {
		return p, false
	}
	return filepath.ToSlash(rel), true
}

// canonicalFile is a file as Fingerprint hashes it: relative to the
// workspace when it is in it, else as it is (inside the root).
func canonicalFile(p, workspace string) string {
	if rel, ok := WorkspaceRel(p, workspace); ok {
		return "workspace:" + rel
	}
	return p
}

// canonicalSubject is a subject ID as Fingerprint hashes it: the name of
// a node that stands for a path (a file, a directory, a wrapper, a
// manifest, an artifact) is made relative to the workspace when it is
// under it (file:WORKSPACE/sanctum/x becomes file:sanctum/x, as the
// workspace "." names it). Names of services and jobs are never paths,
// and with the workspace "." every path name is relative already, so
// those are left as they are.
func canonicalSubject(id, workspace string) string {
	kind, name, ok := strings.Cut(id, ":")
	if !ok || kind == string(graph.Service) || kind == string(graph.Job) || kind == string(graph.Unit) || filepath.Clean(workspace) == "." {
		return id
	}
	if rel, ok := WorkspaceRel(name, workspace); ok {
		return kind + ":" + rel
	}
	return id
}

// SubjectRel is a subject ID with a workspace path in it made relative to
// the workspace, as Fingerprint sees it (file:WS/sanctum/x becomes
// file:sanctum/x), so that a baseline written from anywhere names it
// alike. Any other ID is returned as it is.
func SubjectRel(id, workspace string) string { return canonicalSubject(id, workspace) }
