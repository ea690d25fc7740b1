package rootfs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// overlayRoot is the tree the overlay tests start from.
func overlayRoot(t *testing.T) string {
	root := mkroot(t,
		"etc/app.conf",
		"home/bin/tool",
		"home/bin/old.plist",
		"home/logs/",
		"home/link-to-conf -> /etc/app.conf",
		"home/link-to-new -> ../srv/new.yaml",
		"home/link-to-old -> bin/old.plist",
		"home/linkdir -> /srv",
		"home/dangling -> /nowhere",
		"srv/",
	)
	must(t, os.WriteFile(filepath.Join(root, "home/bin/big"), []byte(strings.Repeat("b", 100)), 0o644))
	return root
}

// describe renders what an FS says about p, for comparisons: the
// answers of Lstat, Readlink, ReadFile and ReadDir, errors as their errno.
func describe(fsys FS, p string) string {
	var b strings.Builder
	if fi, err := fsys.Lstat(p); err != nil {
		fmt.Fprintf(&b, "lstat: %s; ", errClass(err))
	} else {
		fmt.Fprintf(&b, "lstat: %s %v", fi.Name(), fi.Mode())
		if fi.Mode().IsRegular() {
			fmt.Fprintf(&b, " %d", fi.Size())
		}
		b.WriteString("; ")
	}
	if t, err := fsys.Readlink(p); err != nil {
		fmt.Fprintf(&b, "readlink: %s; ", errClass(err))
	} else {
		fmt.Fprintf(&b, "readlink: %s; ", t)
	}
	if data, err := fsys.ReadFile(p, 64); err != nil {
		fmt.Fprintf(&b, "read: %s; ", errClass(err))
	} else {
		fmt.Fprintf(&b, "read: %q; ", data)
	}
	if entries, err := fsys.ReadDir(p); err != nil {
		fmt.Fprintf(&b, "readdir: %s", errClass(err))
	} else {
		b.WriteString("readdir:")
		for _, e := range entries {
			fmt.Fprintf(&b, " %s(%v)", e.Name(), e.Type())
		}
	}
	return b.String()
}

// errClass names the kind of an error: its errno, or what refused it.
func errClass(err error) string {
	var tl *TooLargeError
	var nr *NotRegularError
	switch {
	case errors.As(err, &tl):
		return "too large"
	case errors.As(err, &nr):
		return "not regular: " + FileKind(nr.Mode)
	case errors.Is(err, ErrLinkLoop):
		return "loop"
	case errors.Is(err, syscall.ENOTDIR):
		return "ENOTDIR"
	case errors.Is(err, fs.ErrNotExist):
		return "ENOENT"
	case errors.Is(err, syscall.EINVAL):
		return "EINVAL"
	}
	return "other: " + err.Error()
}

func TestOverlayUntouchedIsTheBase(t *testing.T) {
	root := overlayRoot(t)
	base := RootFS{Dir: root}
	o := NewOverlay(base)
	// An op elsewhere in the tree: everything it does not reach reads
	// exactly as the base, errors included.
	must(t, o.Mkdir("/srv/sub", 0o755))
	for _, p := range []string{"/", "/etc", "/etc/app.conf", "/home/bin/tool", "/home/bin/big", "/home/link-to-conf",
		"/home/dangling", "/home/dangling/x", "/home/bin/tool/x", "/nowhere", "/home/logs", "/home/link-to-old"} {
		want, got := describe(base, p), describe(o, p)
		if got != want {
			t.Errorf("%s:\noverlay %s\nbase    %s", p, got, want)
		}
		// The very same errors, not just the same kind.
		_, err1 := base.ReadFile(p, 64)
		_, err2 := o.ReadFile(p, 64)
		if fmt.Sprint(err1) != fmt.Sprint(err2) {
			t.Errorf("%s: ReadFile error %v, base %v", p, err2, err1)
		}
	}
}

