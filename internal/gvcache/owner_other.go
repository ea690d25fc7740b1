//go:build !unix

package gvcache

import "io/fs"

// owned cannot tell the owner here; the directory's mode decides.
func owned(fs.FileInfo) bool { return true }
