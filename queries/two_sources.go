package queries

import (
	"fmt"
	"strings"

	"github.com/driftmap/driftmap/graph"
)

// TwoSources reports facts stated by hand in two canonical sources that
// still agree: the drift that has not happened yet.
var TwoSources = &Rule{
	Name:     "two-sources",
	Severity: Info,
	Title:    "a fact is stated by hand in two canonical sources that still agree",
	Doc: `A service's port, requires, launchagent or role is written by hand in
more than one canonical input (instance.yaml, the catalog, driftmap.yaml's
services), with the same value everywhere, for now. "Either answer can
work. Two answers will drift": the day someone changes one and not the
other, it is a conflicting-definition, and whichever a tool reads decides
what runs. The truth policy (truth: in driftmap.yaml, or --truth) says
which source owns the fact; the finding names the owner and the
redundant statement. Remove the redundant one, or make it derived
(rendered from the owner). When the statements already disagree, the
finding is conflicting-definition instead. driftmap owners shows every
fact of a service with its owner and copies.`,
	Example: `sanctum/runtime_catalog.yaml:7: info: port of voice-agent is stated in /Users/bert/.sanctum/instance.yaml:19 and sanctum/runtime_catalog.yaml:7; under truth: instance the catalog copy is redundant; remove it or make it derived [two-sources]`,
	Run: func(p *Pass) {
		policy := p.Layout.Truth()
		for _, ts := range twoSources(p.Snapshot) {
			var where []string
			var redundant []string
			var ev []graph.Evidence
			var at graph.Evidence
			where = append(where, describePlace(ts.owner))
			for _, x := range ts.canon {
				if x.place != ts.owner {
					where = append(where, describePlace(x.place))
				}
				e := graph.Evidence{File: x.place.File, Line: x.place.Line, Key: x.place.Key}
				ev = append(ev, e)
				if x.place != ts.owner {
					redundant = append(redundant, sourceName(x.source))
					if at.File == "" {
						at = e
					}
				}
			}
			msg := fmt.Sprintf("%s of %s is stated in %s; under truth: %s the %s copy is redundant; remove it or make it derived",
				ts.fact, ts.service, list(where), policy, strings.Join(redundant, " and "))
			p.ReportAt(at, graph.ID(graph.Service, ts.service), msg, ev...)
		}
	},
}
