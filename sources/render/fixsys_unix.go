//go:build unix

package render

import (
	"io/fs"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// readFlags are added to every open fix makes to read a file or change
// its mode: O_NONBLOCK so that a FIFO swapped in after the type check
// never blocks the open, O_NOCTTY so that a terminal never becomes the
// controlling terminal.
const readFlags = syscall.O_NONBLOCK | syscall.O_NOCTTY

// unlinkAt removes the entry name (one component, no separator) of the
// directory r: with dir set only an empty directory (rmdir), otherwise
// only a non-directory (unlink). Unlike os.Root.Remove it never tries the
// other, so a file swapped in for a directory, or a directory for a
// file, after the last check is left alone.
func unlinkAt(r *os.Root, name string, dir bool) error {
	d, err := r.Open(".")
	if err != nil {
		return err
	}
	defer d.Close()
	rc, err := d.SyscallConn()
	if err != nil {
		return err
	}
	flags := 0
	if dir {
		flags = unix.AT_REMOVEDIR
	}
	var uerr error
	cerr := rc.Control(func(fd uintptr) {
		for {
			uerr = unix.Unlinkat(int(fd), name, flags)
			if uerr != unix.EINTR {
				return
			}
		}
	})
	if cerr != nil {
		return cerr
	}
	if uerr != nil {
		return &fs.PathError{Op: "unlinkat", Path: name, Err: uerr}
	}
	return nil
}
