package systemd

import (
	"path"
	"strings"
)

// Context is what specifiers expand to for one unit.
type Context struct {
	Unit Name
	// User is true for a unit of a user's manager.
	User bool
	// Home is the home directory of the user running the manager (%h):
	// /root for the system's, the user's own for a user's manager
	// (systemd.unit(5): %h is not influenced by User=).
	Home string
	// UserName is the user running the manager (%u): root, or the user.
	UserName string
	// UserHome is the home of the user the unit runs as, which
	// WorkingDirectory=~ names: User='s, from /etc/passwd; "" when it
	// cannot be known.
	UserHome string
}

// Expand expands the specifiers of s (systemd.unit(5), "Specifiers")
// that have one value whatever the machine: %% %n %N %p %P %i %I %j %J
// %f %h %u, and the fixed directories %t %S %C %L %E %T %V of the system
// manager (for a user's manager %C %E below Home, and %T %V). ok is false
// when s holds any other specifier, or one whose value is not known here
// (%i of a template that is not instantiated, %h of an unknown user, %t
// of a user's manager): such a path is not checked.
func (c Context) Expand(s string) (string, bool) {
	if !strings.Contains(s, "%") {
		return s, true
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 >= len(s) {
			return "", false
		}
		i++
		v, ok := c.spec(s[i])
		if !ok {
			return "", false
		}
		b.WriteString(v)
	}
	return b.String(), true
}

func (c Context) spec(x byte) (string, bool) {
	n := c.Unit
	stem := strings.TrimSuffix(n.Full, "."+n.Type)
	instanceKnown := n.Instance != "" || !n.Template
	switch x {
	case '%':
		return "%", true
	case 'n':
		return n.Full, instanceKnown
	case 'N':
		return stem, instanceKnown
	case 'p':
		return n.Prefix, true
	case 'P':
		return Unescape(n.Prefix), true
	case 'i':
		return n.Instance, n.Instance != ""
	case 'I':
		return Unescape(n.Instance), n.Instance != ""
	case 'j':
		return lastDash(n.Prefix), true
	case 'J':
		return Unescape(lastDash(n.Prefix)), true
	case 'f':
		if n.Template {
			return "", false
		}
		p := n.Prefix
		if n.Instance != "" {
			p = n.Instance
		}
		return "/" + strings.TrimPrefix(Unescape(p), "/"), true
	case 'h':
		return c.Home, c.Home != ""
	case 'u':
		return c.UserName, c.UserName != ""
	}
	if c.User {
		if c.Home == "" {
			return "", false
		}
		// %S and %L of a user's manager changed across systemd versions
		// ($XDG_CONFIG_HOME, then $XDG_STATE_HOME): not expanded.
		switch x {
		case 'C':
			return path.Join(c.Home, ".cache"), true
		case 'E':
			return path.Join(c.Home, ".config"), true
		case 'T':
			return "/tmp", true
		case 'V':
			return "/var/tmp", true
		}
		return "", false
	}
	switch x {
	case 't':
		return "/run", true
	case 'S':
		return "/var/lib", true
	case 'C':
		return "/var/cache", true
	case 'L':
		return "/var/log", true
	case 'E':
		return "/etc", true
	case 'T':
		return "/tmp", true
	case 'V':
		return "/var/tmp", true
	}
	return "", false
}

// lastDash is the part of a prefix after its last "-" (%j).
func lastDash(p string) string {
	if i := strings.LastIndexByte(p, '-'); i >= 0 {
		return p[i+1:]
	}
	return p
}
