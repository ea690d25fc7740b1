//go:build unix

package rootfs

import (
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/driftmap/driftmap/sources/sourcetest"
)

// hang bounds each read of a special file: a read that blocks or never
// ends fails the test instead of blocking the run.
const hang = 20 * time.Second

// TestReadFileRefusesSpecialFiles: a FIFO (whose open waits for a writer
// forever), a character device (which reads without end), a socket and a
// directory are refused as "not a regular file", by ReadFile inside the
// root and ReadHostFile outside it, at once; ReadDir never blocks on a
// FIFO either.
func TestReadFileRefusesSpecialFiles(t *testing.T) {
	root := t.TempDir()
	fifo := filepath.Join(root, "fifo.plist")
	sourcetest.Mkfifo(t, fifo)
	l, err := net.Listen("unix", filepath.Join(root, "sock.plist"))
	must(t, err)
	defer l.Close()
	must(t, os.Mkdir(filepath.Join(root, "dir.plist"), 0o755))
	fsys := RootFS{Dir: root}
	for name, want := range map[string]string{
		"fifo.plist": "not a regular file (a FIFO)",
		"sock.plist": "not a regular file (a socket)",
		"dir.plist":  "not a regular file (a directory)",
	} {
		sourcetest.Within(t, hang, func() {
			_, err := fsys.ReadFile("/"+name, MaxPlist)
			if got := Describe(err); got != want || !errors.Is(err, ErrNotRegular) {
				t.Errorf("ReadFile(%s): %q (%v), want %q", name, got, err, want)
			}
			_, err = ReadHostFile(filepath.Join(root, name), MaxPlist)
			if got := Describe(err); got != want {
				t.Errorf("ReadHostFile(%s): %q, want %q", name, got, want)
			}
			for _, f := range []FS{fsys, fsys.Cached()} {
				if _, err := ReadHead(f, "/"+name, 512, MaxScript); !errors.Is(err, ErrNotRegular) {
					t.Errorf("ReadHead(%s): %v, want not a regular file", name, err)
				}
			}
		}, fifo)
	}
	sourcetest.Within(t, hang, func() {
		if _, err := fsys.ReadDir("/fifo.plist"); err == nil {
			t.Error("ReadDir listed a FIFO")
		}
		if _, err := ReadHostDir(fifo); err == nil {
			t.Error("ReadHostDir listed a FIFO")
		}
	}, fifo)
}

// TestReadFileRefusesDevices: a device node inside the root, a symlink
// to /dev/zero (re-rooted at the root's own dev/zero) and the host's
// /dev/zero itself are never read.
func TestReadFileRefusesDevices(t *testing.T) {
	root := t.TempDir()
	sourcetest.MkZeroDevice(t, filepath.Join(root, "dev", "zero"))
	must(t, os.Symlink("/dev/zero", filepath.Join(root, "zero.plist")))
	fsys := RootFS{Dir: root}
	const want = "not a regular file (a character device)"
	sourcetest.Within(t, hang, func() {
		for _, name := range []string{"/dev/zero", "/zero.plist"} {
			if _, err := fsys.ReadFile(name, MaxPlist); Describe(err) != want {
				t.Errorf("ReadFile(%s): %v, want %q", name, err, want)
			}
		}
		if _, err := ReadHostFile("/dev/zero", MaxPlist); Describe(err) != want {
			t.Errorf("ReadHostFile(/dev/zero): %v, want %q", err, want)
		}
	})
}

// TestNoEscapeToHostDevice: a symlink that reaches the host's /dev
// through a missing component and ".." (issue 7: 4 GB read in 6 s) does
// not resolve.
func TestNoEscapeToHostDevice(t *testing.T) {
	root := t.TempDir()
	must(t, os.Symlink("nx/../evil/zero", filepath.Join(root, "z.plist")))
	must(t, os.Symlink("/dev", filepath.Join(root, "evil")))
	fsys := RootFS{Dir: root}
	sourcetest.Within(t, hang, func() {
		if _, err := fsys.ReadFile("/z.plist", MaxPlist); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("ReadFile(/z.plist): %v, want does not exist", err)
		}
	})
}
