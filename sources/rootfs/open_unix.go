//go:build unix

package rootfs

import "syscall"

// openFlags are added to every open for reading: O_NONBLOCK so that a
// FIFO (which the type checks refuse anyway, but the tree may change
// between check and open) never blocks the open, O_NOCTTY so that a
// terminal device never becomes the controlling terminal.
const openFlags = syscall.O_NONBLOCK | syscall.O_NOCTTY

// dirFlag makes an open fail unless it opens a directory.
const dirFlag = syscall.O_DIRECTORY
