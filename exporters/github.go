package exporters

import (
	"bytes"
	"io"
	"strconv"
	"strings"

	"github.com/driftmap/driftmap/queries"
)

// githubFormatter writes GitHub Actions workflow commands (check), which
// the runner turns into annotations on the run and the pull request.
type githubFormatter struct{}

// githubCommand is the workflow command of a severity.
func githubCommand(s queries.Severity) string {
	switch s {
	case queries.Error:
		return "error"
	case queries.Warning:
		return "warning"
	}
	return "notice"
}

// The escapes of workflow commands: the runner decodes them back, so a
// value keeps its characters in the annotation and cannot end the
// command or start another. Properties also escape the characters that
// separate them.
var (
	githubDataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	githubPropertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

// githubData is s as the message of a workflow command: scrubbed,
// escaped as the runner requires, then with the control characters the
// runner leaves alone (an ESC would colour the log) escaped as text
// output escapes them.
func githubData(s string) string { return escapeControl(githubDataEscaper.Replace(scrub(s))) }

// githubProperty is s as a property value of a workflow command (see
// githubData).
func githubProperty(s string) string {
	return escapeControl(githubPropertyEscaper.Replace(scrub(s)))
}

// FormatCheck writes one workflow command per finding, in the report's
// order:
//
//	::error file=F,line=N,title=RULE::message
//
// ::warning for warnings and ::notice for info; file= names the file as
// text output does (workspace files joined to --workspace, machine files
// by their path inside the root), line= is left out when the line is
// unknown, and a finding without a file has neither, its subject heading
// the message instead. The last line is the summary, as text output
// prints it.
func (githubFormatter) FormatCheck(w io.Writer, r *Report) error {
	var b bytes.Buffer
	for _, fd := range r.Findings {
		b.WriteString("::")
		b.WriteString(githubCommand(fd.Severity))
		b.WriteString(" ")
		subject := ""
		if fd.File != "" {
			b.WriteString("file=")
			b.WriteString(githubProperty(fd.File))
			if fd.Line > 0 {
				b.WriteString(",line=")
				b.WriteString(strconv.Itoa(fd.Line))
			}
			b.WriteString(",")
		} else if fd.Subject != "" {
			subject = githubData(fd.Subject) + ": "
		}
		b.WriteString("title=")
		b.WriteString(githubProperty(fd.Rule))
		b.WriteString("::")
		b.WriteString(subject)
		b.WriteString(githubData(fd.Message))
		b.WriteString("\n")
	}
	b.WriteString(r.summaryLine())
	b.WriteString("\n")
	_, err := w.Write(b.Bytes())
	return err
}
