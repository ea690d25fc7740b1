package launchctl

import "strings"

// procinfoKeys start the top-level lines of `launchctl procinfo`, which
// no other output prints: a procinfo output may begin with the
// description of the process's service, as a print would show it.
var procinfoKeys = []string{
	"argument count", "argument vector", "environment vector", "bsd proc info",
	"audit info", "responsible pid", "responsible unique pid", "responsible path",
	"program path", "pressured exit info", "code signing info",
}

// topLevel reads a line outside any block: a `launchctl list` header or
// row, or an override printed without its block (a poster's excerpt of
// print-disabled).
func (p *lineParser) topLevel(t string, n int) {
	if isProcinfo(t) {
		p.procinfo, p.stopped = true, true
		return
	}
	if len(t) < 64 && isListHeader(t) {
		p.recognised = true
		return
	}
	if p.row(t, n, nil, false) {
		return
	}
	p.override(t, n, nil)
}

func isProcinfo(t string) bool {
	if strings.HasPrefix(t, "Could not print Mach info for pid") {
		return true
	}
	key, _, _ := strings.Cut(t, "=")
	key = strings.TrimSpace(key)
	for _, k := range procinfoKeys {
		if key == k {
			return true
		}
	}
	return false
}

// row reads a row of `launchctl list` or of a domain's services block:
// a pid ("-", or 0 in a domain print, for none), a status (an exit
// code, a negative signal, "-" or a word in parentheses such as
// "(pe)") and the label, separated by tabs or spaces. A row of a
// domain's services is also a job of that domain, running when it has
// a pid.
func (p *lineParser) row(t string, n int, domain *string, inDomain bool) bool {
	pidText, rest, ok := cutField(t)
	if !ok {
		return false
	}
	statusText, label, ok := cutField(rest)
	if !ok || label == "" {
		return false
	}
	pid, ok := pidValue(pidText)
	if !ok {
		return false
	}
	status, text, ok := statusValue(statusText)
	if !ok {
		return false
	}
	p.recognised = true
	if !p.count(n) {
		return true
	}
	p.s.List = append(p.s.List, ListRow{PID: pid, Status: status, StatusText: text, Label: label, File: p.file, Line: n})
	if inDomain {
		j := Job{Label: label, Domain: domain, PID: pid, Properties: []string{}, File: p.file, Line: n}
		if pid != nil {
			j.State = "running"
		}
		p.s.Jobs = append(p.s.Jobs, j)
	}
	return true
}

// cutField splits t at its first run of tabs and spaces.
func cutField(t string) (field, rest string, ok bool) {
	i := strings.IndexAny(t, " \t")
	if i <= 0 {
		return "", "", false
	}
	return t[:i], strings.TrimLeft(t[i:], " \t"), true
}

// override reads an entry of an override database: `"LABEL" =>
// disabled` or `enabled` (macOS 13 and later), `=> true` (disabled) or
// `false` (up to macOS 12). launchd's own "_dirty" flag is not a label.
// Without a domain (print-disabled does not print it) the override's
// domain is "".
func (p *lineParser) override(t string, n int, domain *string) {
	key, val, ok := strings.Cut(t, "=>")
	if !ok {
		return
	}
	key, val = strings.TrimSpace(key), strings.TrimSpace(val)
	if len(key) >= 2 && key[0] == '"' && key[len(key)-1] == '"' {
		key = key[1 : len(key)-1]
	}
	if key == "" || strings.ContainsAny(key, "\" \t") {
		return
	}
	var disabled bool
	switch val {
	case "true", "disabled":
		disabled = true
	case "false", "enabled":
	default:
		return
	}
	p.recognised = true
	if key == "_dirty" || !p.count(n) {
		return
	}
	d := ""
	if domain != nil {
		d = *domain
	}
	p.s.Disabled = append(p.s.Disabled, Override{Domain: d, Label: key, Disabled: disabled, File: p.file, Line: n})
}

// isListHeader reports whether t is the header of `launchctl list`,
// with tabs or spaces.
func isListHeader(t string) bool {
	f := strings.Fields(t)
	return len(f) == 3 && f[0] == "PID" && f[1] == "Status" && f[2] == "Label"
}
