package redact

import (
	"path"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// secretKind says which part of a word may be secret.
type secretKind int

const (
	notSecret secretKind = iota
	wholeWord            // the value of the option or header before it
	afterEq              // NAME=value or --name=value: the value
	attached             // -pSECRET: what follows the short option
	inURL                // scheme://user:SECRET@host: the password only
)

// passwordFlags lists, by program base name, the options that take a
// password (or user:password) only for that program: mysql -p means a
// password, mkdir -p does not.
var passwordFlags = map[string][]string{
	"mysql":         {"-p"},
	"mysqldump":     {"-p"},
	"mysqladmin":    {"-p"},
	"mysqlimport":   {"-p"},
	"mysqlcheck":    {"-p"},
	"mysqlshow":     {"-p"},
	"mysqlpump":     {"-p"},
	"mariadb":       {"-p"},
	"mariadb-dump":  {"-p"},
	"mariadb-admin": {"-p"},
	"sshpass":       {"-p"},
	"redis-cli":     {"-a"},
	"valkey-cli":    {"-a"},
	"keydb-cli":     {"-a"},
	"curl":          {"-u", "--user", "-U", "--proxy-user"},
	"mosquitto_pub": {"-P"},
	"mosquitto_sub": {"-P"},
	"openssl":       {"-passin", "-passout", "-pass", "-k"},
}

// authHeaders are the HTTP header names whose value is a credential
// (compared in lower case, without the colon); any X- header with a
// credential-like name (X-Api-Key, X-Auth-Token) is one too.
var authHeaders = []string{"authorization", "proxy-authorization", "cookie", "set-cookie"}

// authSchemes are the words that may precede the credential in an
// Authorization header value ("Bearer TOKEN").
var authSchemes = []string{"bearer", "basic", "digest", "token", "bot", "negotiate", "apikey"}

// Args reports, for each word of a command line, whether it may hold a
// credential: what Arg reports, plus a password option of the program
// being run (mysql -p SECRET or -pSECRET, sshpass -p, redis-cli -a, curl
// -u user:pass...), the value of an Authorization or Cookie header
// ("Authorization: Bearer SECRET") and the word after a credential-like
// key written with a colon ("api_key: SECRET", "{token: SECRET}"). The program is the last word whose
// base name is in the list; a shell separator (;, &&, ||, |) ends it.
func Args(words []string) []bool {
	kinds := argKinds(words)
	out := make([]bool, len(words))
	for i, k := range kinds {
		out[i] = k != notSecret
	}
	return out
}

// Words returns a command line as it may be printed: each word passes
// through String, and a word Args reports that String leaves as it is
// becomes "<redacted>" (so "--token=X" reads "--token=<redacted>", and
// the X of "--token X" reads "<redacted>"). It repeats until nothing
// changes (a word redacted once may read as another kind of secret), at
// most 8 times, after which every word is hidden; so Words(Words(w)) is
// Words(w), and a command line written redacted reads back the same.
// A snapshot document and the plists' comparison both use it.
func Words(words []string) []string {
	if words == nil {
		return nil
	}
	for range 8 {
		next := wordsOnce(words)
		if slices.Equal(next, words) {
			return words
		}
		words = next
	}
	hidden := make([]string, len(words))
	for i := range hidden {
		hidden[i] = Placeholder
	}
	return hidden
}

func wordsOnce(words []string) []string {
	secret := Args(words)
	out := make([]string, len(words))
	for i, w := range words {
		r := String(w)
		if secret[i] && r == w && !alreadyRedacted(w) {
			r = Placeholder
		}
		out[i] = r
	}
	return out
}

// alreadyRedacted reports whether w shows only a redacted value.
func alreadyRedacted(w string) bool {
	_, v, ok := strings.Cut(w, "=")
	return w == Placeholder || ok && v == Placeholder
}

// argKinds is Args, saying which part of each word is secret.
func argKinds(words []string) []secretKind {
	kinds := make([]secretKind, len(words))
	var flags []string // the password options of the program being run
	header := 0        // 1: after an auth header name; 2: after its scheme too
	for i, w := range words {
		_, core, _ := splitQuotes(w)
		prev := ""
		if i > 0 {
			_, prev, _ = splitQuotes(words[i-1])
		}
		switch {
		case header > 0:
			if header == 1 && containsFold(authSchemes, core) {
				header = 2
				continue
			}
			kinds[i], header = wholeWord, 0
			continue
		case w == ";" || w == "&&" || w == "||" || w == "|" || w == "&":
			flags = nil
			continue
		}
		if f, ok := passwordFlags[path.Base(core)]; ok && !strings.HasPrefix(core, "-") {
			flags = f
		}
		// A secret word is no option, whatever it looks like.
		prevOpt := i == 0 || kinds[i-1] == notSecret
		switch {
		case prevOpt && optionName(prev) != "" && !strings.Contains(prev, "=") && Name(optionName(prev)):
			kinds[i] = wholeWord
		case prevOpt && isFlagIn(flags, prev) && !isOption(core):
			kinds[i] = wholeWord
		case afterEqSecret(core, flags):
			kinds[i] = afterEq
		case attachedFlag(flags, core) > 0:
			kinds[i] = attached
		case len(userinfoPasswords(core)) > 0:
			kinds[i] = inURL
		}
		if isAuthHeader(core) {
			header = 1
		}
	}
	return kinds
}

// afterEqSecret reports whether w is NAME=value or --name=value with a
// credential-like NAME, or --flag=value for a password option of the
// program (curl --user=u:p).
func afterEqSecret(w string, flags []string) bool {
	name, _, ok := strings.Cut(w, "=")
	if !ok {
		return false
	}
	return Name(strings.TrimLeft(name, "-")) || strings.HasPrefix(name, "--") && isFlagIn(flags, name)
}

// attachedFlag returns the length of the one-letter password option w
// starts with (mysql -pSECRET), or 0.
func attachedFlag(flags []string, w string) int {
	for _, f := range flags {
		if len(f) == 2 && len(w) > 2 && strings.HasPrefix(w, f) {
			return 2
		}
	}
	return 0
}

func isFlagIn(flags []string, w string) bool {
	for _, f := range flags {
		if w == f {
			return true
		}
	}
	return false
}

// isOption reports whether w looks like a command-line option rather
// than an option's value.
func isOption(w string) bool { return optionName(w) != "" }

// isAuthHeader reports whether w, with its colon, introduces a
// credential: "Authorization:", "Cookie:", an X- header with a
// credential-like name, or a credential-like key as YAML and flow
// mappings write it ("api_key:", "{token:"). A key holding '.' or '/' is
// a file name or a path ("auth.yaml:"), not a key.
func isAuthHeader(w string) bool {
	name, ok := strings.CutSuffix(w, ":")
	if !ok || name == "" {
		return false
	}
	lower := strings.ToLower(name)
	if containsFold(authHeaders, lower) {
		return true
	}
	if strings.HasPrefix(lower, "x-") && Name(name[2:]) {
		return true
	}
	return !strings.ContainsAny(name, "./:@=") && Name(name)
}

func containsFold(list []string, w string) bool {
	for _, s := range list {
		if strings.EqualFold(s, w) {
			return true
		}
	}
	return false
}

// userinfoPasswords returns the byte ranges [start, end) of the
// passwords in the URLs of s: scheme://user:PASSWORD@host. The scheme is
// two or more letters, digits, +, - or . starting with a letter; one
// slash is enough ("postgres:/app:pw@db", as path.Clean leaves a URL
// written where a path was expected). A password already replaced by
// Placeholder is not returned, so String is idempotent.
func userinfoPasswords(s string) [][2]int {
	var out [][2]int
	for off := 0; off < len(s); {
		i := strings.Index(s[off:], ":/")
		if i < 0 {
			return out
		}
		colon := off + i
		off = colon + 2
		if !hasScheme(s[:colon]) {
			continue
		}
		start := colon + 1
		for start < len(s) && s[start] == '/' {
			start++
		}
		// The authority ends at the first /, ?, #, quote or space; the
		// userinfo at its last @.
		end := start
		for end < len(s) && !strings.ContainsRune("/?#\"'`<> \t\r\n", rune(s[end])) {
			end++
		}
		auth := s[start:end]
		if at := strings.LastIndexByte(auth, '@'); at >= 0 {
			c := strings.IndexByte(auth[:at], ':')
			// Ranges never overlap: a URL inside the authority of the
			// one before is not looked at again.
			if c >= 0 && c+1 < at && auth[c+1:at] != Placeholder && (len(out) == 0 || start+c+1 >= out[len(out)-1][1]) {
				out = append(out, [2]int{start + c + 1, start + at})
			}
		}
	}
	return out
}

// hasScheme reports whether s ends with a URL scheme that starts a word:
// a letter, then letters, digits, +, - or ., two characters at least.
func hasScheme(s string) bool {
	i := len(s)
	for i > 0 {
		c := s[i-1]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '+' || c == '-' || c == '.' {
			i--
			continue
		}
		break
	}
	scheme := s[i:]
	if len(scheme) < 2 {
		return false
	}
	c := scheme[0]
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// quoteOpen and quoteClose are the characters split from a word's ends
// before it is judged: quotes and brackets from the text around it.
const (
	quoteOpen  = "\"'`([{"
	quoteClose = "\"'`)]},;"
)

// splitQuotes splits w into the quotes and brackets before it, its core
// and the quotes, brackets and punctuation after it. A quote escaped by
// a backslash (\" in a Go-quoted string inside a message) counts as a
// quote.
func splitQuotes(w string) (lead, core, trail string) {
	i := 0
	for i < len(w) {
		if strings.IndexByte(quoteOpen, w[i]) >= 0 {
			i++
		} else if w[i] == '\\' && i+1 < len(w) && isQuote(w[i+1]) {
			i += 2
		} else {
			break
		}
	}
	j := len(w)
	for j > i {
		if strings.IndexByte(quoteClose, w[j-1]) >= 0 {
			j--
			if j > i && isQuote(w[j]) && w[j-1] == '\\' {
				j--
			}
		} else {
			break
		}
	}
	return w[:i], w[i:j], w[j:]
}

func isQuote(c byte) bool { return c == '"' || c == '\'' || c == '`' }

// String returns s with every part that may be a credential replaced by
// Placeholder, and the rest as it was:
//
//	/opt/bin/tool --password=hunter2      /opt/bin/tool --password=<redacted>
//	run --token abc --port 80             run --token <redacted> --port 80
//	mysql -u root -phunter2               mysql -u root -p<redacted>
//	postgres://app:hunter2@db/app         postgres://app:<redacted>@db/app
//	-H "Authorization: Bearer abc"        -H "Authorization: Bearer <redacted>"
//	OPENAI_API_KEY=sk-abc                 OPENAI_API_KEY=<redacted>
//
// s is split into words at white space (Args judges them); a secret
// value that opens a quote ("--password "two words"") is redacted up to
// the closing quote. Quotes and brackets around a word are kept, so a
// message that quotes a command line still reads right. Ordinary paths,
// options and messages come back unchanged: /usr/bin/python3,
// --config=/etc/x, "port is 8765". String is idempotent.
func String(s string) string {
	if !mayHoldSecret(s) {
		return s
	}
	s = redactURLs(s)
	type span struct{ start, end int }
	var spans []span
	var words []string
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			i += n
			continue
		}
		j := i
		for j < len(s) {
			r, n := utf8.DecodeRuneInString(s[j:])
			if unicode.IsSpace(r) {
				break
			}
			j += n
		}
		spans = append(spans, span{i, j})
		words = append(words, s[i:j])
		i = j
	}
	kinds := argKinds(words)
	var b strings.Builder
	last := 0 // s[:last] is written
	for i := 0; i < len(words); i++ {
		k := kinds[i]
		if k == notSecret || k == inURL {
			continue
		}
		w := words[i]
		lead, core, trail := splitQuotes(w)
		var keep, value string // keep: what stays before the value
		switch k {
		case afterEq:
			name, v, _ := strings.Cut(core, "=")
			keep, value = lead+name+"=", v
		case attached:
			keep, value = lead+core[:2], core[2:]
		default:
			keep, value = lead, core
		}
		vlead, _, vtrail := splitQuotes(value)
		b.WriteString(s[last:spans[i].start])
		b.WriteString(keep + vlead + Placeholder)
		last = spans[i].end
		q := openQuote(lead + vlead)
		if q == 0 {
			b.WriteString(vtrail + trail)
			continue
		}
		// A value that opens a quote runs to the closing quote, in this
		// word or a later one; what follows the quote in that word is
		// kept only when it is closing punctuation.
		if rest := w[len(keep)+len(vlead):]; indexQuote(rest, q) >= 0 {
			b.WriteString(closing(rest[indexQuote(rest, q):]))
			continue
		}
		closed := false
		for j := i + 1; j < len(words) && !closed; j++ {
			if c := indexQuote(words[j], q); c >= 0 {
				b.WriteString(closing(words[j][c:]))
				last, i, closed = spans[j].end, j, true
			}
		}
		if !closed {
			return b.String() // never closed: the rest of s is the value
		}
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// indexQuote returns the index of the first quote q in w, or of the
// backslash that escapes it, or -1.
func indexQuote(w string, q byte) int {
	c := strings.IndexByte(w, q)
	if c > 0 && w[c-1] == '\\' {
		c--
	}
	return c
}

// closing returns the closing quote r starts with (q or \q) and the
// closing punctuation that ends r, if all that follows the quote is such
// punctuation; anything else after the quote belongs to the secret.
func closing(r string) string {
	n := 1
	if r[0] == '\\' {
		n = 2
	}
	after := r[n:]
	if _, core, _ := splitQuotes("x" + after); core == "x" {
		return r
	}
	return r[:n]
}

// mayHoldSecret is a quick test that String has nothing to do when it is
// false: every secret String finds needs a '=' (NAME=value), a '@' (a
// URL's password), a word starting with '-' (an option) or a ':' before
// white space (a header). A byte outside ASCII next to a '-' or ':' may
// be white space, so it counts.
func mayHoldSecret(s string) bool {
	if strings.ContainsAny(s, "=@") {
		return true
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '-':
			if i == 0 || wordStart(s[i-1]) {
				return true
			}
		case ':':
			if i+1 < len(s) && (s[i+1] >= utf8.RuneSelf || unicode.IsSpace(rune(s[i+1]))) {
				return true
			}
		}
	}
	return false
}

// wordStart reports whether a word may start after byte c.
func wordStart(c byte) bool {
	return c >= utf8.RuneSelf || unicode.IsSpace(rune(c)) || c == '\\' || strings.IndexByte(quoteOpen, c) >= 0
}

// openQuote returns the last quote character in lead, or 0.
func openQuote(lead string) byte {
	for i := len(lead) - 1; i >= 0; i-- {
		if c := lead[i]; c == '"' || c == '\'' || c == '`' {
			return c
		}
	}
	return 0
}

// redactURLs replaces the password of every URL in s.
func redactURLs(s string) string {
	rs := userinfoPasswords(s)
	if len(rs) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for _, r := range rs {
		b.WriteString(s[last:r[0]])
		b.WriteString(Placeholder)
		last = r[1]
	}
	b.WriteString(s[last:])
	return b.String()
}
