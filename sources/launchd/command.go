package launchd

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/driftmap/driftmap/sources/redact"
	"github.com/driftmap/driftmap/sources/rootfs"
)

// Command is what launchd runs for a job, as its plist says, in the form
// driftmap compares it with what launchd has loaded (launchctl print):
// each word as it may be printed (credential-like words redacted, see
// Printable) and a digest of its exact text. The exact text itself is
// not kept.
type Command struct {
	Program Word   // Program, or ProgramArguments[0] without one
	Args    []Word // ProgramArguments as written (launchd's argv)
	Line    int    // the line of ProgramArguments, or of Program
	Key     string // "ProgramArguments" or "Program"
}

// Word is one word of a command line: Shown may be printed, Digest is
// the SHA-256 of its exact text.
type Word struct {
	Shown  string
	Digest string
	// HomeDigest is the SHA-256 of the text with the home directory
	// written as HomePlaceholder (rootfs.HomeRelative): equal for two
	// users' copies of one word, /Users/bert/x and /Users/anna/x, so that
	// machines can be compared (driftmap fleet).
	HomeDigest string
	Line       int // the line it is written on (XML plists)
}

// HomePlaceholder stands for the home directory in the text that
// Word.HomeDigest hashes. It holds a NUL, which no plist string or
// argument can, so that no word written literally hashes like it.
const HomePlaceholder = "\x00HOME\x00"

// digest is the hex SHA-256 of s.
func digest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// HomeDigest returns the Word.HomeDigest of word, run with the home
// directory home: the hex SHA-256 of word with home written as
// HomePlaceholder.
func HomeDigest(word, home string) string {
	return homeDigest(word, home, "")
}

// homeDigest is HomeDigest; exact, when not "", is word's own digest,
// returned as it is when word does not hold home.
func homeDigest(word, home, exact string) string {
	rel := rootfs.HomeRelative(word, home, HomePlaceholder)
	if exact != "" && rel == word {
		return exact
	}
	return digest(rel)
}

// Printable returns a command line as driftmap prints it beside a
// plist's: each word redact.Words leaves alone and that is one token (a
// path, an option, a number, host:port) as it is, a credential-like word
// as "<redacted>", and a word holding white space (a shell command
// string, which may hold anything) as "<N characters>", never its text.
func Printable(vals []string) []string {
	shown := redact.Words(vals)
	for i, v := range vals {
		if shown[i] == v && strings.ContainsAny(v, " \t\n\r\f\v") {
			shown[i] = fmt.Sprintf("<%d characters>", len([]rune(v)))
		}
	}
	return shown
}

// words returns the Words of a command line run with the home directory
// home.
func words(vals []string, home string) []Word {
	shown := Printable(vals)
	out := make([]Word, len(vals))
	for i, v := range vals {
		d := digest(v)
		out[i] = Word{Shown: shown[i], Digest: d, HomeDigest: homeDigest(v, home, d)}
	}
	return out
}

// Matches reports whether s, a word as launchctl printed it or as a
// snapshot document holds it, is this word: its exact text, or, when s
// was itself redacted in a snapshot, the same redacted form.
func (w Word) Matches(s string) bool {
	if digest(s) == w.Digest {
		return true
	}
	return strings.Contains(s, redact.Placeholder) && s == w.Shown
}
