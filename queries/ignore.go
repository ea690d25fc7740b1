package queries

import (
	"path"
	"slices"

	"github.com/driftmap/driftmap/sources"
	"github.com/driftmap/driftmap/sources/render"
	"github.com/driftmap/driftmap/sources/sanctum"
)

// Result is what Check returns: the findings the ignore list and the
// baseline keep, sorted, and how many each left out.
type Result struct {
	Findings  []Finding
	Ignored   int // left out by driftmap.yaml's ignore list
	Baselined int // left out by the baseline (see CheckBaseline)
}

// ignoreState is what stale-ignore sees: which rules ran and how many
// findings each ignore entry matched.
type ignoreState struct {
	ran   map[string]bool // the rules of this run
	known map[string]bool // every rule driftmap has
	hits  []int
}

// Check runs rules over snap, leaves out the findings that an entry of
// driftmap.yaml's ignore list matches (see Ignores), and then runs
// stale-ignore, if it is among rules, over the entries that matched
// nothing. The findings of stale-ignore are never ignored: an ignore
// entry cannot hide the report that it is stale.
func Check(snap *sources.Snapshot, rules []*Rule) Result {
	return CheckBaseline(snap, rules, nil)
}

// CheckBaseline is Check, then, when base is not nil, leaves out the
// findings the baseline records (see Baseline) and runs stale-baseline,
// if it is among rules, over the entries that matched nothing. The
// findings of stale-baseline are never left out.
func CheckBaseline(snap *sources.Snapshot, rules []*Rule, base *Baseline) Result {
	plan := render.Plan(snap)
	var out, after []Finding
	st := &ignoreState{ran: map[string]bool{}, hits: make([]int, len(snap.Layout.Ignore))}
	st.known = map[string]bool{}
	for _, r := range Documented() {
		st.known[r.Name] = true
	}
	var late, last []*Rule
	for _, r := range rules {
		st.ran[r.Name] = true
		switch r {
		case StaleIgnore:
			late = append(late, r)
			continue
		case StaleBaseline:
			last = append(last, r)
			continue
		}
		p := &Pass{Snapshot: snap, Plan: plan, rule: r, findings: &out}
		r.Run(p)
	}
	slices.SortFunc(out, Compare)
	out = slices.CompactFunc(out, func(a, b Finding) bool { return Compare(a, b) == 0 })
	kept := out[:0:0]
	ignored := 0
	for _, f := range out {
		hit := false
		for i, e := range snap.Layout.Ignore {
			if Ignores(e, f) {
				st.hits[i]++
				hit = true
			}
		}
		if hit {
			ignored++
			continue
		}
		kept = append(kept, f)
	}
	for _, r := range late {
		p := &Pass{Snapshot: snap, Plan: plan, rule: r, findings: &after, ignore: st}
		r.Run(p)
	}
	kept = merge(kept, after)
	res := Result{Findings: kept, Ignored: ignored}
	if base == nil {
		return res
	}
	bs := &baselineState{base: base, ran: st.ran, known: st.known}
	res.Findings, res.Baselined = bs.apply(kept, snap.Layout.Workspace)
	after = nil
	for _, r := range last {
		p := &Pass{Snapshot: snap, Plan: plan, rule: r, findings: &after, baseline: bs}
		r.Run(p)
	}
	res.Findings = merge(res.Findings, after)
	return res
}

// merge adds the findings of a late rule to kept, sorted.
func merge(kept, after []Finding) []Finding {
	if len(after) == 0 {
		return kept
	}
	kept = append(kept, after...)
	slices.SortFunc(kept, Compare)
	return slices.CompactFunc(kept, func(a, b Finding) bool { return Compare(a, b) == 0 })
}

// Ignores reports whether ignore entry e matches finding f: e.Rule is
// empty or f's rule, and e.Subject is empty or a path.Match pattern that
// f's subject ID matches. A finding without a subject (a parse error, a
// duplicate key) is matched only by an entry without a subject. Findings
// of stale-ignore and stale-baseline are never matched.
func Ignores(e sanctum.IgnoreEntry, f Finding) bool {
	if f.Rule == StaleIgnore.Name || f.Rule == StaleBaseline.Name || (e.Rule != "" && e.Rule != f.Rule) {
		return false
	}
	if e.Subject == "" {
		return true
	}
	if f.Subject == "" {
		return false
	}
	ok, err := path.Match(e.Subject, f.Subject)
	return err == nil && ok
}
