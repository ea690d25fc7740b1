package systemd

import (
	"testing"
)

// mustName parses a unit name that the test knows to be valid.
func mustName(t testing.TB, s string) Name {
	t.Helper()
	n, ok := ParseName(s)
	if !ok {
		t.Fatalf("ParseName(%q) failed", s)
	}
	return n
}

func TestExpand(t *testing.T) {
	inst := mustName(t, `foo-b\x2dar@inst-x.service`)
	sys := Context{Unit: inst, Home: "/root", UserName: "root"}
	user := Context{Unit: inst, User: true, Home: "/home/ann", UserName: "ann"}
	noHome := Context{Unit: inst}
	userNoHome := Context{Unit: inst, User: true}
	tmpl := Context{Unit: mustName(t, "foo@.service"), Home: "/root", UserName: "root"}
	plain := Context{Unit: mustName(t, "sshd.service"), Home: "/root", UserName: "root"}
	mount := Context{Unit: mustName(t, "home-ann-data.mount")}
	root := Context{Unit: mustName(t, "-.mount")}

	tests := []struct {
		name string
		c    Context
		in   string
		want string
		ok   bool
	}{
		{"no specifier", sys, "/usr/bin/x", "/usr/bin/x", true},
		{"empty", sys, "", "", true},
		{"%%", sys, "100%%", "100%", true},
		{"%% then a letter", sys, "%%i", "%i", true},
		{"%n", sys, "%n", `foo-b\x2dar@inst-x.service`, true},
		{"%N", sys, "%N", `foo-b\x2dar@inst-x`, true},
		{"%p", sys, "%p", `foo-b\x2dar`, true},
		{"%P", sys, "%P", "foo/b-ar", true},
		{"%i", sys, "%i", "inst-x", true},
		{"%I", sys, "%I", "inst/x", true},
		{"%j", sys, "%j", `b\x2dar`, true},
		{"%J", sys, "%J", "b-ar", true},
		{"%f of an instance", sys, "%f", "/inst/x", true},
		{"%f of a plain unit", plain, "%f", "/sshd", true},
		{"%f of a mount", mount, "%f", "/home/ann/data", true},
		{"%f of the root mount", root, "%f", "/", true},
		{"%j without a dash", plain, "%j", "sshd", true},
		{"%p of a plain unit", plain, "%p", "sshd", true},
		{"%N of a plain unit", plain, "%N", "sshd", true},
		{"several", sys, "/var/lib/%p/%i.conf", `/var/lib/foo-b\x2dar/inst-x.conf`, true},

		{"%h system", sys, "%h/.ssh", "/root/.ssh", true},
		{"%h user", user, "%h/.ssh", "/home/ann/.ssh", true},
		{"%h unknown", noHome, "%h/.ssh", "", false},
		{"%u system", sys, "%u", "root", true},
		{"%u user", user, "%u", "ann", true},
		{"%u unknown", noHome, "%u", "", false},

		{"%t system", sys, "%t/x.sock", "/run/x.sock", true},
		{"%S system", sys, "%S", "/var/lib", true},
		{"%C system", sys, "%C", "/var/cache", true},
		{"%L system", sys, "%L", "/var/log", true},
		{"%E system", sys, "%E", "/etc", true},
		{"%T system", sys, "%T", "/tmp", true},
		{"%V system", sys, "%V", "/var/tmp", true},
		{"system dirs need no home", noHome, "%t %S %C %L %E %T %V", "/run /var/lib /var/cache /var/log /etc /tmp /var/tmp", true},

		{"%t user is not known", user, "%t/x.sock", "", false},
		{"%S user: changed across versions, not expanded", user, "%S", "", false},
		{"%C user", user, "%C", "/home/ann/.cache", true},
		{"%L user: changed across versions, not expanded", user, "%L", "", false},
		{"%E user", user, "%E", "/home/ann/.config", true},
		{"%T user", user, "%T", "/tmp", true},
		{"%V user", user, "%V", "/var/tmp", true},
		{"%S user without a home", userNoHome, "%S", "", false},
		// %T and %V do not depend on the home, but a user context
		// without one expands neither.
		{"%T user without a home", userNoHome, "%T", "", false},

		{"template: %i", tmpl, "%i", "", false},
		{"template: %I", tmpl, "/etc/%I.conf", "", false},
		{"template: %n", tmpl, "%n", "", false},
		{"template: %N", tmpl, "%N", "", false},
		{"template: %f", tmpl, "%f", "", false},
		{"template: %p is known", tmpl, "%p", "foo", true},
		{"template: %j is known", tmpl, "%j", "foo", true},
		// systemd.unit(5): %i is "Empty for non-instantiated units"; it
		// is not expanded here.
		{"plain unit: %i", plain, "%i", "", false},

		{"unknown specifier", sys, "/x/%Z", "", false},
		{"a specifier systemd has but not here", sys, "%H", "", false},
		{"%a", sys, "%a", "", false},
		{"trailing lone %", sys, "/x/100%", "", false},
		{"lone %", sys, "%", "", false},
		{"% before a non-letter", sys, "%-x", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := tc.c.Expand(tc.in)
			if ok != tc.ok || got != tc.want {
				t.Errorf("Expand(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
}
