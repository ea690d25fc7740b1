// Package redact is the one rule for what driftmap may print: which names
// mark a credential (a --token option, an API_KEY variable), which
// command-line words may hold one, and how a panic inside a third-party
// parser is described without quoting the input that caused it.
//
// Every caller that copies a value from a file into a finding, a
// difference or a message asks this package first.
package redact

import (
	"runtime"
	"strings"
)

// credentialWords are the upper-case fragments that mark a name as
// naming a credential.
var credentialWords = []string{"TOKEN", "SECRET", "PASSWORD", "PASSWD", "API_KEY", "APIKEY", "AUTHKEY", "CREDENTIAL", "PRIVATE_KEY"}

// Name reports whether an option, variable or key name looks like it
// names a credential: "--api-key", "OPENAI_API_KEY", "db_password".
func Name(name string) bool {
	n := strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
	for _, s := range credentialWords {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

// Arg reports whether the command-line word may hold a credential, given
// the word before it (prev, "" for the first): it follows an option such
// as --token or --api-key, or it is NAME=value (or --name=value) with a
// credential-like NAME.
func Arg(prev, word string) bool {
	if strings.HasPrefix(prev, "-") && !strings.Contains(prev, "=") && Name(strings.TrimLeft(prev, "-")) {
		return true
	}
	name, _, ok := strings.Cut(strings.TrimLeft(word, "-"), "=")
	return ok && Name(name)
}

// PanicText describes a recovered panic value without quoting input:
// only a runtime error, whose text is fixed by the Go runtime, is shown.
// Any other value may carry text from the file being parsed.
func PanicText(r any) string {
	if re, ok := r.(runtime.Error); ok {
		return re.Error()
	}
	return "unexpected panic"
}

// PanicError is a panic recovered by Guard.
type PanicError struct {
	What   string // what failed, e.g. "the YAML parser"
	Reason string // PanicText of the panic value
}

func (e *PanicError) Error() string { return e.What + " failed: " + e.Reason }

// Guard calls f, which wraps a third-party parser, and returns its
// results. A panic inside f becomes a *PanicError, whose text quotes no
// input, so hostile input can neither crash a run nor reach the output
// through a panic message.
func Guard[T any](what string, f func() (T, error)) (v T, err error) {
	defer func() {
		if r := recover(); r != nil {
			var zero T
			v, err = zero, &PanicError{What: what, Reason: PanicText(r)}
		}
	}()
	return f()
}