func TestOverlayOps(t *testing.T) {
	root := overlayRoot(t)
	base := RootFS{Dir: root}
	o := NewOverlay(base)
	must(t, o.Mkdir("/home/logs/tunnels", 0o700))
	must(t, o.Mkdir("/home/logs/tunnels/deeper", 0o755))
	must(t, o.WriteFile("/srv/new.yaml", []byte("new: 1\n"), 0o600))
	must(t, o.WriteFile("/etc/app.conf", []byte("replaced"), 0o640))
	must(t, o.WriteFile("/home/logs/tunnels/a.log", []byte("log"), 0o644))
	must(t, o.Rename("/home/bin/old.plist", "/home/bin/old.plist.disabled-20261130"))
	must(t, o.Chmod("/home/bin/tool", 0o755))
	must(t, o.Chmod("/home/logs", 0o750))
	// Renaming a file the overlay wrote, then writing where it was.
	must(t, o.WriteFile("/srv/tmp", []byte("tmp"), 0o644))
	must(t, o.Rename("/srv/tmp", "/srv/kept"))

	for _, tc := range []struct{ path, want string }{
		{"/home/logs/tunnels", "lstat: tunnels drwx------; readlink: EINVAL; read: not regular: a directory; readdir: a.log(----------) deeper(d---------)"},
		{"/home/logs/tunnels/deeper", "lstat: deeper drwxr-xr-x; readlink: EINVAL; read: not regular: a directory; readdir:"},
		{"/home/logs/tunnels/nothing", "lstat: ENOENT; readlink: ENOENT; read: ENOENT; readdir: ENOENT"},
		{"/home/logs/tunnels/a.log/x", "lstat: ENOTDIR; readlink: ENOTDIR; read: ENOTDIR; readdir: ENOTDIR"},
		{"/home/logs", "lstat: logs drwxr-x---; readlink: EINVAL; read: not regular: a directory; readdir: tunnels(d---------)"},
		{"/srv/new.yaml", "lstat: new.yaml -rw------- 7; readlink: EINVAL; read: \"new: 1\\n\"; readdir: ENOTDIR"},
		{"/srv", "lstat: srv drwxr-xr-x; readlink: EINVAL; read: not regular: a directory; readdir: kept(----------) new.yaml(----------)"},
		{"/srv/tmp", "lstat: ENOENT; readlink: ENOENT; read: ENOENT; readdir: ENOENT"},
		{"/srv/kept", "lstat: kept -rw-r--r-- 3; readlink: EINVAL; read: \"tmp\"; readdir: ENOTDIR"},
		{"/etc/app.conf", "lstat: app.conf -rw-r----- 8; readlink: EINVAL; read: \"replaced\"; readdir: ENOTDIR"},
		// Symlinks of the base resolve through the overlay.
		{"/home/link-to-conf", "lstat: link-to-conf Lrwxrwxrwx; readlink: /etc/app.conf; read: \"replaced\"; readdir: ENOTDIR"},
		{"/home/link-to-new", "lstat: link-to-new Lrwxrwxrwx; readlink: ../srv/new.yaml; read: \"new: 1\\n\"; readdir: ENOTDIR"},
		{"/home/linkdir/new.yaml", "lstat: new.yaml -rw------- 7; readlink: EINVAL; read: \"new: 1\\n\"; readdir: ENOTDIR"},
		{"/home/link-to-old", "lstat: link-to-old Lrwxrwxrwx; readlink: bin/old.plist; read: ENOENT; readdir: ENOENT"},
		{"/home/bin/old.plist", "lstat: ENOENT; readlink: ENOENT; read: ENOENT; readdir: ENOENT"},
		{"/home/bin/old.plist.disabled-20261130", "lstat: old.plist.disabled-20261130 -rw-r--r-- 1; readlink: EINVAL; read: \"x\"; readdir: ENOTDIR"},
		{"/home/bin/tool", "lstat: tool -rwxr-xr-x 1; readlink: EINVAL; read: \"x\"; readdir: ENOTDIR"},
		{"/home/bin", "lstat: bin drwxr-xr-x; readlink: EINVAL; read: not regular: a directory; readdir: big(----------) old.plist.disabled-20261130(----------) tool(----------)"},
	} {
		if got := describe(o, tc.path); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.path, got, tc.want)
		}
	}
	if fi, err := o.Lstat("/home/bin/old.plist"); !IsNotExist(err) || !errors.Is(err, syscall.ENOENT) {
		t.Errorf("renamed-away file: %v, %v", fi, err)
	}
	// The symlink to the renamed-away file now dangles, as Dangling says.
	if l, target, ok := Dangling(o, "/home/link-to-old"); !ok || l != "/home/link-to-old" || target != "bin/old.plist" {
		t.Errorf("Dangling = %q %q %v", l, target, ok)
	}
	if r, err := Resolve(o, "/home/linkdir/new.yaml"); err != nil || r != "/srv/new.yaml" {
		t.Errorf("Resolve = %q, %v", r, err)
	}
	// The size cap holds for written and base files alike.
	for _, p := range []string{"/srv/new.yaml", "/home/bin/big"} {
		if _, err := o.ReadFile(p, 3); !errors.As(err, new(*TooLargeError)) {
			t.Errorf("ReadFile(%s, 3): %v, want TooLargeError", p, err)
		}
	}
	// A written file is the overlay's own copy.
	data, _ := o.ReadFile("/srv/new.yaml", 64)
	data[0] = 'X'
	if again, _ := o.ReadFile("/srv/new.yaml", 64); string(again) != "new: 1\n" {
		t.Errorf("the overlay's content changed through a read: %q", again)
	}
	// The base reads as before: nothing was written.
	if got := describe(base, "/home/bin"); got != "lstat: bin drwxr-xr-x; readlink: EINVAL; read: not regular: a directory; readdir: big(----------) old.plist(----------) tool(----------)" {
		t.Errorf("base changed: %s", got)
	}
	if _, err := os.Lstat(filepath.Join(root, "srv/new.yaml")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the overlay wrote to the host: %v", err)
	}
}

