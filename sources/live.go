package sources

import (
	"cmp"
	"maps"
	"slices"
	"strings"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources/launchctl"
	"github.com/driftmap/driftmap/sources/record"
	"github.com/driftmap/driftmap/sources/rootfs"
)

// Live is what launchd had loaded when the outputs given with
// Options.Live were taken, joined to the plists on disk.
type Live struct {
	*launchctl.Snapshot
	// Agents and System say whether the outputs list a whole domain of
	// that kind: a gui/ or user/ domain (LaunchAgents), or the system
	// domain (LaunchDaemons). Only then is a job missing from them not
	// loaded; otherwise nothing is known of it. Where says, for each, a
	// row that shows it.
	Agents, System           bool
	AgentsWhere, SystemWhere graph.Evidence
	jobs, rows               map[string]int // label -> index of its print, its row
	overrides                map[string][]int
}

// Job returns what launchd printed of the job label (launchctl print, or
// list LABEL), if it was printed.
func (l *Live) Job(label string) (launchctl.Job, bool) {
	if i, ok := l.jobs[label]; ok {
		return l.Jobs[i], true
	}
	return launchctl.Job{}, false
}

// Row returns the row of label in a list or a domain print.
func (l *Live) Row(label string) (launchctl.ListRow, bool) {
	if i, ok := l.rows[label]; ok {
		return l.List[i], true
	}
	return launchctl.ListRow{}, false
}

// Overrides returns the override database's entries for label, in the
// snapshot's order.
func (l *Live) Overrides(label string) []launchctl.Override {
	var out []launchctl.Override
	for _, i := range l.overrides[label] {
		out = append(out, l.Disabled[i])
	}
	return out
}

// Where is the evidence of a job or row: its file and line, the label.
func Where(file string, line int, label string) graph.Evidence {
	return graph.Evidence{File: file, Line: line, Key: "label", Token: label}
}

// DomainKind is "system" for a plist in a LaunchDaemons directory (and a
// system/ domain), else "agents".
func DomainKind(plistOrDomain string) string {
	if strings.Contains(plistOrDomain, "/LaunchDaemons/") || plistOrDomain == "system" || strings.HasPrefix(plistOrDomain, "system/") {
		return "system"
	}
	return "agents"
}

// loadLive reads the outputs of Options.Live, records what launchd has
// loaded on the job nodes (Node.Loaded), and adds a node for each
// in-scope label launchd has loaded that no plist defines.
func (ld *loader) loadLive() {
	if len(ld.liveFiles) == 0 && len(ld.liveTaken) == 0 {
		return
	}
	snaps := slices.Clone(ld.liveTaken)
	for _, f := range ld.liveFiles {
		data, err := rootfs.ReadHostFile(f, rootfs.MaxFleet)
		if err != nil {
			ld.probs = append(ld.probs, record.Problem{File: f, Message: "launchd state " + rootfs.Describe(err)})
			continue
		}
		snaps = append(snaps, launchctl.Parse(data, f))
	}
	l := &Live{Snapshot: launchctl.Merge(snaps...),
		jobs: map[string]int{}, rows: map[string]int{}, overrides: map[string][]int{}}
	for _, p := range l.Problems {
		ld.probs = append(ld.probs, record.Problem{File: p.File, Line: p.Line, Message: p.Message})
	}
	for i, j := range l.Jobs {
		if _, ok := l.jobs[j.Label]; !ok {
			l.jobs[j.Label] = i
		}
	}
	for i, r := range l.List {
		if _, ok := l.rows[r.Label]; !ok {
			l.rows[r.Label] = i
		}
	}
	for i, o := range l.Disabled {
		l.overrides[o.Label] = append(l.overrides[o.Label], i)
	}
	ld.live = l
	ld.coverage(l)
	ld.markLoaded(l)
}

// coverage decides which kinds of domain the outputs list whole: a kind
// is covered when a row of a list (or of a domain print) is a label known
// to be of that kind, by its printed domain or by where its plist is.
func (ld *loader) coverage(l *Live) {
	for _, r := range l.List {
		kinds := map[string]bool{}
		if j, ok := l.Job(r.Label); ok && j.Domain != nil {
			kinds[DomainKind(*j.Domain)] = true
		}
		for _, id := range ld.jobs[r.Label] {
			if n, ok := ld.b.Lookup(id); ok && n.State == graph.Live && len(n.Defined) > 0 {
				kinds[DomainKind(n.Defined[0].File)] = true
			}
		}
		ev := Where(r.File, r.Line, r.Label)
		if kinds["agents"] && !l.Agents {
			l.Agents, l.AgentsWhere = true, ev
		}
		if kinds["system"] && !l.System {
			l.System, l.SystemWhere = true, ev
		}
	}
}

// markLoaded sets Node.Loaded on every in-scope job, and adds the jobs
// launchd has loaded that no plist defines.
func (ld *loader) markLoaded(l *Live) {
	type loaded struct {
		label   string
		running bool
		file    string
		line    int
	}
	var labels []loaded
	seen := map[string]int{}
	add := func(label, file string, line int, pid *int) {
		if !ld.inScope(label, "") {
			return
		}
		i, ok := seen[label]
		if !ok {
			i = len(labels)
			seen[label] = i
			labels = append(labels, loaded{label: label, file: file, line: line})
		}
		if pid != nil && *pid > 0 {
			labels[i].running = true
		}
	}
	for _, j := range l.Jobs {
		add(j.Label, j.File, j.Line, j.PID)
	}
	for _, r := range l.List {
		add(r.Label, r.File, r.Line, r.PID)
	}
	slices.SortFunc(labels, func(a, b loaded) int { return cmp.Compare(a.label, b.label) })
	for _, x := range labels {
		n, ok := ld.b.Lookup(graph.ID(graph.Job, x.label))
		if !ok {
			n = ld.b.Node(graph.Job, x.label)
			n.Label = x.label
			n.Origins = append(n.Origins, "launchd")
			n.Defined = append(n.Defined, Where(x.file, x.line, x.label))
			if j, ok := l.Job(x.label); ok && j.Program != nil {
				n.Program = *j.Program
			}
		}
		n.Loaded = graph.LoadedIdle
		if x.running {
			n.Loaded = graph.LoadedRunning
		}
	}
	for _, label := range slices.Sorted(maps.Keys(ld.jobs)) {
		for _, id := range ld.jobs[label] {
			n, ok := ld.b.Lookup(id)
			if !ok || n.Loaded != "" || n.State != graph.Live || len(n.Defined) == 0 {
				continue
			}
			if kind := DomainKind(n.Defined[0].File); kind == "system" && l.System || kind == "agents" && l.Agents {
				n.Loaded = graph.NotLoaded
			}
		}
	}
}
