package render

import (
	"errors"
	"fmt"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources"
	"github.com/driftmap/driftmap/sources/sanctum"
)

// Action is what render does with one manifest.
type Action string

// Render actions.
const (
	Create    Action = "create"    // no manifest yet
	Update    Action = "update"    // owned fields differ
	Unchanged Action = "unchanged" // owned fields match: not touched
	Extra     Action = "extra"     // a manifest a canonical source retires: --prune moves it to .retired/
	Broken    Action = "broken"    // the manifest cannot be read or parsed: render will not touch it
	// Hand is a hand-registered manifest: its service is one that neither
	// the catalog nor instance.yaml defines, so the manifest is that
	// service's only source. Render never lists, changes or retires it.
	Hand Action = "hand-registered"
	// Kept is a manifest no service renders whose service no canonical
	// source retires (see Plan): render reports it but never retires it.
	Kept Action = "kept"
)

// Planned is render's plan for one manifest file.
type Planned struct {
	Action  Action
	File    string           // path inside root
	Desired *DesiredManifest // nil for Extra
	Old     []byte           // current content; nil when absent
	New     []byte           // content render writes (Create, Update)
	Diffs   []FieldDiff      // owned fields that differ (Update, Create)
	Err     string           // why a Broken manifest cannot be rendered
	// Unreadable marks a Broken manifest that exists but could not be
	// read, or whose directory could not be listed: render stops rather
	// than create or replace a file it has not seen.
	Unreadable bool
}

// Plan computes what `driftmap render` would do, without writing. An
// existing manifest belongs to a desired one when its name: denotes the
// same service, else when its file name does. Sorted by file. It is nil
// unless both canonical inputs, the catalog and instance.yaml, were
// loaded: without them nothing renders, so no manifest is judged.
//
// A manifest that no desired manifest takes is Hand when its service is
// hand-registered (only manifests define it), Extra when a canonical
// source says its service is gone (instance.yaml disables it, or its
// name: is an old name, renamed_from, of another service), and Kept
// otherwise: render --prune retires a manifest if and only if it is Extra.
//
// A manifest that exists but could not be read is Broken and Unreadable,
// whether or not a service renders it, and so is every desired manifest
// when the manifests directory could not be listed: no plan creates or
// replaces a file that may hold what render has not seen.
func Plan(s *sources.Snapshot) []Planned {
	if s.Catalog == nil || s.Instance == nil {
		return nil // nothing renders, so no manifest is judged
	}
	desired := Desired(s)
	unreadable := map[string]string{} // file -> why it could not be read
	dirErr := ""
	for _, u := range s.UnreadableManifests {
		if u.Dir {
			dirErr = fmt.Sprintf("the manifests directory %s cannot be read (%s); render will not write into it", u.File, u.Reason)
		} else {
			unreadable[u.File] = fmt.Sprintf("cannot be read (%s); render will not replace it", u.Reason)
		}
	}
	byService := map[string]*sanctum.Manifest{}
	byFile := map[string]*sanctum.Manifest{}
	for i := range s.Manifests {
		m := &s.Manifests[i]
		byFile[m.File] = m
		svc := s.ServiceName(m.Name)
		// Two manifests naming one service: the one at the rendered path
		// wins, the other is left over (see unused).
		if prev, ok := byService[svc]; !ok || path.Base(m.File) == svc+".yaml" && path.Base(prev.File) != svc+".yaml" {
			byService[svc] = m
		}
	}
	used := map[string]bool{}
	var out []Planned
	var pending []int // indexes into out of the manifests to render
	for i := range desired {
		d := &desired[i]
		m := byService[d.Service]
		if m == nil {
			m = byFile[d.File]
		}
		if m != nil && used[m.File] {
			m = nil
		}
		p := Planned{File: d.File, Desired: d}
		if m != nil {
			used[m.File] = true
			p.File = m.File
			p.Old = m.Data
		}
		why, unread := unreadable[p.File]
		if m == nil && dirErr != "" {
			why, unread = dirErr, true
		}
		if m == nil && unread {
			used[p.File] = true
			p.Action, p.Err, p.Unreadable = Broken, why, true
			out = append(out, p)
			continue
		}
		pending = append(pending, len(out))
		out = append(out, p)
	}
	renderAll(out, pending)
	for i := range s.Manifests {
		m := &s.Manifests[i]
		if !used[m.File] {
			out = append(out, Planned{Action: unused(s, m), File: m.File, Old: m.Data})
		}
	}
	for _, u := range s.UnreadableManifests {
		if !u.Dir && !used[u.File] {
			out = append(out, Planned{Action: Broken, File: u.File, Err: unreadable[u.File], Unreadable: true})
		}
	}
	slices.SortFunc(out, func(a, b Planned) int { return strings.Compare(a.File, b.File) })
	return out
}

// renderAll renders the manifests out[i] for each i in pending, on
// GOMAXPROCS goroutines (Manifest is a pure function of its arguments),
// and sets each one's action.
func renderAll(out []Planned, pending []int) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(pending)) {
		wg.Go(func() {
			for {
				k := int(next.Add(1)) - 1
				if k >= len(pending) {
					return
				}
				render1(&out[pending[k]])
			}
		})
	}
	wg.Wait()
}

// render1 renders p's desired manifest over its old bytes and sets its
// action.
func render1(p *Planned) {
	newData, diffs, err := Manifest(p.Old, *p.Desired)
	switch {
	case err != nil:
		p.Action, p.Err = Broken, err.Error()
		var re *ManifestError
		if errors.As(err, &re) {
			p.Err = re.Message // the file is already named
			if re.Line > 0 {
				p.Err = fmt.Sprintf("line %d: %s", re.Line, re.Message)
			}
		}
	case p.Old == nil:
		p.Action, p.New, p.Diffs = Create, newData, diffs
	case len(diffs) == 0:
		p.Action = Unchanged
	default:
		p.Action, p.New, p.Diffs = Update, newData, diffs
	}
}

// unused classifies a manifest that no desired manifest takes: Hand when
// only manifests define its service, Extra when instance.yaml disables
// its service or its name is an old name of another service, else Kept.
func unused(s *sources.Snapshot, m *sanctum.Manifest) Action {
	svc := s.ServiceName(m.Name)
	if n, ok := s.Graph.Node(graph.ID(graph.Service, svc)); ok && HandRegistered(n) {
		return Hand
	}
	if sources.NormName(m.Name) != sources.NormName(svc) {
		return Extra // an old name (renamed_from) of svc
	}
	for _, is := range s.Instance.Services {
		if !is.Enabled && s.InstanceService(is.Key) == svc {
			return Extra
		}
	}
	return Kept
}

// HandRegistered reports whether service node n is defined by manifests
// alone: neither the catalog nor instance.yaml names it.
func HandRegistered(n *graph.Node) bool {
	return n.Kind == graph.Service && len(n.Origins) > 0 &&
		!slices.ContainsFunc(n.Origins, func(o string) bool { return o != "manifest" })
}