func TestOverlayOpErrors(t *testing.T) {
	root := overlayRoot(t)
	o := NewOverlay(RootFS{Dir: root})
	must(t, o.WriteFile("/srv/new", []byte("x"), 0o644))
	must(t, o.Rename("/home/bin/tool", "/srv/tool"))
	for _, tc := range []struct {
		name string
		op   func() error
		want string // errClass of the error, or a substring of it
	}{
		{"mkdir existing", func() error { return o.Mkdir("/home/bin", 0o755) }, "file exists"},
		{"mkdir over a written file", func() error { return o.Mkdir("/srv/new", 0o755) }, "file exists"},
		{"mkdir without parent", func() error { return o.Mkdir("/srv/a/b", 0o755) }, "ENOENT"},
		{"mkdir below a file", func() error { return o.Mkdir("/etc/app.conf/d", 0o755) }, "ENOTDIR"},
		{"mkdir below a renamed-away file", func() error { return o.Mkdir("/home/bin/tool/d", 0o755) }, "ENOENT"},
		{"mkdir through a symlink", func() error { return o.Mkdir("/home/linkdir/d", 0o755) }, "/home/linkdir is a symlink"},
		{"mkdir the root", func() error { return o.Mkdir("/", 0o755) }, "not a clean absolute path"},
		{"mkdir unclean", func() error { return o.Mkdir("/srv/../srv/d", 0o755) }, "not a clean absolute path"},
		{"mkdir relative", func() error { return o.Mkdir("srv/d", 0o755) }, "not a clean absolute path"},
		{"write over a directory", func() error { return o.WriteFile("/home/logs", nil, 0o644) }, "not regular: a directory"},
		{"write over a symlink", func() error { return o.WriteFile("/home/link-to-conf", nil, 0o644) }, "/home/link-to-conf is a symlink"},
		{"write through a symlink", func() error { return o.WriteFile("/home/linkdir/x", nil, 0o644) }, "/home/linkdir is a symlink"},
		{"write without parent", func() error { return o.WriteFile("/nowhere/x", nil, 0o644) }, "ENOENT"},
		{"rename a directory", func() error { return o.Rename("/home/logs", "/home/logs2") }, "not regular: a directory"},
		{"rename a missing file", func() error { return o.Rename("/home/bin/tool", "/home/bin/tool2") }, "ENOENT"},
		{"rename onto an existing file", func() error { return o.Rename("/etc/app.conf", "/srv/new") }, "file exists"},
		{"rename onto itself", func() error { return o.Rename("/etc/app.conf", "/etc/app.conf") }, "file exists"},
		{"rename into a missing directory", func() error { return o.Rename("/etc/app.conf", "/nowhere/x") }, "ENOENT"},
		{"rename a symlink", func() error { return o.Rename("/home/dangling", "/home/d2") }, "/home/dangling is a symlink"},
		{"chmod a missing file", func() error { return o.Chmod("/home/bin/tool", 0o755) }, "ENOENT"},
		{"chmod a symlink", func() error { return o.Chmod("/home/link-to-conf", 0o755) }, "/home/link-to-conf is a symlink"},
	} {
		err := tc.op()
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		if c := errClass(err); c != tc.want && !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v (%s), want %s", tc.name, err, c, tc.want)
		}
	}
	// A refused op changes nothing.
	if got := describe(o, "/srv"); got != "lstat: srv drwxr-xr-x; readlink: EINVAL; read: not regular: a directory; readdir: new(----------) tool(----------)" {
		t.Errorf("/srv: %s", got)
	}
}

// TestOverlayConcurrentReads reads from several goroutines once the ops
// are applied (run with -race to check the locking).
func TestOverlayConcurrentReads(t *testing.T) {
	root := overlayRoot(t)
	o := NewOverlay(RootFS{Dir: root}.Cached())
	must(t, o.Mkdir("/srv/d", 0o755))
	must(t, o.WriteFile("/srv/d/f", []byte("f"), 0o644))
	must(t, o.Rename("/home/bin/old.plist", "/srv/d/old.plist"))
	paths := []string{"/srv", "/srv/d", "/srv/d/f", "/srv/d/old.plist", "/home/bin", "/home/linkdir/d/f", "/etc/app.conf"}
	want := make([]string, len(paths))
	for i, p := range paths {
		want[i] = describe(o, p)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8*len(paths))
	for range 8 {
		wg.Go(func() {
			for i, p := range paths {
				if got := describe(o, p); got != want[i] {
					errs <- fmt.Sprintf("%s: %s, want %s", p, got, want[i])
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	msgs := slices.Collect(func(yield func(string) bool) {
		for m := range errs {
			if !yield(m) {
				return
			}
		}
	})
	if len(msgs) > 0 {
		t.Error(strings.Join(msgs, "\n"))
	}
}
