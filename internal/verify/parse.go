package verify

import (
	"cmp"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/driftmap/driftmap/sources/systemd"
)

// Kind is what a line of verify's output reports.
type Kind string

const (
	// MissingExec: "U: Command X is not executable: No such file or
	// directory". Subject is X as verify printed it (a bare name stays
	// bare). verify checks only the first command of each Exec*= list
	// (ExecStartPre=, ExecStart=, ...), and skips it when it has the "-"
	// prefix.
	MissingExec Kind = "missing-exec"
	// NotExecutable: "U: Command X is not executable: E" with any other
	// error E ("Permission denied" for a file without an execute bit).
	NotExecutable Kind = "not-executable"
	// MissingUnit: a unit that no file defines. Subject is that unit.
	// verify phrases it three ways: "U: Failed to create U/start: Unit X
	// not found." (a Requires=, BindsTo=, Requisite= or similar
	// dependency, including a special unit the root has no file for),
	// "S: service X not loaded, socket cannot be started." (a socket's
	// service), and "Unit X not found." without a prefix (a unit verify
	// was asked for; Unit and Subject are both X). It never reports the
	// missing unit of a timer, a path unit, Sockets= or Wants=.
	MissingUnit Kind = "missing-unit"
	// MaskedUnit: "U: Failed to create U/start: Unit X is masked." (a
	// hard dependency on a masked unit), or "Unit X is masked." without a
	// prefix (verify was asked for the masked unit itself). Subject is X.
	MaskedUnit Kind = "masked-unit"
	// OrderingCycle: "U: Found ordering cycle on X/start" and the
	// "U: Found dependency on X/start" lines after it, one for each job of
	// the cycle. Subject is X. The lines that follow (which job was
	// deleted to break the cycle, or that it could not be broken) are
	// Other.
	OrderingCycle Kind = "ordering-cycle"
	// Other is any other line; its Subject is "".
	Other Kind = "other"
)

// Report is one line of verify's output, classified.
type Report struct {
	// Unit is the unit the line is about: the name verify prefixed it
	// with (an alias is reported under the unit it names, a template
	// under its test instance, e.g. "worker@i.service"), the unit a
	// prefix-less "Unit X ..." line names, or, for a warning about a unit
	// file ("/etc/systemd/system/x.service.d/y.conf:3: ..."), the unit
	// that file belongs to. "" when the line names none.
	Unit    string
	Kind    Kind
	Subject string
	// Line is the line as printed.
	Line string
}

// unitSuffix matches a unit name's type, one of systemd.Types.
var unitSuffix = `\.(?:` + strings.Join(systemd.Types, "|") + `)`

var (
	prefixed     = regexp.MustCompile(`^([A-Za-z0-9:_.\\@-]+` + unitSuffix + `): (.*)$`)
	fileWarning  = regexp.MustCompile(`^(/[^:]*):[0-9]+: `)
	command      = regexp.MustCompile(`^Command (.+) is not executable: (.+)$`)
	jobNotFound  = regexp.MustCompile(`^Failed to create \S+: Unit (\S+) not found\.$`)
	jobMasked    = regexp.MustCompile(`^Failed to create \S+: Unit (\S+) is masked\.$`)
	socketNoSvc  = regexp.MustCompile(`^service (\S+) not loaded, socket cannot be started\.$`)
	cycleFound   = regexp.MustCompile(`^Found (?:ordering cycle|dependency) on (\S+)/[a-z-]+$`)
	unitNotFound = regexp.MustCompile(`^Unit (\S+) not found\.$`)
	unitMasked   = regexp.MustCompile(`^Unit (\S+) is masked\.$`)
	unitOther    = regexp.MustCompile(`^Unit (\S+` + unitSuffix + `) `)
)

// noSuchFile is strerror(ENOENT) in the C locale Run sets.
const noSuchFile = "No such file or directory"

// Parse classifies each non-empty line of out (what Run returns, or
// verify's output as captured) and returns the reports sorted by unit,
// kind, subject and line, each once.
func Parse(out string) []Report {
	var reports []Report
	for line := range strings.SplitSeq(out, "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		reports = append(reports, parseLine(line))
	}
	slices.SortFunc(reports, compareReports)
	return slices.Compact(reports)
}

func parseLine(line string) Report {
	r := Report{Kind: Other, Line: line}
	if m := prefixed.FindStringSubmatch(line); m != nil {
		r.Unit = m[1]
		msg := m[2]
		if c := command.FindStringSubmatch(msg); c != nil {
			r.Subject = c[1]
			r.Kind = NotExecutable
			if c[2] == noSuchFile {
				r.Kind = MissingExec
			}
			return r
		}
		for _, p := range []struct {
			re   *regexp.Regexp
			kind Kind
		}{
			{jobNotFound, MissingUnit},
			{socketNoSvc, MissingUnit},
			{jobMasked, MaskedUnit},
			{cycleFound, OrderingCycle},
		} {
			if s := p.re.FindStringSubmatch(msg); s != nil {
				r.Kind, r.Subject = p.kind, s[1]
				return r
			}
		}
		return r
	}
	if m := unitNotFound.FindStringSubmatch(line); m != nil {
		r.Unit, r.Kind, r.Subject = m[1], MissingUnit, m[1]
		return r
	}
	if m := unitMasked.FindStringSubmatch(line); m != nil {
		r.Unit, r.Kind, r.Subject = m[1], MaskedUnit, m[1]
		return r
	}
	if m := unitOther.FindStringSubmatch(line); m != nil {
		r.Unit = m[1]
		return r
	}
	if m := fileWarning.FindStringSubmatch(line); m != nil {
		r.Unit = unitOfFile(m[1])
	}
	return r
}

// isUnitName reports whether s is a valid unit name (systemd.ParseName).
func isUnitName(s string) bool {
	_, ok := systemd.ParseName(s)
	return ok
}

// unitOfFile is the unit a unit file or drop-in belongs to:
// ".../x.service" is x.service, ".../x.service.d/y.conf" x.service.
func unitOfFile(p string) string {
	if base := path.Base(p); isUnitName(base) {
		return base
	}
	if dir := path.Base(path.Dir(p)); strings.HasSuffix(dir, ".d") && isUnitName(strings.TrimSuffix(dir, ".d")) {
		return strings.TrimSuffix(dir, ".d")
	}
	return ""
}

func compareReports(a, b Report) int {
	return cmp.Or(
		strings.Compare(a.Unit, b.Unit),
		strings.Compare(string(a.Kind), string(b.Kind)),
		strings.Compare(a.Subject, b.Subject),
		strings.Compare(a.Line, b.Line))
}
