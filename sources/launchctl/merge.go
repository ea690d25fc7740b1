package launchctl

import (
	"cmp"
	"slices"
	"strconv"
)

// Merge returns one snapshot holding what snaps hold (nil ones are
// skipped). Jobs of the same domain and label become one: a job printed
// service by service (it has a program, path, arguments, properties, an
// exit code or a state other than running) wins whole over a row of a
// domain print, which only fills in what a lone row lacks; between two
// printed jobs the first wins. Jobs of no known domain are matched only
// with each other. Repeated rows, overrides and problems are kept once.
// The result is sorted as Marshal writes it; snaps are not changed.
func Merge(snaps ...*Snapshot) *Snapshot {
	out := empty()
	type jobKey struct {
		known         bool
		domain, label string
	}
	jobs := map[jobKey]int{}
	type rowKey struct{ pid, status, text, label string }
	rows := map[rowKey]bool{}
	overrides := map[Override]bool{}
	probs := map[Problem]bool{}
	for _, s := range snaps {
		if s == nil {
			continue
		}
		for _, j := range s.Jobs {
			k := jobKey{label: j.Label}
			if j.Domain != nil {
				k.known, k.domain = true, *j.Domain
			}
			if i, ok := jobs[k]; ok {
				out.Jobs[i] = mergeJob(out.Jobs[i], j)
				continue
			}
			jobs[k] = len(out.Jobs)
			out.Jobs = append(out.Jobs, cloneJob(j))
		}
		for _, r := range s.List {
			k := rowKey{intText(r.PID), intText(r.Status), r.StatusText, r.Label}
			if !rows[k] {
				rows[k] = true
				out.List = append(out.List, r)
			}
		}
		for _, o := range s.Disabled {
			k := Override{Domain: o.Domain, Label: o.Label, Disabled: o.Disabled}
			if !overrides[k] {
				overrides[k] = true
				out.Disabled = append(out.Disabled, o)
			}
		}
		for _, p := range s.Problems {
			if !probs[p] {
				probs[p] = true
				out.Problems = append(out.Problems, p)
			}
		}
	}
	out.sort()
	return out
}

func intText(p *int) string {
	if p == nil {
		return "-"
	}
	return strconv.Itoa(*p)
}

// detailed reports whether a job was printed service by service rather
// than read from a domain's services row, which gives only a label, a
// pid and "running".
func (j *Job) detailed() bool {
	return j.Program != nil || j.Path != nil || j.Arguments != nil || len(j.Properties) > 0 ||
		j.LastExitCode != nil || j.State != "" && j.State != "running"
}

// mergeJob merges b, met later, into a.
func mergeJob(a, b Job) Job {
	switch {
	case b.detailed() && !a.detailed():
		return cloneJob(b)
	case a.detailed():
		return a
	}
	if a.PID == nil && b.PID != nil {
		a.PID, a.State = b.PID, b.State
	}
	if a.State == "" {
		a.State = b.State
	}
	return a
}

func cloneJob(j Job) Job {
	j.Arguments = slices.Clone(j.Arguments)
	j.Properties = slices.Clone(j.Properties)
	if j.Properties == nil {
		j.Properties = []string{}
	}
	return j
}

// sort puts every list in the order Marshal writes: jobs by domain (an
// unknown one first) then label, rows by label, overrides by domain then
// label, problems by file then line; ties keep the order read.
func (s *Snapshot) sort() {
	if s.Jobs == nil {
		s.Jobs = []Job{}
	}
	if s.List == nil {
		s.List = []ListRow{}
	}
	if s.Disabled == nil {
		s.Disabled = []Override{}
	}
	if s.Problems == nil {
		s.Problems = []Problem{}
	}
	for i := range s.Jobs {
		if s.Jobs[i].Properties == nil {
			s.Jobs[i].Properties = []string{}
		}
	}
	slices.SortStableFunc(s.Jobs, func(a, b Job) int {
		return cmp.Or(cmp.Compare(domainKey(a.Domain), domainKey(b.Domain)), cmp.Compare(a.Label, b.Label))
	})
	slices.SortStableFunc(s.List, func(a, b ListRow) int { return cmp.Compare(a.Label, b.Label) })
	slices.SortStableFunc(s.Disabled, func(a, b Override) int {
		return cmp.Or(cmp.Compare(a.Domain, b.Domain), cmp.Compare(a.Label, b.Label))
	})
	slices.SortStableFunc(s.Problems, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Message, b.Message))
	})
}

func domainKey(d *string) string {
	if d == nil {
		return ""
	}
	return "\x00" + *d
}
