package synth

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
)

// Words for service names: "<adjective>-<noun>-<index>". None of them
// holds a watchdog pattern (watchdog, living-force) or the prefixes of
// the planted names (stray-, hand-, legacy-), so no name collides with
// another or gives a job the watchdog role.
var (
	adjectives = []string{"amber", "brisk", "cedar", "dusky", "ember", "frost", "granite", "hazel",
		"iris", "jade", "kestrel", "lunar", "maple", "nimbus", "onyx", "pine",
		"quartz", "raven", "sable", "tidal", "umber", "velvet", "willow", "zephyr"}
	nouns = []string{"agent", "broker", "cache", "crawler", "encoder", "gateway", "indexer", "mailer",
		"notifier", "parser", "proxy", "relay", "renderer", "router", "scheduler", "store",
		"sync", "tunnel", "worker"}
)

// Port numbers: service i claims firstPort+i while that is a valid port
// (the first 55,536 services), later services claim none; the
// hand-registered service h claims firstHandPort+h (there are at most
// 1,000 of them, since N <= MaxN).
const (
	firstPort     = 10000
	firstHandPort = 9000
)

// service is one instance-backed service of the fleet.
type service struct {
	name        string // catalog name, kebab-case
	port        int    // 0: none
	requires    []int  // indices of the services it requires, in catalog order
	refs        []string
	renamedFrom string // an old name, or ""
	missing     bool   // its app binary is absent (a planted missing-target)
}

// extra is a planted job outside the catalog: an off-catalogue (stray)
// job, or the job of a hand-registered service.
type extra struct {
	name string
	port int // hand-registered services only
}

// fleet is the whole generated constellation, before any byte is
// rendered. Everything random is decided here, in one sequence of draws
// from one generator, so that a seed fixes the tree.
type fleet struct {
	n        int
	seed     uint64
	services []service
	cycles   [][]int // the planted cycles: member indices, lowest first
	strays   []extra // off-catalogue jobs (unmanaged)
	hands    []extra // hand-registered services
	renamed  int     // references by an old name (renamed-reference)
}

// Counts of planted defects for n services. These are the formulas
// synth.json's expectations follow (see docs/performance.md):
//
//	missing-target     max(1, n/100)   app binaries absent
//	unmanaged          max(1, n/200)   off-catalogue com.sanctum.stray-* jobs
//	renamed-reference  max(1, n/200)   requires by an old name (0 when n = 1)
//	hand-registered    max(1, n/1000)  manifests of services defined nowhere else
//	dependency-cycle   3 when n >= 9, 2 when n >= 5, 1 when n >= 2, else 0
func missingCount(n int) int { return max(1, n/100) }
func strayCount(n int) int   { return max(1, n/200) }
func handCount(n int) int    { return max(1, n/1000) }
func renamedCount(n int) int {
	if n < 2 {
		return 0
	}
	return max(1, n/200)
}

// cycleSizes are the sizes of the planted cycles: 2, 3 and 4 services.
func cycleSizes(n int) []int {
	switch {
	case n >= 9:
		return []int{2, 3, 4}
	case n >= 5:
		return []int{2, 3}
	case n >= 2:
		return []int{2}
	}
	return nil
}

// newRand is the generator for a seed: PCG, with a fixed second word so
// that the seed alone decides the stream.
func newRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0x64726966746d6170)) // "driftmap"
}

