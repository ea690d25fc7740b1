package queries

import (
	"fmt"

	"github.com/driftmap/driftmap/graph"
)

// MissingJob reports enabled services whose launchd job is not live.
var MissingJob = &Rule{
	Name:     "missing-job",
	Severity: Error,
	Title:    "an enabled service names a launchd job or systemd unit that is not there",
	Doc: `The catalog or a manifest says which launchd Label runs a service
(launchagent). When the service is enabled but no live plist has that
Label (none at all, only a retired one, or one with Disabled: true),
nothing starts it. Install or re-enable the plist, fix the label, or
disable the service.

The same holds for the systemd unit a catalog entry names
(systemd_unit: NAME) on a machine with systemd unit directories: no unit
file defines it, or it is masked. On a machine without any (a Mac
auditing a catalog shared with a Linux machine), systemd_unit is not
checked; likewise, on a machine with systemd unit directories and no
launchd directory (the Linux side), launchagent is not.`,
	Example: `sanctum/runtime_catalog.yaml:14: error: enabled service triage names launchagent com.sanctum.triage, but no plist has that Label [missing-job]`,
	Run: func(p *Pass) {
		g := p.Graph
		linuxOnly := !p.HasDir("launchd") && p.HasDir("systemd")
		for _, l := range fromEnabled(g, graph.RunsAs) {
			e, from, to := l.edge, l.from, l.to
			if to.Kind == graph.Job && linuxOnly {
				continue
			}
			var why string
			if to.Kind == graph.Unit {
				switch to.State {
				case graph.Undefined:
					why = "but no unit file defines it"
				case graph.Retired:
					why = fmt.Sprintf("but it is masked (%s is a link to /dev/null)", to.Defined[0].File)
				default:
					continue
				}
				p.Report(from.ID, fmt.Sprintf("enabled %s names systemd_unit %s, %s", noun(from), to.Label, why), e.Evidence...)
				continue
			}
			switch to.State {
			case graph.Live:
				continue
			case graph.Undefined:
				why = "but no plist has that Label"
			case graph.Retired:
				why = fmt.Sprintf("but the only plist with that Label is retired (%s)", to.Defined[0].File)
			case graph.Disabled:
				why = fmt.Sprintf("but its plist sets Disabled: true (%s)", to.Defined[0].File)
			default:
				continue
			}
			p.Report(from.ID, fmt.Sprintf("enabled %s names launchagent %s, %s", noun(from), to.Label, why), e.Evidence...)
		}
	},
}
