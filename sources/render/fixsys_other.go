//go:build !unix

package render

import "os"

// readFlags: see fixsys_unix.go. Elsewhere the type checks before and
// after the open are the only guard.
const readFlags = 0

// unlinkAt removes name in r (see fixsys_unix.go). Elsewhere it is
// os.Root.Remove, which removes a file or an empty directory, whichever
// it finds.
func unlinkAt(r *os.Root, name string, dir bool) error {
	return r.Remove(name)
}