// plan decides the fleet for n services and a seed.
//
// The requires graph is acyclic by construction (every edge goes to a
// lower-numbered service) except for the planted cycles: each is a run
// of consecutive services s, s+1, ..., s+k-1 where s+j requires s+j-1
// and s requires s+k-1 (the back edge). Their other edges go below s,
// and the runs do not overlap, so no path leaves a run and comes back:
// each planted cycle is exactly one strongly connected component, which
// dependency-cycle reports once.
func plan(n int, seed uint64) *fleet {
	r := newRand(seed)
	f := &fleet{n: n, seed: seed, services: make([]service, n)}
	width := len(strconv.Itoa(n))
	for i := range f.services {
		s := &f.services[i]
		s.name = fmt.Sprintf("%s-%s-%0*d", adjectives[r.IntN(len(adjectives))], nouns[r.IntN(len(nouns))], width, i)
		if firstPort+i <= 65535 {
			s.port = firstPort + i
		}
	}

	// The cycles' runs, spread evenly over the index range.
	member := make([]int, n) // 1 + the cycle a service is in; 0: none
	sizes := cycleSizes(n)
	total := 0
	for _, k := range sizes {
		total += k
	}
	free, used := n-total, 0
	for c, k := range sizes {
		start := used + (c+1)*free/(len(sizes)+1)
		run := make([]int, k)
		for j := range run {
			run[j] = start + j
			member[start+j] = c + 1
		}
		f.cycles = append(f.cycles, run)
		used += k
	}

	for i := range f.services {
		s := &f.services[i]
		if c := member[i]; c > 0 {
			run := f.cycles[c-1]
			lo := run[0]
			if i == lo {
				s.requires = append(s.requires, run[len(run)-1]) // the back edge
			} else {
				s.requires = append(s.requires, i-1)
			}
			s.requires = appendDistinct(r, s.requires, r.IntN(3), lo)
		} else {
			s.requires = appendDistinct(r, s.requires, r.IntN(4), i)
		}
		for _, t := range s.requires {
			s.refs = append(s.refs, f.services[t].name)
		}
	}

	// Renamed references: a site that requires something now requires it
	// by an old name, which the target lists under renamed_from. Each
	// target is renamed once, each site used once.
	want := renamedCount(n)
	for _, site := range r.Perm(n) {
		if f.renamed == want {
			break
		}
		s := &f.services[site]
		if len(s.requires) == 0 {
			continue
		}
		j := r.IntN(len(s.requires))
		t := &f.services[s.requires[j]]
		if t.renamedFrom != "" {
			continue
		}
		t.renamedFrom = "legacy-" + t.name
		s.refs[j] = t.renamedFrom
		f.renamed++
	}
	if f.renamed != want {
		panic(fmt.Sprintf("synth: planted %d renamed references, want %d", f.renamed, want)) // unreachable: tested for small n
	}

	for _, i := range pick(r, n, missingCount(n)) {
		f.services[i].missing = true
	}
	sw := len(strconv.Itoa(strayCount(n)))
	for i := range strayCount(n) {
		f.strays = append(f.strays, extra{name: fmt.Sprintf("stray-%0*d", sw, i)})
	}
	hw := len(strconv.Itoa(handCount(n)))
	for i := range handCount(n) {
		f.hands = append(f.hands, extra{name: fmt.Sprintf("hand-%0*d", hw, i), port: firstHandPort + i})
	}
	return f
}

// appendDistinct appends up to k distinct indices below limit that are
// not in have yet.
func appendDistinct(r *rand.Rand, have []int, k, limit int) []int {
	k = min(k, limit-countBelow(have, limit))
	for added := 0; added < k; {
		t := r.IntN(limit)
		if slices.Contains(have, t) {
			continue
		}
		have = append(have, t)
		added++
	}
	return have
}

func countBelow(xs []int, limit int) int {
	c := 0
	for _, x := range xs {
		if x < limit {
			c++
		}
	}
	return c
}

// pick returns k distinct indices below n, sorted (Floyd's algorithm).
func pick(r *rand.Rand, n, k int) []int {
	chosen := make(map[int]bool, k) // membership only: never ranged over
	out := make([]int, 0, k)
	for j := n - k; j < n; j++ {
		t := r.IntN(j + 1)
		if chosen[t] {
			t = j
		}
		chosen[t] = true
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

// expected is the number of findings `driftmap check` reports per rule
// on the fleet; every rule not listed reports none.
func (f *fleet) expected() map[string]int {
	m := map[string]int{}
	for rule, c := range map[string]int{
		"missing-target":    missingCount(f.n),
		"unmanaged":         len(f.strays),
		"renamed-reference": f.renamed,
		"hand-registered":   len(f.hands),
		"dependency-cycle":  len(f.cycles),
	} {
		if c > 0 {
			m[rule] = c
		}
	}
	return m
}
