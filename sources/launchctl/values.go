package launchctl

import (
	"strconv"
	"strings"
)

// oldDomainPrefix starts the domain names of launchctl before macOS
// 10.11: com.apple.xpc.launchd.domain.system, ...domain.user.501.
const oldDomainPrefix = "com.apple.xpc.launchd.domain."

// domainName returns the domain written as driftmap writes it
// ("gui/501", "user/501", "system") from a target or a `domain =` value
// ("gui/501 [100003]" with its session id, the old
// "com.apple.xpc.launchd.domain.user.501"), and false for any other
// domain (pid/123, login/...), which driftmap leaves unknown.
func domainName(v string) (string, bool) {
	v, _, _ = strings.Cut(strings.TrimSpace(v), " ")
	if rest, ok := strings.CutPrefix(v, oldDomainPrefix); ok {
		v = strings.Replace(rest, ".", "/", 1)
	}
	if v == "system" {
		return v, true
	}
	kind, uid, ok := strings.Cut(v, "/")
	if ok && (kind == "gui" || kind == "user") && isUID(uid) {
		return v, true
	}
	return "", false
}

// validDomain reports whether d is a domain as driftmap writes it.
func validDomain(d string) bool {
	n, ok := domainName(d)
	return ok && n == d
}

// isUID reports whether s is a user id as launchctl prints one: decimal
// digits, no sign, no leading zero, at most 10 digits.
func isUID(s string) bool {
	if s == "" || len(s) > 10 || s[0] == '0' && len(s) > 1 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isDomainTarget reports whether a header names a domain rather than a
// service: system, gui/501, user/501, login/100003, pid/123, or an old
// com.apple.xpc.launchd.domain.* name. The domain is returned when
// driftmap writes it (gui, user, system), else nil.
func isDomainTarget(target string) (*string, bool) {
	if d, ok := domainName(target); ok {
		return &d, true
	}
	if strings.HasPrefix(target, oldDomainPrefix) {
		return nil, true
	}
	kind, id, ok := strings.Cut(target, "/")
	if ok && isUID(id) && (kind == "login" || kind == "pid" || kind == "session") {
		return nil, true
	}
	return nil, false
}

// serviceTarget splits a service print's header target into its domain
// and label: gui/501/LABEL, user/501/LABEL, system/LABEL, pid/123/LABEL
// (whose domain driftmap leaves unknown), or a bare LABEL (old headers:
// the domain comes from the block's `domain =` line).
func serviceTarget(target string) (domain *string, fromHeader bool, label string) {
	if rest, ok := strings.CutPrefix(target, "system/"); ok && rest != "" {
		d := "system"
		return &d, true, rest
	}
	kind, rest, _ := strings.Cut(target, "/")
	id, label, ok := strings.Cut(rest, "/")
	if ok && label != "" && isUID(id) {
		switch kind {
		case "gui", "user":
			d := kind + "/" + id
			return &d, true, label
		case "pid", "login", "session":
			return nil, true, label
		}
	}
	return nil, false, target
}

// cutComment drops a poster's annotation after a value: "640
// #<<---- note" is "640". Only values that never hold " #" are cut
// (numbers, states); paths and arguments are kept whole.
func cutComment(v string) string {
	v, _, _ = strings.Cut(v, " #")
	v, _, _ = strings.Cut(v, "\t#")
	return strings.TrimSpace(v)
}

// leadingInt parses the integer a value starts with, as in "78", "-9",
// "0: Undefined error: 0" or "1 #note": an optional minus sign and at
// most 10 digits, then the end, a colon or white space; false for
// "(never exited)" or anything else.
func leadingInt(v string) (int, bool) {
	i := 0
	if strings.HasPrefix(v, "-") {
		i = 1
	}
	j := i
	for j < len(v) && j-i <= 10 && v[j] >= '0' && v[j] <= '9' {
		j++
	}
	if j == i || j-i > 10 {
		return 0, false
	}
	if j < len(v) && v[j] != ':' && v[j] != ' ' && v[j] != '\t' {
		return 0, false
	}
	n, err := strconv.ParseInt(v[:j], 10, 32)
	if err != nil {
		return 0, false
	}
	return int(n), true
}

// pidValue parses a process id: a positive integer ("0" and "-" mean no
// process).
func pidValue(v string) (*int, bool) {
	if v == "-" || v == "0" {
		return nil, true
	}
	n, ok := exactInt(v)
	if !ok || n <= 0 {
		return nil, false
	}
	return &n, true
}

// exactInt parses v when it is exactly an integer that fits 32 bits:
// an optional minus sign and decimal digits.
func exactInt(v string) (int, bool) {
	n, ok := leadingInt(v)
	return n, ok && !strings.ContainsAny(v, ": \t")
}

// signalValue parses a `last terminating signal` value, "Terminated:
// 15" or "15", and returns the signal's number.
func signalValue(v string) (int, bool) {
	if i := strings.LastIndex(v, ":"); i >= 0 {
		v = v[i+1:]
	}
	n, ok := leadingInt(strings.TrimSpace(v))
	return n, ok && n > 0 && n < 128
}

// exitFromWaitStatus decodes a raw wait(2) status as `launchctl list
// LABEL` prints LastExitStatus: an exit code (W_EXITSTATUS, 19968 is
// exit 78), or a negative signal number when the job was signalled
// (W_TERMSIG: 15 is -15), as launchctl prints it elsewhere. A stopped
// status or a value out of range is not an exit: false.
func exitFromWaitStatus(w int) (int, bool) {
	if w < 0 || w > 0xffff {
		return 0, false
	}
	switch sig := w & 0x7f; sig {
	case 0:
		return (w >> 8) & 0xff, true
	case 0x7f:
		return 0, false
	default:
		return -sig, true
	}
}

// statusValue parses the status column of a list row or a domain's
// services row: an integer, "-" (none), or a parenthesised word such as
// "(pe)", kept as text.
func statusValue(v string) (status *int, text string, ok bool) {
	switch {
	case v == "-":
		return nil, "", true
	case len(v) > 2 && v[0] == '(' && v[len(v)-1] == ')' && !strings.ContainsAny(v[1:len(v)-1], "()"):
		return nil, v, true
	}
	n, ok := exactInt(v)
	if !ok {
		return nil, "", false
	}
	return &n, "", true
}

// isElision reports whether a line is a poster's elision rather than
// output: "...", "....", "…", "[…]", "[...]" or "... # there is more".
func isElision(t string) bool {
	if strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]") {
		t = t[1 : len(t)-1]
	}
	return strings.HasPrefix(t, "...") || strings.HasPrefix(t, "…")
}

// properties splits a properties line at " | ".
func properties(v string) []string {
	out := []string{}
	for p := range strings.SplitSeq(v, " | ") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
