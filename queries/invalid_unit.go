package queries

import "github.com/driftmap/driftmap/sources/record"

// InvalidUnit reports units that systemd refuses to load as written.
var InvalidUnit = &Rule{
	Name:     record.InvalidUnit,
	Severity: Error,
	Title:    "systemd refuses to load a unit as written",
	Doc: `The unit, with its drop-ins applied, is one systemd refuses to load:
a service with more than one ExecStart= command when it is not
Type=oneshot (typically a drop-in that sets ExecStart= without first
resetting it with an empty ExecStart=), a service with no ExecStart=
(nor ExecStop= or SuccessAction=), or an Exec line whose command is a
relative path. systemd-analyze verify reports the same.

Reset the list in the drop-in (an empty ExecStart= line before the new
one), or fix the command.`,
	Example: `/etc/systemd/system/api.service.d/10-cmd.conf:2: error: service api.service has more than one ExecStart= command, which only Type=oneshot allows: systemd refuses to load it (a drop-in must reset the list with an empty ExecStart= first) [invalid-unit]`,
	Run:     func(p *Pass) { reportProblems(p, record.InvalidUnit) },
}
