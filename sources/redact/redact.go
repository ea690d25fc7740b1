// Package redact is the one rule for what driftmap may print: which names
// mark a credential (a --token option, an API_KEY variable, a db_password
// key), which command-line words may hold one (--password=X, the word
// after --token, mysql's -pX, user:pass@ in a URL), how a free string or
// the lines of a YAML file are shown with each such value replaced by
// Placeholder, and how a panic inside a third-party parser is described
// without quoting the input that caused it.
//
// Every caller that copies a value from a file into a finding, a
// difference or a message asks this package first, and package exporters
// passes every value it prints through String once more, so a value a
// source let through is still caught at the boundary.
//
// The rule errs on the side of hiding: a value wrongly hidden costs a
// reader one detail, a value wrongly shown may cost a credential. It
// never hides a whole string, only the parts that may be secret, so
// "/opt/bin/tool --password=X" prints as "/opt/bin/tool
// --password=<redacted>".
package redact

import (
	"runtime"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Placeholder replaces every secret part of a string.
const Placeholder = "<redacted>"

// Credential-like names are recognised on the name's segments: the name
// upper-cased and split at every character that is not a letter or a
// digit and at camelCase boundaries ("openaiApiKey" is OPENAI API KEY),
// and on the segments joined without separators ("api_key" is APIKEY).
var (
	// joinedWords mark a credential wherever they occur in the joined
	// segments.
	joinedWords = []string{
		"PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "CREDENTIAL",
		"APIKEY", "AUTHKEY", "PRIVATEKEY", "ACCESSKEY", "SIGNINGKEY",
		"ENCRYPTIONKEY", "MASTERKEY", "LICENSEKEY", "SSHKEY",
	}
	// keyIdentifiers are the segments that, just before KEY, make the
	// name an identifier rather than a credential: instance_key (the key
	// of a service in instance.yaml), public_key, sort_key,
	// SecureSocketWithKey (a launchd key naming an environment
	// variable).
	keyIdentifiers = []string{
		"INSTANCE", "PUBLIC", "SORT", "PRIMARY", "FOREIGN", "PARTITION",
		"CACHE", "IDEMPOTENCY", "ROUTING", "SHARD", "GROUP", "HASH",
		"RANGE", "LOOKUP", "MAP", "UNIQUE", "INDEX", "WITH", "HOT",
	}
	// countWords, in a name with TOKEN or TOKENS, make it a count of
	// tokens (max_tokens, prompt_tokens, token_limit), not a token.
	countWords = []string{
		"MAX", "MIN", "NUM", "COUNT", "LIMIT", "TOTAL", "BUDGET", "PROMPT",
		"COMPLETION", "CONTEXT", "INPUT", "OUTPUT", "PER", "NEW",
	}
	// locationWords, as the last segment, make the name name where a
	// credential is kept (password_file, --token-path), not the
	// credential: a path is not a secret.
	locationWords = []string{"FILE", "FILES", "PATH", "DIR", "FILENAME", "LOCATION"}
)

// segments splits a name into upper-case segments: at every character
// that is not a letter or a digit, and at camelCase boundaries (a lower
// case letter or digit followed by an upper case one, and the last upper
// case letter of an acronym followed by a lower case one: "OpenAIKey" is
// OPEN AI KEY).
func segments(name string) []string {
	if isASCII(name) {
		return asciiSegments(name)
	}
	var segs []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			segs = append(segs, strings.ToUpper(string(cur)))
			cur = cur[:0]
		}
	}
	rs := []rune(name)
	for i, r := range rs {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			flush()
			continue
		}
		if unicode.IsUpper(r) && len(cur) > 0 {
			prev := cur[len(cur)-1]
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			if unicode.IsLower(prev) || unicode.IsDigit(prev) || unicode.IsUpper(prev) && nextLower {
				flush()
			}
		}
		cur = append(cur, r)
	}
	flush()
	return segs
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// asciiSegments is segments for an ASCII name: the segments are slices
// of one upper-case copy.
func asciiSegments(name string) []string {
	upper := strings.ToUpper(name)
	isLower := func(c byte) bool { return 'a' <= c && c <= 'z' }
	isUpper := func(c byte) bool { return 'A' <= c && c <= 'Z' }
	isDigit := func(c byte) bool { return '0' <= c && c <= '9' }
	segs := make([]string, 0, 4)
	start := -1
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !isLower(c) && !isUpper(c) && !isDigit(c) {
			if start >= 0 {
				segs = append(segs, upper[start:i])
				start = -1
			}
			continue
		}
		if start >= 0 && isUpper(c) {
			prev := name[i-1]
			nextLower := i+1 < len(name) && isLower(name[i+1])
			if isLower(prev) || isDigit(prev) || isUpper(prev) && nextLower {
				segs = append(segs, upper[start:i])
				start = i
				continue
			}
		}
		if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		segs = append(segs, upper[start:])
	}
	return segs
}

