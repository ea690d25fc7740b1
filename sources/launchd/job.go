// Package launchd reads launchd job definitions as launchd.plist(5)
// describes them: it decodes XML and binary property lists (with the line
// of every key for XML), and applies launchd's argv semantics (Program
// over ProgramArguments[0], the job's PATH for bare names, interpreters
// and the scripts they run, env(1), `sh -c` strings) to find the paths a
// job needs. It also says which file names in a launchd directory launchd
// loads.
//
// It parses bytes handed to it: it reads no file itself, never writes,
// and never copies an argument or environment value into a record (they
// may be credentials). Deciding what is wrong is package queries' job.
package launchd

import (
	"path"
	"strings"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources/record"
)

// Job is one launchd job definition decoded from a plist.
type Job struct {
	File      string // path inside root
	Label     string // "" when the plist has none (a Problem is reported)
	LabelLine int
	Disabled  bool // Disabled: true
	// Program is the executable launchd runs, as written: Program, or
	// ProgramArguments[0] when Program is absent; a credential-like part
	// of it (Program holding a whole command line) is redacted.
	Program string
	// Targets lists the hard targets in plist order.
	Targets []record.Target
	// Indirect lists the programs the job runs under a name that is not
	// an interpreter's, with their arguments: when the loader finds that
	// such a program's symlink chain ends at an interpreter, Through
	// gives the script it runs.
	Indirect []Indirect
	// OtherJobs lists KeepAlive.OtherJobEnabled labels; Token holds the
	// label.
	OtherJobs []graph.Evidence
	// RunAtLoad and KeepAlive (true, or a dictionary of conditions) say
	// launchd should start the job as soon as it loads it; Line is the
	// line of the key that says so.
	RunAtLoad, KeepAlive bool
	StartLine            int
	// Command is what the job runs, for comparison with what launchd
	// has loaded; its zero value when the plist names no program.
	Command Command
}

// ClassifyName says whether a file name in a launchd directory is a
// plist driftmap reads and whether it is retired. launchd only loads
// names ending in ".plist"; a plist set aside under another name
// ("x.plist.bak", "x.plist.disabled", any ".plist.*") never runs, so
// driftmap shows it as retired and never checks it.
func ClassifyName(name string) (isPlist, retired bool) {
	if strings.HasSuffix(name, ".plist") {
		return true, false
	}
	return strings.Contains(name, ".plist."), strings.Contains(name, ".plist.")
}

// systemDirs hold the operating system's programs, never a
// constellation's scripts (on macOS the system volume is read-only).
var systemDirs = []string{"/bin", "/sbin", "/usr/bin", "/usr/sbin", "/usr/libexec", "/System"}

// IsSystemProgram reports whether p is the system's (under systemDirs) or
// an interpreter (python3, bash, env, ... anywhere): the program that runs
// a script, not a script of the constellation, even when a copied tree
// holds a stub script in its place.
func IsSystemProgram(p string) bool {
	for _, d := range systemDirs {
		if strings.HasPrefix(p, d+"/") {
			return true
		}
	}
	b := path.Base(p)
	return b == "env" || IsInterpreter(b)
}
