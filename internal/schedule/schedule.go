// Package schedule owns the text of the service definitions that run
// driftmap's audit on a timer and leave its metrics for Prometheus'
// node exporter: a launchd LaunchAgent plist (Launchd) and a systemd
// service and timer (Systemd), each running
//
//	driftmap check --fail-on never --output prometheus=DIR/driftmap.prom ...
//
// every Job.Every. It decides their names (Label, Unit), the argv of the
// audit (Command), the quoting of each format, the defaults of the
// textfile directory and the checks on an interval. It returns bytes
// and never writes a file: the user puts them where they belong (the
// CLI prints them), and it reads nothing from the machine (the caller
// passes the program path and the home directory).
package schedule

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"
)

const (
	// Label is the LaunchAgent's Label (and its file name, plus .plist).
	Label = "com.driftmap.audit"
	// Unit is the systemd units' name: Unit.service and Unit.timer.
	Unit = "driftmap-audit"
	// MetricsFile is the file check writes in the textfile directory.
	MetricsFile = "driftmap.prom"
	// MinEvery is the shortest interval accepted.
	MinEvery = time.Minute
	// SystemdTextfileDir is Debian's textfile directory of
	// prometheus-node-exporter (its --collector.textfile.directory).
	SystemdTextfileDir = "/var/lib/prometheus/node-exporter"
	// LaunchdTextfileDir is the default textfile directory on a Mac,
	// below the home directory; node_exporter has no default there, so
	// its --collector.textfile.directory must name it.
	LaunchdTextfileDir = "Library/Application Support/driftmap/textfile"
	// LaunchdLogFile is where the LaunchAgent's standard error goes
	// (driftmap's error, hint and note lines), below the home directory
	// (~/Library/Logs exists on every Mac; launchd creates the file, not
	// its directory). Standard output, the text report, is left to
	// launchd's default, /dev/null: the textfile is the report, and a log
	// holding every run's findings would grow without end.
	LaunchdLogFile = "Library/Logs/driftmap-audit.log"
)

// Job is one scheduled audit.
type Job struct {
	// Program is the absolute path of the driftmap binary.
	Program string
	// Flags are the audit's flags after check's own (--root, --home,
	// --workspace, ...), each word an element.
	Flags []string
	// Every is the interval: at least MinEvery, in whole seconds.
	Every time.Duration
	// TextfileDir is the absolute directory the metrics file goes in.
	TextfileDir string
	// Home is the absolute home directory of the user the LaunchAgent
	// runs as (for its log file); unused by Systemd.
	Home string
}

// DefaultTextfileDir is the textfile directory of target ("launchd" or
// "systemd") when none is given; home is the user's home directory.
func DefaultTextfileDir(target, home string) string {
	if target == "launchd" {
		return path.Join(home, LaunchdTextfileDir)
	}
	return SystemdTextfileDir
}

// CheckEvery reports what is wrong with an interval, or nil.
func CheckEvery(d time.Duration) error {
	if d < MinEvery {
		return fmt.Errorf("interval %s is shorter than 1m", d)
	}
	if d%time.Second != 0 {
		return fmt.Errorf("interval %s is not a whole number of seconds", d)
	}
	return nil
}

// Command is the argv of the audit: the program, check with
// --fail-on never (the job reports, it never fails on a finding) and
// --output prometheus=TEXTFILE_DIR/driftmap.prom, then j.Flags.
func (j Job) Command() []string {
	argv := []string{j.Program, "check", "--fail-on", "never", "--output", "prometheus=" + path.Join(j.TextfileDir, MetricsFile)}
	return append(argv, j.Flags...)
}

func (j Job) check() error {
	if !path.IsAbs(j.Program) {
		return fmt.Errorf("program path %q is not absolute", j.Program)
	}
	if !path.IsAbs(j.TextfileDir) {
		return fmt.Errorf("textfile directory %q is not absolute", j.TextfileDir)
	}
	if err := CheckEvery(j.Every); err != nil {
		return err
	}
	for _, w := range j.Command() {
		if strings.ContainsRune(w, 0) {
			return errors.New("an argument holds a NUL byte")
		}
	}
	return nil
}

