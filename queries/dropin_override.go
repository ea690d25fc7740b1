package queries

import (
	"fmt"
)

// DropinOverride reports keys that a drop-in changes in its unit.
var DropinOverride = &Rule{
	Name:     "dropin-override",
	Severity: Info,
	Title:    "a drop-in changes a key its unit sets",
	Doc: `A drop-in (NAME.d/*.conf) replaces a key that the unit file, or an
earlier drop-in, sets, or resets a list (an empty ExecStart= and a new
one). That is what drop-ins are for, but it is silent: whoever reads the
unit file alone sees a command, user or setting that is not the one
systemd uses. driftmap names the key and both files; it never prints the
values, which may be credentials. Adding to a list (one more
Environment= or ExecStartPre= line) is not reported.

Nothing to fix if the override is meant; if it is stale, delete the
drop-in line (and run systemctl daemon-reload).`,
	Example: `/etc/systemd/system/ollama.service.d/override.conf:3: info: drop-in /etc/systemd/system/ollama.service.d/override.conf changes ExecStart of unit ollama.service, set at /etc/systemd/system/ollama.service:9 [dropin-override]`,
	Run: func(p *Pass) {
		g := p.Graph
		for _, o := range p.UnitOverrides {
			msg := fmt.Sprintf("drop-in %s changes %s of %s, set at %s", o.By.File, o.Key, noun(node(g, o.Unit)), o.Was.Location())
			p.ReportAt(o.By, o.Unit, msg, o.By, o.Was)
		}
	},
}
