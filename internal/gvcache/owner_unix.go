//go:build unix

package gvcache

import (
	"io/fs"
	"os"
	"syscall"
)

// owned reports whether this process's user owns the file.
func owned(fi fs.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == os.Geteuid()
}
