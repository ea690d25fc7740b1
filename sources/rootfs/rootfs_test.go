package rootfs

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// mkroot builds a host directory tree: entries ending in "/" are
// directories, "->" makes a symlink, anything else a file.
func mkroot(t *testing.T, entries ...string) string {
	t.Helper()
	root := t.TempDir()
	for _, e := range entries {
		if name, target, ok := cut(e, " -> "); ok {
			p := filepath.Join(root, name)
			must(t, os.MkdirAll(filepath.Dir(p), 0o755))
			must(t, os.Symlink(target, p))
			continue
		}
		p := filepath.Join(root, e)
		if e[len(e)-1] == '/' {
			must(t, os.MkdirAll(p, 0o755))
			continue
		}
		must(t, os.MkdirAll(filepath.Dir(p), 0o755))
		must(t, os.WriteFile(p, []byte("x"), 0o644))
	}
	return root
}

func cut(s, sep string) (string, string, bool) {
	for i := 0; i+len(sep) <= len(s); i++ {
		if s[i:i+len(sep)] == sep {
			return s[:i], s[i+len(sep):], true
		}
	}
	return s, "", false
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestResolveStaysInsideRoot(t *testing.T) {
	root := mkroot(t,
		"opt/app/bin/tool",
		"usr/bin/python3",
		"home/bin/abs -> /opt/app/bin/tool",
		"home/bin/rel -> ../../opt/app/bin/tool",
		"home/bin/escape -> ../../../../../../etc/passwd",
		"home/bin/absdir -> /opt/app",
		"home/bin/loop1 -> loop2",
		"home/bin/loop2 -> loop1",
		"home/bin/dangling -> /nowhere/tool",
	)
	fsys := RootFS{Dir: root}
	for _, tc := range []struct {
		in, want string
		loop     bool
	}{
		{"/home/bin/abs", "/opt/app/bin/tool", false},
		{"/home/bin/rel", "/opt/app/bin/tool", false},
		// .. never climbs above the root: the target re-roots at /etc/passwd.
		{"/home/bin/escape", "/etc/passwd", false},
		{"/home/bin/absdir/bin/tool", "/opt/app/bin/tool", false},
		{"/../../usr/bin/python3", "/usr/bin/python3", false},
		{"/home/bin/dangling", "/nowhere/tool", false},
		{"/home/bin/missing/deeper", "/home/bin/missing/deeper", false},
		{"/home/bin/loop1", "", true},
	} {
		got, err := Resolve(fsys, tc.in)
		if tc.loop {
			if !errors.Is(err, ErrLinkLoop) {
				t.Errorf("Resolve(%q) err = %v, want a link loop", tc.in, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("Resolve(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	// The host's /etc/passwd must not be readable through the escape link.
	if _, err := fsys.ReadFile("/home/bin/escape"); err == nil {
		t.Error("ReadFile followed a symlink out of the root")
	}
	if data, err := fsys.ReadFile("/home/bin/absdir/bin/tool"); err != nil || string(data) != "x" {
		t.Errorf("ReadFile through a re-rooted dir link = %q, %v", data, err)
	}
}

func TestExpand(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"~/bin/x", "/Users/bert/bin/x", true},
		{"~", "/Users/bert", true},
		{"$HOME/bin/x", "/Users/bert/bin/x", true},
		{"${HOME}/bin/x", "/Users/bert/bin/x", true},
		{"/opt/$HOME", "/opt//Users/bert", true},
		{"$HOMEBREW_PREFIX/bin/x", "$HOMEBREW_PREFIX/bin/x", false},
		{"~other/x", "~other/x", true},
		{"$(pwd)/x", "$(pwd)/x", false},
		{"/usr/bin/python3", "/usr/bin/python3", true},
	} {
		got, ok := Expand(tc.in, "/Users/bert")
		if got != tc.want || ok != tc.ok {
			t.Errorf("Expand(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
