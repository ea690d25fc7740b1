package launchctl

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/driftmap/driftmap/sources/redact"
)

// RunError is a domain print that launchctl could not make: Take
// cannot take a snapshot without it. Its message names the command and
// the runner's error, redacted; Unwrap gives the runner's error.
type RunError struct {
	Args []string
	Err  error
}

func (e *RunError) Error() string {
	return redact.String("launchctl " + strings.Join(e.Args, " ") + ": " + e.Err.Error())
}

func (e *RunError) Unwrap() error { return e.Err }

// notFoundStatus is launchctl's exit status for a service it has not
// loaded ("Could not find service ... in domain for ...").
const notFoundStatus = 113

// Take runs launchctl through run and returns the snapshot of what it
// printed, merged, and each output as printed, by the name it was read
// as ("launchctl print gui/501"). It runs `print gui/UID`, `print
// system` when readSystem, `print gui/UID/LABEL` for each label (sorted,
// once each), `print-disabled gui/UID` and `print-disabled system`; the
// overrides of each print-disabled get its domain.
//
// An error from either domain print is returned (a *RunError), with no
// snapshot and the outputs taken until then. A label launchd has not loaded (launchctl
// says "Could not find service" and exits 113) is absent from the
// snapshot, not an error; any other failure of a label print or of a
// print-disabled is a Problem of that output.
func Take(run Runner, uid int, labels []string, readSystem bool) (snap *Snapshot, raw map[string][]byte, err error) {
	if uid < 0 {
		return nil, nil, fmt.Errorf("launchctl: invalid user id %d", uid)
	}
	gui := fmt.Sprintf("gui/%d", uid)
	raw = map[string][]byte{}
	var snaps []*Snapshot
	call := func(args ...string) (*Snapshot, error) {
		name := "launchctl " + strings.Join(args, " ")
		out, err := run(args...)
		raw[name] = out
		if err != nil {
			return nil, err
		}
		return Parse(out, name), nil
	}
	domains := [][]string{{"print", gui}}
	if readSystem {
		domains = append(domains, []string{"print", "system"})
	}
	for _, args := range domains {
		s, err := call(args...)
		if err != nil {
			return nil, raw, &RunError{Args: args, Err: err}
		}
		snaps = append(snaps, s)
	}
	labels = slices.Clone(labels)
	slices.Sort(labels)
	for _, label := range slices.Compact(labels) {
		if label == "" {
			continue
		}
		args := []string{"print", gui + "/" + label}
		s, err := call(args...)
		switch {
		case err != nil && notLoaded(err, raw["launchctl "+strings.Join(args, " ")]):
		case err != nil:
			snaps = append(snaps, failed(args))
		default:
			snaps = append(snaps, s)
		}
	}
	for _, domain := range []string{gui, "system"} {
		args := []string{"print-disabled", domain}
		s, err := call(args...)
		if err != nil {
			snaps = append(snaps, failed(args))
			continue
		}
		for i := range s.Disabled {
			if s.Disabled[i].Domain == "" {
				s.Disabled[i].Domain = domain
			}
		}
		snaps = append(snaps, s)
	}
	return Merge(snaps...), raw, nil
}

// notLoaded reports whether a failed print says the service is not
// loaded: its exit status, or the message in the error or the output.
func notLoaded(err error, out []byte) bool {
	var exit interface{ ExitCode() int }
	if errors.As(err, &exit) && exit.ExitCode() == notFoundStatus {
		return true
	}
	const msg = "Could not find service"
	return strings.Contains(err.Error(), msg) || strings.Contains(string(out), msg)
}

// failed is the snapshot of a command that failed: one Problem, which
// does not quote the runner's error (it may hold launchctl's output).
func failed(args []string) *Snapshot {
	s := empty()
	s.problem("launchctl "+strings.Join(args, " "), 0, "launchctl failed to print this; what it holds is not in the snapshot")
	return s
}