// Launchd is the LaunchAgent plist (XML) of j: Label, ProgramArguments,
// StartInterval, RunAtLoad, ProcessType Background, and standard error
// appended to ~/Library/Logs/driftmap-audit.log (see LaunchdLogFile). It
// belongs in
// ~/Library/LaunchAgents/com.driftmap.audit.plist.
func Launchd(j Job) ([]byte, error) {
	if err := j.check(); err != nil {
		return nil, err
	}
	if !path.IsAbs(j.Home) {
		return nil, fmt.Errorf("home directory %q is not absolute", j.Home)
	}
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
`)
	key := func(k string) { fmt.Fprintf(&b, "\t<key>%s</key>\n", k) }
	str := func(indent, s string) {
		b.WriteString(indent + "<string>")
		xml.EscapeText(&b, []byte(s))
		b.WriteString("</string>\n")
	}
	key("Label")
	str("\t", Label)
	key("ProgramArguments")
	b.WriteString("\t<array>\n")
	for _, w := range j.Command() {
		str("\t\t", w)
	}
	b.WriteString("\t</array>\n")
	key("StartInterval")
	fmt.Fprintf(&b, "\t<integer>%d</integer>\n", int64(j.Every/time.Second))
	key("RunAtLoad")
	b.WriteString("\t<true/>\n")
	key("ProcessType")
	str("\t", "Background")
	key("StandardErrorPath")
	str("\t", path.Join(j.Home, LaunchdLogFile))
	b.WriteString("</dict>\n</plist>\n")
	return b.Bytes(), nil
}

// Systemd is the service and the timer of j, one after the other, each
// after a comment line naming its file (# driftmap-audit.service,
// # driftmap-audit.timer); both belong in /etc/systemd/system. The
// service is Type=oneshot, its standard output (the text report) thrown
// away, its standard error (driftmap's error lines) in the journal; the
// timer starts it OnBootSec= and
// OnUnitActiveSec= j.Every and is wanted by timers.target.
func Systemd(j Job) ([]byte, error) {
	if err := j.check(); err != nil {
		return nil, err
	}
	every := span(j.Every)
	var b bytes.Buffer
	fmt.Fprintf(&b, `# %[1]s.service
[Unit]
Description=driftmap audit of this machine's service definitions
After=local-fs.target

[Service]
Type=oneshot
ExecStart=%[2]s
# The report is the textfile; the journal keeps only driftmap's errors.
StandardOutput=null

# %[1]s.timer
[Unit]
Description=Run %[1]s.service every %[3]s

[Timer]
OnBootSec=%[3]s
OnUnitActiveSec=%[3]s
# No Persistent=: it applies to OnCalendar= timers only; after a boot
# OnBootSec= runs the audit that was missed.

[Install]
WantedBy=timers.target
`, Unit, execLine(j.Command()), every)
	return b.Bytes(), nil
}

// span writes d as a systemd time span (systemd.time(7)): "1h", "10min",
// "90s", or a sum of them ("1h 30min").
func span(d time.Duration) string {
	var parts []string
	for _, u := range []struct {
		d    time.Duration
		name string
	}{{time.Hour, "h"}, {time.Minute, "min"}, {time.Second, "s"}} {
		if n := d / u.d; n > 0 {
			parts = append(parts, fmt.Sprintf("%d%s", n, u.name))
			d -= n * u.d
		}
	}
	if len(parts) == 0 {
		return "0"
	}
	return strings.Join(parts, " ")
}

// execLine is argv as the value of an Exec key (systemd.service(5),
// "Command lines"): a word with a space, a quote, a backslash, a ";" or
// a control character, or an empty word, is double-quoted with C
// escapes; "%" is written "%%" and "$" "$$" everywhere, so that no
// specifier or variable is expanded.
func execLine(argv []string) string {
	words := make([]string, len(argv))
	for i, w := range argv {
		words[i] = execWord(w)
	}
	return strings.Join(words, " ")
}

func execWord(w string) string {
	quote := w == ""
	var b strings.Builder
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case c == '\\' || c == '"':
			quote = true
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			quote = true
			b.WriteString(`\n`)
		case c == '\t':
			quote = true
			b.WriteString(`\t`)
		case c < 0x20 || c == 0x7f:
			quote = true
			fmt.Fprintf(&b, `\x%02x`, c)
		case c == ' ' || c == '\'' || c == ';':
			quote = true
			b.WriteByte(c)
		case c == '%':
			b.WriteString("%%")
		case c == '$':
			b.WriteString("$$")
		default:
			b.WriteByte(c)
		}
	}
	if quote {
		return `"` + b.String() + `"`
	}
	return b.String()
}
