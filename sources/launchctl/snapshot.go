// Package launchctl reads what launchd has loaded, as `launchctl` prints
// it (print of a service or a domain, list, list LABEL, print-disabled),
// and driftmap's own snapshot document, which holds the same facts in
// one file (schema driftmap/snapshot/v1). It parses bytes handed to it:
// it runs no command and reads no file itself (the command that takes a
// snapshot passes a Runner), and never writes.
//
// Arguments are kept as launchctl printed them, in memory, for
// comparison with the plists on disk; Marshal writes a snapshot with
// every credential-like argument redacted, and nothing here prints one.
package launchctl

// Schema is the schema field of a snapshot document.
const Schema = "driftmap/snapshot/v1"

// Snapshot is what launchd had loaded when the outputs were taken: the
// jobs printed service by service or listed in a domain print, the rows
// of `launchctl list`, the override database (print-disabled, and the
// disabled services block of a domain print), and the lines that could
// not be read. Its JSON form is the snapshot document:
//
//	{"schema":"driftmap/snapshot/v1","jobs":[...],"list":[...],"disabled":[...],"problems":[...]}
type Snapshot struct {
	Schema   string     `json:"schema"`
	Jobs     []Job      `json:"jobs"`
	List     []ListRow  `json:"list"`
	Disabled []Override `json:"disabled"`
	Problems []Problem  `json:"problems"`
}

// Job is one job launchd has loaded.
type Job struct {
	Label string `json:"label"`
	// Domain is "gui/501", "user/501" or "system"; nil when unknown.
	Domain *string `json:"domain"`
	// State is the job's state as printed ("running", "waiting", "not
	// running", "spawn scheduled", ...); "" when not printed.
	State string `json:"state"`
	PID   *int   `json:"pid"`
	// Program and Arguments are what launchd runs; nil when not printed
	// (an XPC service prints no arguments block).
	Program   *string  `json:"program"`
	Arguments []string `json:"arguments"`
	// LastExitCode is the last exit status: an exit code, or a negative
	// signal number as launchctl prints it; nil when never exited or
	// not printed.
	LastExitCode *int `json:"last_exit_code"`
	// Path is the plist launchd loaded the job from; nil when not printed
	// or not a file ("(submitted by smd.500)").
	Path *string `json:"path"`
	// Properties are the properties line split at " | ".
	Properties []string `json:"properties"`

	// File and Line say where the job was read: the raw output or the
	// snapshot document, and the line of its header (or row).
	File string `json:"-"`
	Line int    `json:"-"`
}

// ListRow is one row of `launchctl list`, or of a domain print's
// services block.
type ListRow struct {
	PID *int `json:"pid"`
	// Status is the last exit status (a negative signal number as
	// launchctl prints it); nil for "-". StatusText holds the raw text
	// when it is not an integer ("(pe)").
	Status     *int   `json:"status"`
	StatusText string `json:"status_text,omitempty"`
	Label      string `json:"label"`
	File       string `json:"-"`
	Line       int    `json:"-"`
}

// Override is one entry of launchd's override database: whether the
// label is disabled in the domain, whatever its plist says.
type Override struct {
	Domain   string `json:"domain"`
	Label    string `json:"label"`
	Disabled bool   `json:"disabled"`
	File     string `json:"-"`
	Line     int    `json:"-"`
}

// Problem is a file, or a line of one, that could not be read.
type Problem struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
}

// Runner runs launchctl with args and returns what it printed on
// standard output. The command that takes a snapshot passes one that
// runs /bin/launchctl; tests pass fakes.
type Runner func(args ...string) ([]byte, error)
