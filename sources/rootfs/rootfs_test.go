package rootfs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// mkroot builds a host directory tree: entries ending in "/" are
// directories, "->" makes a symlink, anything else a file holding "x".
func mkroot(t *testing.T, entries ...string) string {
	t.Helper()
	root := t.TempDir()
	mkentries(t, root, entries...)
	return root
}

func mkentries(t *testing.T, root string, entries ...string) {
	t.Helper()
	for _, e := range entries {
		if name, target, ok := strings.Cut(e, " -> "); ok {
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
		"home/bin/danglingdir -> /opt/nowhere",
		"home/bin/file-then-dotdot -> /opt/app/bin/tool/../tool",
	)
	fsys := RootFS{Dir: root}
	for _, tc := range []struct {
		in, want string
		err      error  // errors.Is target, nil for success
		link     string // the ResolveError's Link
	}{
		{in: "/home/bin/abs", want: "/opt/app/bin/tool"},
		{in: "/home/bin/rel", want: "/opt/app/bin/tool"},
		// .. never climbs above the root: the target re-roots at
		// /etc/passwd, and the root has no /etc.
		{in: "/home/bin/escape", err: fs.ErrNotExist, link: "/home/bin/escape"},
		{in: "/home/bin/absdir/bin/tool", want: "/opt/app/bin/tool"},
		{in: "/../../usr/bin/python3", want: "/usr/bin/python3"},
		{in: "/home/bin/missing", want: "/home/bin/missing"},
		{in: "/home/bin/danglingdir", want: "/opt/nowhere"},
		// A missing component before the last: the path does not exist.
		{in: "/home/bin/missing/deeper", err: fs.ErrNotExist},
		{in: "/home/bin/dangling", err: fs.ErrNotExist, link: "/home/bin/dangling"},
		{in: "/home/bin/danglingdir/x", err: fs.ErrNotExist, link: "/home/bin/danglingdir"},
		{in: "/opt/app/bin/tool/x", err: errNotDir},
		{in: "/home/bin/file-then-dotdot", err: errNotDir, link: "/home/bin/file-then-dotdot"},
		{in: "/home/bin/loop1", err: ErrLinkLoop},
	} {
		got, err := Resolve(fsys, tc.in)
		if tc.err == nil {
			if err != nil || got != tc.want {
				t.Errorf("Resolve(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
			continue
		}
		var re *ResolveError
		if !errors.Is(err, tc.err) || !errors.As(err, &re) {
			t.Errorf("Resolve(%q) = %q, %v; want a *ResolveError matching %v", tc.in, got, err, tc.err)
			continue
		}
		if re.Link != tc.link && tc.err != ErrLinkLoop {
			t.Errorf("Resolve(%q): Link = %q, want %q", tc.in, re.Link, tc.link)
		}
	}
	// The host's /etc/passwd must not be readable through the escape link.
	if _, err := fsys.ReadFile("/home/bin/escape", MaxYAML); err == nil {
		t.Error("ReadFile followed a symlink out of the root")
	}
	if data, err := fsys.ReadFile("/home/bin/absdir/bin/tool", MaxYAML); err != nil || string(data) != "x" {
		t.Errorf("ReadFile through a re-rooted dir link = %q, %v", data, err)
	}
}

// errNotDir matches syscall.ENOTDIR without naming syscall in the table.
var errNotDir = func() error {
	_, err := os.ReadDir("/dev/null")
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}()

// TestResolveNeverJoinsTheRestAsText is the reproduction of issue 7: a
// link whose target goes through a missing component and then "..",
// and a later component that is an absolute symlink to a host directory.
// Joining the rest as text made the host kernel follow that symlink out
// of the root.
func TestResolveNeverJoinsTheRestAsText(t *testing.T) {
	base := t.TempDir()
	outside := filepath.Join(base, "outside")
	mkentries(t, outside, "payload.plist")
	must(t, os.WriteFile(filepath.Join(outside, "payload.plist"), []byte("HOST SECRET"), 0o644))
	root := filepath.Join(base, "root")
	mkentries(t, root,
		"LaunchAgents/esc.plist -> nx/../evil/payload.plist",
		"LaunchAgents/evil -> "+outside,
		"LaunchAgents/escdir -> nx/../evil",
	)
	fsys := RootFS{Dir: root}
	if p, err := Resolve(fsys, "/LaunchAgents/esc.plist"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Resolve = %q, %v; want an error: nx does not exist", p, err)
	}
	if data, err := fsys.ReadFile("/LaunchAgents/esc.plist", MaxPlist); err == nil {
		t.Errorf("ReadFile read %q from outside the root", data)
	}
	if entries, err := fsys.ReadDir("/LaunchAgents/escdir"); err == nil {
		t.Errorf("ReadDir listed %d entries from outside the root", len(entries))
	}
	if fi, err := fsys.Lstat("/LaunchAgents/escdir/payload.plist"); err == nil {
		t.Errorf("Lstat found %s outside the root", fi.Name())
	}
}

func TestResolveLinkLimit(t *testing.T) {
	// A chain of exactly MaxLinks links resolves; one more does not.
	var entries []string
	for i := range MaxLinks + 1 {
		entries = append(entries, fmt.Sprintf("l%d -> l%d", i, i+1))
	}
	root := mkroot(t, append(entries, fmt.Sprintf("l%d", MaxLinks+1))...)
	fsys := RootFS{Dir: root}
	if got, err := Resolve(fsys, "/l1"); err != nil || got != fmt.Sprintf("/l%d", MaxLinks+1) {
		t.Errorf("a chain of %d links: %q, %v", MaxLinks, got, err)
	}
	if _, err := Resolve(fsys, "/l0"); !errors.Is(err, ErrLinkLoop) {
		t.Errorf("a chain of %d links: err = %v, want ErrLinkLoop", MaxLinks+1, err)
	}
}

func TestDangling(t *testing.T) {
	root := mkroot(t,
		"Users/bert/dotfiles/LaunchAgents/",
		"Users/bert/dotfiles/empty/",
		"Users/bert/Library/LaunchAgents -> /Users/bert/dotfiles/LaunchAgents",
		"Users/bert/Library/Gone -> /Volumes/backup/LaunchAgents",
		"Users/bert/Library/GoneLast -> /Users/bert/dotfiles/empty/LaunchAgents",
		"Users/bert/Through -> /Volumes/backup",
		"Users/bert/Real/",
	)
	fsys := RootFS{Dir: root}
	for _, tc := range []struct {
		in, link, target string
		ok               bool
	}{
		{in: "/Users/bert/Library/LaunchAgents"},          // resolves
		{in: "/Users/bert/Library/Missing"},               // simply absent
		{in: "/Users/bert/Real/x/y"},                      // simply absent
		{in: "/Users/bert/dotfiles/LaunchAgents/missing"}, // simply absent
		{in: "/Users/bert/Library/LaunchAgents/missing"},  // absent inside a resolved link
		{in: "/Users/bert/Library/Gone", link: "/Users/bert/Library/Gone", target: "/Volumes/backup/LaunchAgents", ok: true},
		{in: "/Users/bert/Library/GoneLast", link: "/Users/bert/Library/GoneLast", target: "/Users/bert/dotfiles/empty/LaunchAgents", ok: true},
		{in: "/Users/bert/Through/LaunchAgents", link: "/Users/bert/Through", target: "/Volumes/backup", ok: true},
	} {
		link, target, ok := Dangling(fsys, tc.in)
		if link != tc.link || target != tc.target || ok != tc.ok {
			t.Errorf("Dangling(%q) = %q, %q, %v; want %q, %q, %v", tc.in, link, target, ok, tc.link, tc.target, tc.ok)
		}
	}
}

// TestReadFileCap: a file of exactly the cap is read, one byte more is a
// *TooLargeError naming the cap; a large sparse file is refused from its
// size, without reading it.
func TestReadFileCap(t *testing.T) {
	root := t.TempDir()
	must(t, os.WriteFile(filepath.Join(root, "exact"), []byte("12345678"), 0o644))
	must(t, os.WriteFile(filepath.Join(root, "over"), []byte("123456789"), 0o644))
	f, err := os.Create(filepath.Join(root, "sparse.plist"))
	must(t, err)
	must(t, f.Truncate(500<<20))
	must(t, f.Close())
	fsys := RootFS{Dir: root}
	if data, err := fsys.ReadFile("/exact", 8); err != nil || string(data) != "12345678" {
		t.Errorf("a file of exactly the cap: %q, %v", data, err)
	}
	var tl *TooLargeError
	if _, err := fsys.ReadFile("/over", 8); !errors.As(err, &tl) || tl.Max != 8 {
		t.Errorf("a file over the cap: err = %v, want a TooLargeError", err)
	}
	_, err = fsys.ReadFile("/sparse.plist", MaxPlist)
	if got, want := Describe(err), "larger than 16 MiB; driftmap reads at most 16 MiB of a file of this kind"; got != want {
		t.Errorf("a 500 MB sparse plist: %q, want %q", got, want)
	}
	if _, err := ReadHostFile(filepath.Join(root, "over"), 8); !errors.As(err, &tl) {
		t.Errorf("ReadHostFile over the cap: err = %v, want a TooLargeError", err)
	}
	if data, err := ReadHostFile(filepath.Join(root, "exact"), 8); err != nil || string(data) != "12345678" {
		t.Errorf("ReadHostFile of exactly the cap: %q, %v", data, err)
	}
}

func TestReadDirSorted(t *testing.T) {
	root := mkroot(t, "d/b", "d/a", "d/c/", "f")
	for _, list := range []func() ([]fs.DirEntry, error){
		func() ([]fs.DirEntry, error) { return RootFS{Dir: root}.ReadDir("/d") },
		func() ([]fs.DirEntry, error) { return ReadHostDir(filepath.Join(root, "d")) },
	} {
		entries, err := list()
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		if err != nil || strings.Join(names, " ") != "a b c" {
			t.Errorf("ReadDir = %v, %v", names, err)
		}
	}
	if _, err := (RootFS{Dir: root}).ReadDir("/f"); !IsNotExist(err) || !errors.Is(err, errNotDir) {
		t.Errorf("ReadDir of a file: err = %v, want ENOTDIR", err)
	}
}

func TestDescribe(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&fs.PathError{Op: "open", Path: "/x", Err: fs.ErrPermission}, "cannot be read (permission denied)"},
		{&fs.PathError{Op: "read", Path: "/x", Err: &NotRegularError{Mode: fs.ModeNamedPipe}}, "not a regular file (a FIFO)"},
		{&fs.PathError{Op: "read", Path: "/x", Err: &NotRegularError{Mode: fs.ModeDevice | fs.ModeCharDevice}}, "not a regular file (a character device)"},
		{&fs.PathError{Op: "read", Path: "/x", Err: &TooLargeError{Max: 4 << 20}}, "larger than 4 MiB; driftmap reads at most 4 MiB of a file of this kind"},
		{&ResolveError{Path: "/x", Err: ErrLinkLoop}, "cannot be read (too many levels of symbolic links)"},
		{errors.New("input/output error"), "cannot be read (input/output error)"},
	} {
		if got := Describe(tc.err); got != tc.want {
			t.Errorf("Describe(%v) = %q, want %q", tc.err, got, tc.want)
		}
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
