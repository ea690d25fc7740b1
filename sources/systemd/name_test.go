package systemd

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseName(t *testing.T) {
	long := strings.Repeat("a", maxName-len(".service"))
	tests := []struct {
		name string
		in   string
		want Name
		ok   bool
	}{
		{"plain", "sshd.service", Name{Full: "sshd.service", Prefix: "sshd", Type: "service"}, true},
		{"instance", "wg-quick@wg0.service", Name{Full: "wg-quick@wg0.service", Prefix: "wg-quick", Instance: "wg0", Type: "service"}, true},
		{"template", "wg-quick@.service", Name{Full: "wg-quick@.service", Prefix: "wg-quick", Template: true, Type: "service"}, true},
		{"escaped instance", `systemd-fsck@dev-disk-by\x2duuid-1a2b.service`,
			Name{Full: `systemd-fsck@dev-disk-by\x2duuid-1a2b.service`, Prefix: "systemd-fsck", Instance: `dev-disk-by\x2duuid-1a2b`, Type: "service"}, true},
		{"dots in the prefix", "org.example.app.socket", Name{Full: "org.example.app.socket", Prefix: "org.example.app", Type: "socket"}, true},
		{"colon and underscore", "a:b_c.timer", Name{Full: "a:b_c.timer", Prefix: "a:b_c", Type: "timer"}, true},
		{"root mount", "-.mount", Name{Full: "-.mount", Prefix: "-", Type: "mount"}, true},
		{"device", "dev-sda1.device", Name{Full: "dev-sda1.device", Prefix: "dev-sda1", Type: "device"}, true},
		{"instance of a target", "getty@tty1.target", Name{Full: "getty@tty1.target", Prefix: "getty", Instance: "tty1", Type: "target"}, true},
		{"255 bytes", long + ".service", Name{Full: long + ".service", Prefix: long, Type: "service"}, true},

		{"256 bytes", long + "a.service", Name{}, false},
		{"empty", "", Name{}, false},
		{"no type", "sshd", Name{}, false},
		{"empty type", "sshd.", Name{}, false},
		{"unknown type", "sshd.conf", Name{}, false},
		{"drop-in directory", "sshd.service.d", Name{}, false},
		{"empty prefix", ".service", Name{}, false},
		{"empty prefix before @", "@x.service", Name{}, false},
		// systemd's unit_name_is_valid takes the first '@' and lets the
		// instance hold more; the man page only says a template has a
		// single '@'. Refused here.
		{"two @", "a@b@c.service", Name{}, false},
		{"space", "my app.service", Name{}, false},
		{"slash", "a/b.service", Name{}, false},
		{"specifier", "foo@%i.service", Name{}, false},
		{"non-ASCII", "café.service", Name{}, false},
		{"upper-case type", "sshd.SERVICE", Name{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := ParseName(tc.in)
			if ok != tc.ok {
				t.Fatalf("ParseName(%q) ok = %v, want %v", tc.in, ok, tc.ok)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ParseName(%q) (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

func TestTemplateName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"wg-quick@wg0.service", "wg-quick@.service"},
		{"getty@tty1.target", "getty@.target"},
		{"wg-quick@.service", ""},
		{"sshd.service", ""},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			n, ok := ParseName(tc.in)
			if !ok {
				t.Fatalf("ParseName(%q) failed", tc.in)
			}
			if got := n.TemplateName(); got != tc.want {
				t.Errorf("TemplateName() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestUnescape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"plain", "plain"},
		{"home-ann", "home/ann"},
		{"-", "/"},
		{`dev-disk-by\x2duuid-1a2b`, "dev/disk/by-uuid/1a2b"},
		{`\x41\x42c`, "ABc"},
		{`a\x2fb`, "a/b"},
		{`a\x`, `a\x`},
		{`a\x4`, `a\x4`},
		{`a\xzz`, `a\xzz`},
		{`a\b`, `a\b`},
		{`a\`, `a\`},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := Unescape(tc.in); got != tc.want {
				t.Errorf("Unescape(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestDynamic(t *testing.T) {
	want := map[string]bool{
		"device": true, "mount": true, "automount": true, "swap": true, "scope": true, "slice": true,
		"service": false, "socket": false, "target": false, "path": false, "timer": false,
	}
	if len(want) != len(Types) {
		t.Fatalf("Types = %v: update the test", Types)
	}
	for _, typ := range Types {
		t.Run(typ, func(t *testing.T) {
			n, ok := ParseName("x." + typ)
			if !ok {
				t.Fatalf("x.%s is not a name", typ)
			}
			if got := n.Dynamic(); got != want[typ] {
				t.Errorf("Dynamic() = %v, want %v", got, want[typ])
			}
		})
	}
}

func TestSpecial(t *testing.T) {
	tests := []struct {
		name         string
		system, user bool
	}{
		{"multi-user.target", true, false},
		{"default.target", true, true},
		{"basic.target", true, true},
		{"network-online.target", true, false},
		{"graphical-session.target", false, true},
		{"app.slice", false, true},
		{"dbus.socket", true, true},
		{"systemd-journald.service", true, false},
		{"user@.service", true, false},
		{"runlevel0.target", true, false},
		{"runlevel3.target", true, false},
		{"runlevel6.target", true, false},
		{"runlevel7.target", false, false},
		{"runlevel10.target", false, false},
		{"runlevel.target", false, false},
		{"runlevel3.service", false, false},
		{"sshd.service", false, false},
		{"", false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Special(tc.name, false); got != tc.system {
				t.Errorf("Special(%q, system) = %v, want %v", tc.name, got, tc.system)
			}
			if got := Special(tc.name, true); got != tc.user {
				t.Errorf("Special(%q, user) = %v, want %v", tc.name, got, tc.user)
			}
		})
	}
}
