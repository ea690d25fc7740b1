package systemd

import (
	"slices"
	"strconv"
	"strings"
)

// Types lists the unit types, by suffix.
var Types = []string{"service", "socket", "device", "mount", "automount", "swap", "target", "path", "timer", "slice", "scope"}

// Name is a unit name taken apart: "foo@bar.service" is prefix "foo",
// instance "bar", type "service"; "foo@.service" is a template (Template
// true, Instance ""); "foo.service" has neither.
type Name struct {
	Full     string
	Prefix   string
	Instance string
	Template bool
	Type     string
}

// maxName is systemd's UNIT_NAME_MAX.
const maxName = 255

// ParseName takes a unit name apart; ok is false when it is not a valid
// unit name (unknown type, bad characters, too long, an '@' in the wrong
// place).
func ParseName(s string) (Name, bool) {
	if s == "" || len(s) > maxName {
		return Name{}, false
	}
	dot := strings.LastIndexByte(s, '.')
	if dot <= 0 {
		return Name{}, false
	}
	typ := s[dot+1:]
	if !slices.Contains(Types, typ) {
		return Name{}, false
	}
	stem := s[:dot]
	for i := 0; i < len(stem); i++ {
		c := stem[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(":-_.\\@", c) >= 0) {
			return Name{}, false
		}
	}
	n := Name{Full: s, Type: typ, Prefix: stem}
	if at := strings.IndexByte(stem, '@'); at >= 0 {
		if at == 0 || strings.IndexByte(stem[at+1:], '@') >= 0 {
			return Name{}, false
		}
		n.Prefix, n.Instance = stem[:at], stem[at+1:]
		n.Template = n.Instance == ""
	}
	return n, true
}

// TemplateName is the template an instance is made from
// ("foo@bar.service" -> "foo@.service"), or "" when n is no instance.
func (n Name) TemplateName() string {
	if n.Instance == "" {
		return ""
	}
	return n.Prefix + "@." + n.Type
}

// Unescape undoes systemd's unit name escaping (systemd-escape(1)):
// "-" is "/", "\xNN" is the byte NN.
func Unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '-':
			b.WriteByte('/')
		case c == '\\' && i+3 < len(s) && s[i+1] == 'x':
			if v, err := strconv.ParseUint(s[i+2:i+4], 16, 8); err == nil {
				b.WriteByte(byte(v))
				i += 3
				continue
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Dynamic reports whether units of this type are made by systemd at run
// time from the state of the machine (devices, mounts, swaps, scopes,
// slices) rather than read from a unit file: a dependency on one is
// never checked against the files.
func (n Name) Dynamic() bool {
	switch n.Type {
	case "device", "mount", "automount", "swap", "scope", "slice":
		return true
	}
	return false
}

// Special reports whether systemd defines the unit itself
// (systemd.special(7)), for the system manager or, when user is true,
// for a user's manager: a dependency on it is always satisfied.
func Special(name string, user bool) bool {
	if user {
		return userSpecial[name]
	}
	if systemSpecial[name] {
		return true
	}
	// runlevelN.target for N in 0..6.
	if r, ok := strings.CutPrefix(name, "runlevel"); ok && len(r) == len("0.target") && r[0] >= '0' && r[0] <= '6' && r[1:] == ".target" {
		return true
	}
	return false
}

var systemSpecial = set(
	"basic.target", "blockdev@.target", "bluetooth.target", "boot-complete.target",
	"cryptsetup-pre.target", "cryptsetup.target", "ctrl-alt-del.target", "dbus.service",
	"dbus.socket", "default.target", "display-manager.service", "emergency.target",
	"exit.target", "factory-reset.target", "final.target", "first-boot-complete.target",
	"getty-pre.target", "getty.target", "graphical.target", "halt.target", "hibernate.target",
	"hybrid-sleep.target", "init.scope", "initrd-fs.target", "initrd-root-device.target",
	"initrd-root-fs.target", "initrd-usr-fs.target", "initrd.target", "integritysetup-pre.target",
	"integritysetup.target", "kbrequest.target", "kexec.target", "local-fs-pre.target",
	"local-fs.target", "machines.target", "multi-user.target", "network-online.target",
	"network-pre.target", "network.target", "nss-lookup.target", "nss-user-lookup.target",
	"paths.target", "poweroff.target", "printer.target", "reboot.target", "remote-cryptsetup.target",
	"remote-fs-pre.target", "remote-fs.target", "remote-veritysetup.target", "rescue.target",
	"rpcbind.target", "shutdown.target", "sigpwr.target", "sleep.target", "slices.target",
	"smartcard.target", "sockets.target", "soft-reboot.target", "sound.target", "storage-target-mode.target",
	"suspend-then-hibernate.target", "suspend.target", "swap.target", "sysinit.target",
	"syslog.socket", "system-update-cleanup.service",
	// syslog.socket starts syslog.service, which a syslog daemon
	// provides as an alias when one is installed (systemd.special(7)).
	"syslog.service", "system-update-pre.target",
	"system-update.target", "time-set.target", "time-sync.target", "timers.target",
	"tpm2.target", "umount.target", "usb-gadget.target", "veritysetup-pre.target",
	"veritysetup.target",
	// systemd's own services, present wherever systemd is.
	"systemd-journald.service", "systemd-journald.socket", "systemd-udevd.service",
	"systemd-logind.service", "systemd-networkd.service", "systemd-resolved.service",
	"systemd-timesyncd.service", "systemd-networkd-wait-online.service", "user@.service",
	"systemd-tmpfiles-setup.service", "systemd-remount-fs.service", "systemd-modules-load.service",
	"systemd-sysctl.service", "systemd-user-sessions.service", "systemd-random-seed.service",
)

var userSpecial = set(
	"app.slice", "background.slice", "basic.target", "bluetooth.target", "default.target",
	"exit.target", "graphical-session-pre.target", "graphical-session.target", "paths.target",
	"printer.target", "session.slice", "shutdown.target", "smartcard.target", "sockets.target",
	"sound.target", "timers.target", "xdg-desktop-autostart.target",
	"dbus.service", "dbus.socket",
)

func set(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}
