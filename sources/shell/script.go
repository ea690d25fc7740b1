package shell

import (
	"bytes"
	"path"
	"slices"
	"strings"

	"github.com/driftmap/driftmap/sources/record"
)

// Refs are the paths a shell script depends on, found with a real shell
// parser.
type Refs struct {
	// Targets are TargetExec for exec targets (and, in -c strings,
	// command names) and TargetSource for source and `.`.
	Targets []record.Target
	// Runs lists the programs a script execs with the words after them,
	// in order, so that the caller can apply an interpreter's rules
	// (launchd.WrapperRun) once it knows what the program is.
	Runs []Run
}

// Run is a program a script execs and the words it hands it.
type Run struct {
	Exec record.Target // as in Targets
	Args []Word
}

// Word is one argument word of a Run: its value when it is a fixed
// string (see ParseScript's word rules), else Fixed is false and Val "".
type Word struct {
	Val   string
	Line  int
	Fixed bool
}

// DefaultSearchPath returns the system's standard search path
// (_PATH_STDPATH): what launchd searches for a bare program name when a
// job sets no PATH, and what `command -p` searches. It returns a fresh
// slice on every call.
func DefaultSearchPath() []string {
	return []string{"/usr/bin", "/bin", "/usr/sbin", "/sbin"}
}

// shells are the interpreters whose scripts and -c strings driftmap
// parses as POSIX or bash shell. fish is not one of them.
var shells = []string{"sh", "bash", "zsh", "dash", "ksh"}

// IsShell reports whether a program's base name is a shell whose scripts
// and -c strings driftmap parses.
func IsShell(name string) bool { return slices.Contains(shells, name) }

// IsScript reports whether data is a shell script: a shebang naming a
// shell (directly or through env), or no shebang at all for text.
func IsScript(data []byte) bool {
	if bytes.IndexByte(data, 0) >= 0 {
		return false // binary
	}
	if !bytes.HasPrefix(data, []byte("#!")) {
		return true
	}
	line, _, _ := bytes.Cut(data[2:], []byte("\n"))
	f := strings.Fields(string(line))
	if len(f) == 0 {
		return false
	}
	interp := path.Base(f[0])
	if interp == "env" {
		for _, w := range f[1:] {
			if !strings.HasPrefix(w, "-") && !strings.Contains(w, "=") {
				interp = path.Base(w)
				break
			}
		}
	}
	return IsShell(interp)
}

// IsScriptFile reports whether the file name holding data is a shell
// script when it is found outside a wrappers directory: a #! line naming
// a shell, or a .sh, .bash or .zsh name and no #! line naming anything
// else.
func IsScriptFile(name string, data []byte) bool {
	if !IsScript(data) {
		return false
	}
	if bytes.HasPrefix(data, []byte("#!")) {
		return true
	}
	return slices.Contains([]string{".sh", ".bash", ".zsh"}, path.Ext(name))
}
