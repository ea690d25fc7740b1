package queries

// Baseline is a baseline file's entries: the findings of an earlier run
// that check leaves out, so that CI fails only on new drift. The command
// line reads and parses the file (written by `driftmap baseline`); this
// package never reads it.
type Baseline struct {
	File    string // the baseline file, as the command line names it
	Entries []BaselineEntry
}

// BaselineEntry records one finding by its Fingerprint. Rule and Subject
// are written beside it for people (and for stale-baseline's message);
// matching uses only the fingerprint.
type BaselineEntry struct {
	Fingerprint string
	Rule        string
	Subject     string
	Line        int // the entry's line in File; 0 when unknown
}

// baselineState is what stale-baseline sees: the baseline, which entries
// matched a finding, and which rules ran.
type baselineState struct {
	base  *Baseline
	hit   []bool
	ran   map[string]bool // the rules of this run
	known map[string]bool // every rule driftmap has
}

// apply leaves out of fs, sorted, each finding that an entry records,
// one entry per finding: two findings with the same fingerprint need two
// entries, so that a second copy of known drift is new drift. It returns
// the findings kept and how many were left out.
func (bs *baselineState) apply(fs []Finding, workspace string) ([]Finding, int) {
	bs.hit = make([]bool, len(bs.base.Entries))
	unused := map[string][]int{} // fingerprint -> entries not yet matched, in file order
	for i, e := range bs.base.Entries {
		unused[e.Fingerprint] = append(unused[e.Fingerprint], i)
	}
	kept := fs[:0:0]
	n := 0
	for _, f := range fs {
		fp := Fingerprint(f, workspace)
		if idx := unused[fp]; len(idx) > 0 {
			bs.hit[idx[0]] = true
			unused[fp] = idx[1:]
			n++
			continue
		}
		kept = append(kept, f)
	}
	return kept, n
}
