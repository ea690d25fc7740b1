package rootfs

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// kernelResolve resolves q inside root as Linux does with openat2's
// RESOLVE_IN_ROOT (".." clamped at root, absolute symlinks re-rooted:
// RootFS's semantics), and returns the path it reached inside root, or
// the kernel's error. ok is false where openat2 is unavailable.
func kernelResolve(root, q string) (string, error, bool) {
	dir, err := unix.Open(root, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return "", nil, false
	}
	defer unix.Close(dir)
	rel := strings.TrimPrefix(Clean(q), "/")
	if rel == "" {
		rel = "."
	}
	fd, err := unix.Openat2(dir, rel, &unix.OpenHow{
		Flags:   unix.O_PATH | unix.O_CLOEXEC,
		Resolve: unix.RESOLVE_IN_ROOT | unix.RESOLVE_NO_MAGICLINKS,
	})
	if err == unix.ENOSYS || err == unix.EPERM {
		return "", nil, false
	}
	if err != nil {
		return "", err, true
	}
	defer unix.Close(fd)
	host, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(fd))
	if err != nil {
		return "", nil, false
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return "", nil, false
	}
	rest, ok := strings.CutPrefix(host, realRoot)
	if !ok || rest != "" && rest[0] != '/' {
		panic("openat2 with RESOLVE_IN_ROOT left the root: " + host)
	}
	return Clean(rest), nil, true
}
