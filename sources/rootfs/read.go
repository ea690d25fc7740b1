package rootfs

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"slices"
	"strings"
	"syscall"
)

// Size caps: the most driftmap reads of one file of each kind. A file
// over its cap is not read at all (its size is checked first) or, when
// it grows while being read, not read past the cap; either way the
// reader gets a *TooLargeError, which the loader reports as a parse-error
// finding naming the file and the cap.
const (
	// MaxPlist caps a launchd plist, and a plist template of a template
	// artifact and the plist installed from it.
	MaxPlist int64 = 16 << 20
	// MaxFleet caps instance.yaml and the runtime catalog, which grow
	// with a fleet (and the JSON cache of instance.yaml).
	MaxFleet int64 = 64 << 20
	// MaxYAML caps other YAML: manifests, driftmap.yaml, and the inputs
	// and outputs of copy artifacts.
	MaxYAML int64 = 4 << 20
	// MaxScript caps a wrapper script.
	MaxScript int64 = 4 << 20
)

// ErrNotRegular is matched (errors.Is) by every *NotRegularError.
var ErrNotRegular = errors.New("not a regular file")

// A NotRegularError refuses to read something that is not a regular
// file: a FIFO (whose open would wait for a writer forever), a device
// (/dev/zero reads without end), a socket, a directory.
type NotRegularError struct {
	Mode fs.FileMode
}

func (e *NotRegularError) Error() string {
	return "not a regular file (" + FileKind(e.Mode) + ")"
}

func (e *NotRegularError) Is(target error) bool { return target == ErrNotRegular }

// FileKind names what a file is, for messages: "a FIFO", "a directory",
// "a symlink", "a character device", "a regular file"...
func FileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeSymlink != 0:
		return "a symlink"
	case m.IsRegular():
		return "a regular file"
	}
	return "an irregular file"
}

// A TooLargeError is a file larger than the cap it is read with.
type TooLargeError struct {
	Max int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("larger than %s; driftmap reads at most %s of a file of this kind", size(e.Max), size(e.Max))
}

func size(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// readRegular reads the file that stat describes and open opens: the
// type is checked before the open (so that no device is ever opened and
// no FIFO waited on), the open does not block (openFlags) and the type is
// checked again on the open file (the tree may change in between); then
// at most max bytes are read, and a file longer than max is an error.
func readRegular(name string, max int64, stat func() (fs.FileInfo, error), open func() (*os.File, error)) ([]byte, error) {
	return readRegularN(name, max, false, stat, open)
}

// readRegularN is readRegular; with head set, a file longer than max is
// no error: its first max bytes are returned.
func readRegularN(name string, max int64, head bool, stat func() (fs.FileInfo, error), open func() (*os.File, error)) ([]byte, error) {
	f, err := openRegular(name, max, head, stat, open)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readOpened(name, f, max, head)
}

// openRegular is readRegularN's first half: the type (and, unless head,
// the size) is checked on what stat describes, and only then is the
// file opened, without blocking. The caller reads it with readOpened and
// closes it. An open file no longer depends on the handle it was opened
// through, so a cached RootFS reads it outside its lock.
func openRegular(name string, max int64, head bool, stat func() (fs.FileInfo, error), open func() (*os.File, error)) (*os.File, error) {
	if head {
		max = math.MaxInt64 // any size may be peeked at
	}
	fi, err := stat()
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: errnoOf(err)}
	}
	if err := checkRegular(fi, max); err != nil {
		return nil, &fs.PathError{Op: "read", Path: name, Err: err}
	}
	f, err := open()
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: errnoOf(err)}
	}
	return f, nil
}

// readOpened is readRegularN's second half: the type is checked again
// on the open file f (the tree may have changed since the stat), then
// at most max bytes are read; a file longer than max is an error unless
// head is set.
func readOpened(name string, f *os.File, max int64, head bool) ([]byte, error) {
	capped := max
	if head {
		capped = math.MaxInt64
	}
	fi, err := f.Stat()
	if err != nil {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: errnoOf(err)}
	}
	if err := checkRegular(fi, capped); err != nil {
		return nil, &fs.PathError{Op: "read", Path: name, Err: err}
	}
	if head {
		buf := make([]byte, max)
		n, err := io.ReadFull(f, buf)
		if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
			return nil, &fs.PathError{Op: "read", Path: name, Err: errnoOf(err)}
		}
		return buf[:n], nil
	}
	var b bytes.Buffer
	b.Grow(int(fi.Size()) + bytes.MinRead)
	if _, err := b.ReadFrom(io.LimitReader(f, max+1)); err != nil {
		return nil, &fs.PathError{Op: "read", Path: name, Err: errnoOf(err)}
	}
	if int64(b.Len()) > max {
		return nil, &fs.PathError{Op: "read", Path: name, Err: &TooLargeError{Max: max}}
	}
	return b.Bytes(), nil
}

