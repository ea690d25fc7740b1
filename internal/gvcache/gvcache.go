// Package gvcache points go-graphviz's cache of compiled WebAssembly at a
// directory private to the user, for the time go-graphviz initialises.
//
// github.com/goccy/go-graphviz (v0.2.10) compiles its embedded Graphviz
// when its package initialises, in every process that links it, and
// keeps the machine code wazero makes in os.TempDir()/go-graphviz. On a
// shared /tmp that directory belongs to whoever made it first: another
// user's driftmap then panics before main (permission denied on the
// cached file), and a user who can write there can plant machine code
// that driftmap would run.
//
// Package initialisation runs in import-path order among the packages
// whose imports are ready (the Go spec, since Go 1.21), and this
// package's path sorts before github.com/goccy/..., so its init runs
// first: it sets TMPDIR to a directory only the user may write,
// os.UserCacheDir()/driftmap (made with mode 0700), or, when there is
// none, to a path that cannot be made, so that go-graphviz compiles
// without a cache (about a second more per run) rather than fail.
// Restore, called from an init of a package that imports go-graphviz,
// puts TMPDIR back.
package gvcache

import (
	"os"
	"path/filepath"
)

var (
	oldTMPDIR string
	hadTMPDIR bool
)

// Dir is the directory go-graphviz's cache is kept under, or "" when
// there is none.
var Dir string

func init() {
	oldTMPDIR, hadTMPDIR = os.LookupEnv("TMPDIR")
	dir, err := os.UserCacheDir()
	if err == nil {
		dir = filepath.Join(dir, "driftmap")
		err = os.MkdirAll(dir, 0o700)
	}
	if err == nil && private(dir) {
		Dir = dir
	} else {
		dir = filepath.Join(os.DevNull, "driftmap") // under a file: never made
	}
	os.Setenv("TMPDIR", dir)
}

// private reports whether dir is a directory of this user's that no one
// else may write.
func private(dir string) bool {
	fi, err := os.Lstat(dir)
	return err == nil && fi.IsDir() && fi.Mode().Perm()&0o022 == 0 && owned(fi)
}

// Restore puts TMPDIR back as it was before init.
func Restore() {
	if hadTMPDIR {
		os.Setenv("TMPDIR", oldTMPDIR)
	} else {
		os.Unsetenv("TMPDIR")
	}
}
