package rootfs

import "strings"

// HomeRelative returns s with every occurrence of the home directory
// home that stands as a whole path written as with: home itself, or home
// followed by "/". An occurrence counts where it starts s or follows a
// byte that cannot end a path name component (such as "=", ":", a quote
// or white space), and ends s or is followed by "/" or such a byte; so
// /Users/bert in "--dir=/Users/bert/x" counts, and neither in
// /Users/bertha nor in /srv/Users/bert. A home of "" or "/" changes
// nothing.
//
// It is the inverse of Expand's ~ for comparing machines: two users'
// copies of one job, one under /Users/bert and one under /Users/anna,
// are equal once each is written relative to its own home.
func HomeRelative(s, home, with string) string {
	home = strings.TrimSuffix(home, "/")
	if home == "" || !strings.Contains(s, home) {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, home)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		end := i + len(home)
		if (i == 0 || !isPathByte(s[i-1])) && (end == len(s) || s[end] == '/' || !isPathByte(s[end])) {
			b.WriteString(s[:i])
			b.WriteString(with)
		} else {
			b.WriteString(s[:end])
		}
		s = s[end:]
	}
}

// isPathByte reports whether c may be part of a path name component, or
// its separator, as HomeRelative reads one: not white space, a quote or
// one of = : ; , ( ) [ ] { } < > | & $ `.
func isPathByte(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', '\f', '\v', '"', '\'', '=', ':', ';', ',', '(', ')', '[', ']', '{', '}', '<', '>', '|', '&', '$', '`':
		return false
	}
	return true
}
