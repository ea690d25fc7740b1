package systemd

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// ExecKeys are the keys of [Service] (and [Socket]) that hold command
// lines, in systemd.service(5) order.
var ExecKeys = []string{"ExecCondition", "ExecStartPre", "ExecStart", "ExecStartPost", "ExecReload", "ExecStop", "ExecStopPost"}

// socketExecKeys are the command lines of [Socket].
var socketExecKeys = []string{"ExecStartPre", "ExecStartPost", "ExecStopPre", "ExecStopPost"}

// Command is one command line of an Exec key, split into words.
type Command struct {
	// Soft is the "-" prefix: a failure, a missing executable included,
	// is ignored.
	Soft bool
	// Argv0 is the "@" prefix: Words[1] is the name the program sees,
	// not an argument.
	Argv0 bool
	// Privileged is the "+" prefix: the command runs with full
	// privileges, outside RootDirectory= among others.
	Privileged bool
	// Words are the words after unquoting and unescaping, specifiers
	// not yet expanded.
	Words []string
}

// SplitCommands splits the value of an Exec key into command lines: the
// prefixes of each ("-", "@", ":", "+", "!", "!!" in any order) are
// stripped and noted, and words are separated as systemd does (double
// and single quotes, C escapes, a lone ";" between two command lines);
// an unknown escape is kept as written, as systemd keeps it (with a
// warning). ok is false when the quoting is broken: systemd ignores the
// whole assignment then.
func SplitCommands(value string) ([]Command, bool) {
	words, ok := splitWords(value)
	if !ok {
		return nil, false
	}
	var out []Command
	var cur *Command
	skip := false // the rest of a command whose program is empty
	for _, w := range words {
		if w.semicolon {
			cur, skip = nil, false
			continue
		}
		if skip {
			continue
		}
		if cur == nil {
			out = append(out, Command{})
			cur = &out[len(out)-1]
			// systemd reads the prefixes from the word once unquoted.
			v := w.val
			{
			prefixes:
				for len(v) > 0 {
					switch v[0] {
					case '-':
						cur.Soft = true
					case '@':
						cur.Argv0 = true
					case '+':
						cur.Privileged = true
					case ':', '!':
					default:
						break prefixes
					}
					v = v[1:]
				}
			}
			if v == "" {
				// A prefix alone, or an empty word: systemd runs nothing
				// of this command ("- /bin/x" is not /bin/x).
				out = out[:len(out)-1]
				cur, skip = nil, true
				continue
			}
			w.val = v
		}
		cur.Words = append(cur.Words, w.val)
	}
	return out, true
}

type word struct {
	val       string
	quoted    bool // begins with a quote: never a ";" separator
	semicolon bool // a lone unquoted ";"
}

// maxWords bounds the words of one value.
const maxWords = 4096

// splitWords splits s the way extract_first_word does with
// EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE: quotes may open anywhere in a word
// and are removed; backslash escapes are C escapes.
func splitWords(s string) ([]word, bool) {
	var out []word
	i := 0
	for {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		if i >= len(s) {
			return out, true
		}
		if len(out) >= maxWords {
			return out, true
		}
		var b strings.Builder
		w := word{quoted: s[i] == '"' || s[i] == '\''}
		var quote byte
		escaped := false
		start := i
		for ; i < len(s); i++ {
			c := s[i]
			if quote == 0 && isSpace(c) {
				break
			}
			switch {
			case c == '\\':
				escaped = true
				r, n, ok := unescape(s[i+1:])
				if !ok {
					// An unknown escape: systemd warns and keeps it
					// verbatim (extract_first_word_and_warn retries with
					// EXTRACT_CUNESCAPE_RELAX), the backslash and the
					// byte after it.
					b.WriteByte(c)
					if i+1 < len(s) {
						i++
						b.WriteByte(s[i])
					}
					continue
				}
				b.WriteString(r)
				i += n
			case quote != 0 && c == quote:
				quote = 0
			case quote == 0 && (c == '"' || c == '\''):
				quote = c
			default:
				b.WriteByte(c)
			}
		}
		if quote != 0 {
			return nil, false // an unterminated quote
		}
		w.val = b.String()
		w.semicolon = !escaped && !w.quoted && s[start:i] == ";"
		out = append(out, w)
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// unescape reads the C escape after a backslash; it returns the text it
// stands for and how many bytes of s it took.
func unescape(s string) (string, int, bool) {
	if s == "" {
		return "", 0, false
	}
	switch s[0] {
	case 'a':
		return "\a", 1, true
	case 'b':
		return "\b", 1, true
	case 'f':
		return "\f", 1, true
	case 'n':
		return "\n", 1, true
	case 'r':
		return "\r", 1, true
	case 't':
		return "\t", 1, true
	case 'v':
		return "\v", 1, true
	case 's':
		return " ", 1, true
	case '\\', '"', '\'', ' ', ';', '$':
		return s[:1], 1, true
	case 'x':
		if len(s) >= 3 {
			if v, err := strconv.ParseUint(s[1:3], 16, 8); err == nil && v != 0 {
				return string([]byte{byte(v)}), 3, true
			}
		}
		return "", 0, false
	case 'u', 'U':
		n := 4
		if s[0] == 'U' {
			n = 8
		}
		if len(s) > n {
			if v, err := strconv.ParseUint(s[1:1+n], 16, 32); err == nil && v != 0 && utf8.ValidRune(rune(v)) {
				return string(rune(v)), 1 + n, true
			}
		}
		return "", 0, false
	case '0', '1', '2', '3', '4', '5', '6', '7':
		if len(s) >= 3 {
			if v, err := strconv.ParseUint(s[:3], 8, 8); err == nil && v != 0 {
				return string([]byte{byte(v)}), 3, true
			}
		}
		return "", 0, false
	}
	return "", 0, false
}