// ReadHead reads at most the first n bytes of the regular file name in
// fsys, by ReadFile's rules but for the size cap: a file of any size may
// be peeked at (a program's first bytes say whether it is a script).
// Fewer than n bytes means the file was read whole. An FS other than
// RootFS is read with ReadFile and a cap of max.
func ReadHead(fsys FS, name string, n, max int64) ([]byte, error) {
	r, ok := fsys.(RootFS)
	if !ok {
		data, err := fsys.ReadFile(name, max)
		return data[:min(int64(len(data)), n)], err
	}
	return r.read(name, n, true)
}

func checkRegular(fi fs.FileInfo, max int64) error {
	if !fi.Mode().IsRegular() {
		return &NotRegularError{Mode: fi.Mode()}
	}
	if fi.Size() > max {
		return &TooLargeError{Max: max}
	}
	return nil
}

// readDir lists the directory that stat describes and open opens, sorted
// by name, never opening anything that is not a directory.
func readDir(name string, stat func() (fs.FileInfo, error), open func() (*os.File, error)) ([]fs.DirEntry, error) {
	fi, err := stat()
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: errnoOf(err)}
	}
	if !fi.IsDir() {
		return nil, &fs.PathError{Op: "open", Path: name, Err: syscall.ENOTDIR}
	}
	f, err := open()
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: errnoOf(err)}
	}
	defer f.Close()
	entries, err := f.ReadDir(-1)
	if err != nil {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: errnoOf(err)}
	}
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return entries, nil
}

// ReadHostFile reads a host file outside the root (a workspace file: the
// catalog, driftmap.yaml, an artifact path relative to the workspace) by
// the same rules as FS.ReadFile: a regular file only (symlinks followed),
// never blocking, at most max bytes.
func ReadHostFile(name string, max int64) ([]byte, error) {
	return readRegular(name, max, func() (fs.FileInfo, error) { return os.Stat(name) },
		func() (*os.File, error) { return os.OpenFile(name, os.O_RDONLY|openFlags, 0) })
}

// ReadHostDir lists a host directory outside the root (see ReadHostFile),
// sorted by name, never blocking on a FIFO.
func ReadHostDir(name string) ([]fs.DirEntry, error) {
	return readDir(name, func() (fs.FileInfo, error) { return os.Stat(name) },
		func() (*os.File, error) { return os.OpenFile(name, os.O_RDONLY|openFlags|dirFlag, 0) })
}

// errnoOf returns the innermost cause of err (the errno of an
// *fs.PathError from os.Root, whose path is relative to the root and
// would only confuse a message).
func errnoOf(err error) error {
	for {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
			continue
		}
		var le *os.LinkError
		if errors.As(err, &le) {
			err = le.Err
			continue
		}
		return err
	}
}

// Reason describes a read error without repeating the path, which the
// caller names already: "permission denied", "is a directory".
func Reason(err error) string {
	var re *ResolveError
	if errors.As(err, &re) {
		return errnoOf(re.Err).Error()
	}
	return errnoOf(err).Error()
}

// Describe says why a file could not be read, as a finding's message
// (the file is named by the finding): "cannot be read (permission
// denied)", "not a regular file (a FIFO)", "larger than 16 MiB; ...".
func Describe(err error) string {
	var tl *TooLargeError
	var nr *NotRegularError
	switch {
	case errors.As(err, &tl):
		return tl.Error()
	case errors.As(err, &nr):
		return nr.Error()
	case errors.Is(err, fs.ErrPermission):
		return "cannot be read (permission denied)"
	}
	return "cannot be read (" + Reason(err) + ")"
}

// IsNotExist reports whether err means the file is not there: it does not
// exist, or a component of its path is not a directory.
func IsNotExist(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}
