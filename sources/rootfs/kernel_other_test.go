//go:build unix && !linux

package rootfs

// kernelResolve: only Linux offers an oracle (openat2 RESOLVE_IN_ROOT).
func kernelResolve(root, q string) (string, error, bool) { return "", nil, false }
