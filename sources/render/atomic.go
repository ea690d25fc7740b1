package render

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"

	"github.com/driftmap/driftmap/sources/rootfs"
)

// Atomic writes, shared by Apply and ApplyOps/Undo: a temporary file in
// the target's own directory (named as isTemp recognises, see
// tempInfix), written, synced, then renamed over the target.

// createTemp creates a new temporary file for name in r, never opening
// an existing one.
func createTemp(r *os.Root, name string, mode fs.FileMode) (*os.File, string, error) {
	var suffix [8]byte
	for range 100 {
		for i := range suffix {
			suffix[i] = byte(rand.Uint32())
		}
		tmp := "." + name + tempInfix + hex.EncodeToString(suffix[:])
		f, err := r.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, tmp, err
	}
	return nil, "", fmt.Errorf("cannot create a temporary file for %s", name)
}

// writeAtomic replaces name in r with data: a temporary file in the same
// directory, synced, then renamed, so readers see the old file or the new
// one, never a part. The existing file's permissions are kept (as the
// umask leaves them). See replaceFile.
func writeAtomic(r *os.Root, name string, data []byte) error {
	mode := fs.FileMode(0o644)
	if fi, err := r.Lstat(name); err == nil {
		mode = fi.Mode().Perm()
	}
	return replaceFile(r, name, data, mode, false, nil)
}

// replaceFile writes data to a new temporary file next to name in r
// (writeTemp) and renames it over name, so readers see the old file or
// the new one, never a part. ready, when not nil, runs once the
// temporary is complete, just before the rename: an error from it
// abandons the write. The temporary is removed on every path that does
// not rename it: a failed ready or rename, or a panic.
func replaceFile(r *os.Root, name string, data []byte, mode fs.FileMode, exact bool, ready func() error) (err error) {
	tmp, err := writeTemp(r, name, data, mode, exact)
	if err != nil {
		return err
	}
	renamed := false
	defer func() {
		if renamed {
			return
		}
		if rerr := removeTemp(r, tmp); rerr != nil {
			err = errors.Join(err, rerr)
		}
	}()
	if ready != nil {
		if err = ready(); err != nil {
			return err
		}
	}
	if err = r.Rename(tmp, name); err != nil {
		return err
	}
	renamed = true
	return nil
}

// writeTemp writes data to a new temporary file for name in r (never an
// existing file: see createTemp), synced and closed, and returns its
// name. The temporary is created with mode; with exact set it is then
// given exactly mode, whatever the umask took away. It is removed on
// every path that does not return it: a failed write, chmod, sync or
// close, or a panic.
func writeTemp(r *os.Root, name string, data []byte, mode fs.FileMode, exact bool) (_ string, err error) {
	f, tmp, err := createTemp(r, name, mode)
	if err != nil {
		return "", err
	}
	ok := false
	defer func() {
		if ok {
			return
		}
		f.Close() // a second Close only fails with ErrClosed
		if rerr := removeTemp(r, tmp); rerr != nil {
			err = errors.Join(err, rerr)
		}
	}()
	if _, err = f.Write(data); err != nil {
		return "", err
	}
	if exact {
		if err = f.Chmod(mode); err != nil {
			return "", err
		}
	}
	if err = f.Sync(); err != nil {
		return "", err
	}
	if err = f.Close(); err != nil {
		return "", err
	}
	ok = true
	return tmp, nil
}

// removeTemp removes the temporary tmp in r, which is gone already or
// ours.
func removeTemp(r *os.Root, tmp string) error {
	if err := r.Remove(tmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("removing temporary %s: %s", tmp, rootfs.Reason(err))
	}
	return nil
}