// Name reports whether an option, variable or key name looks like it
// names a credential: "--api-key", "OPENAI_API_KEY", "db_password",
// "openai_key", "authToken", "Authorization", "sentry_dsn",
// "private_key". Case does not matter. It is the one list of what marks a
// credential:
//
//   - PASSWORD, PASSWD, PASSPHRASE, SECRET, CREDENTIAL anywhere, and the
//     segment PASS ("db_pass");
//   - a segment holding TOKEN ("auth_token", "GITHUB_TOKEN"), except
//     TOKENIZER and a count of tokens ("max_tokens", "token_limit": a
//     segment MAX, MIN, NUM, COUNT, LIMIT, TOTAL... beside it);
//   - KEY or KEYS after another segment ("openai_key", "OPENAI_API_KEY",
//     "ssh-key"), except after a segment that makes it an identifier
//     ("instance_key", "public_key", "sort_key", "SecureSocketWithKey");
//     a lone "key" is not credential-like (it is the plist element and
//     the usual name of an identifier), nor is "keychain" or "KeepAlive";
//     APIKEY, AUTHKEY, PRIVATEKEY, ACCESSKEY... written as one word;
//   - a segment AUTH, OAUTH, or starting with AUTH ("authkey",
//     "Authorization", "authentication") or ending with AUTH
//     ("basicauth"), except AUTHOR and AUTHORITY;
//   - a segment starting with PRIVATE ("private", "private_key");
//   - a segment ending with DSN ("dsn", "SENTRY_DSN"), and the segments
//     BEARER and COOKIE.
//
// A name whose last segment is FILE, PATH, DIR... ("password_file",
// "--token-path") names where a credential is kept, and a path is shown.
// A URL's password is recognised in the value, not by the name: see
// String ("db_url: postgres://app:<redacted>@db/app").
func Name(name string) bool {
	segs := segments(name)
	if len(segs) == 0 {
		return false
	}
	if len(segs) > 1 && slices.Contains(locationWords, segs[len(segs)-1]) {
		return false
	}
	joined := strings.Join(segs, "")
	for _, w := range joinedWords {
		if strings.Contains(joined, w) {
			return true
		}
	}
	counting := slices.ContainsFunc(segs, func(s string) bool { return slices.Contains(countWords, s) })
	for i, s := range segs {
		switch {
		case s == "PASS" || s == "BEARER" || s == "COOKIE" || s == "COOKIES":
			return true
		case strings.Contains(s, "TOKEN"):
			if !strings.HasPrefix(s, "TOKENIZ") && !(counting && (s == "TOKEN" || s == "TOKENS")) {
				return true
			}
		case s == "KEY" || s == "KEYS":
			if i > 0 && !slices.Contains(keyIdentifiers, segs[i-1]) {
				return true
			}
		case authSegment(s):
			return true
		case strings.HasPrefix(s, "PRIVATE"), strings.HasSuffix(s, "DSN"):
			return true
		}
	}
	return false
}

// authSegment reports whether one segment names an authentication
// secret: AUTH, OAUTH, AUTHKEY, AUTHORIZATION, BASICAUTH..., but not
// AUTHOR, AUTHORS or AUTHORITY.
func authSegment(s string) bool {
	switch {
	case strings.HasPrefix(s, "AUTHORIZ"):
		return true
	case strings.HasPrefix(s, "AUTHOR"):
		return false
	}
	return strings.HasPrefix(s, "AUTH") || strings.HasSuffix(s, "AUTH")
}

// Arg reports whether the command-line word may hold a credential, given
// the word before it (prev, "" for the first): it follows an option such
// as --token or --api-key, it is NAME=value (or --name=value) with a
// credential-like NAME, or it holds a URL with a password
// (scheme://user:pass@host). Options that hold a password only for some
// programs (mysql -p, sshpass -p) need the whole command line: see Args.
func Arg(prev, word string) bool {
	if optionName(prev) != "" && !strings.Contains(prev, "=") && Name(optionName(prev)) {
		return true
	}
	if name, _, ok := strings.Cut(strings.TrimLeft(word, "-"), "="); ok && Name(name) {
		return true
	}
	return len(userinfoPasswords(word)) > 0
}

// optionName returns the name of a command-line option without its
// dashes ("--api-key" is "api-key"), or "" when w is not an option.
func optionName(w string) string {
	if !strings.HasPrefix(w, "-") {
		return ""
	}
	n := strings.TrimLeft(w, "-")
	if n == "" {
		return ""
	}
	if r, _ := utf8.DecodeRuneInString(n); !unicode.IsLetter(r) {
		return "" // a negative number, "--", "-1"
	}
	return n
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
