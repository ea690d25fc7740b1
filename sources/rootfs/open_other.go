//go:build !unix

package rootfs

// openFlags and dirFlag: see open_unix.go. Elsewhere the type checks
// before and after the open are the only guard.
const (
	openFlags = 0
	dirFlag   = 0
)
