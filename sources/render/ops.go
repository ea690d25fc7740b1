package render

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"

	"github.com/driftmap/driftmap/sources/rootfs"
)

// OpKind is one kind of file operation of a remediation plan (see Op).
type OpKind string

// The operations `driftmap fix` performs. None deletes: a file set aside
// is renamed, a file replaced is kept in the journal.
const (
	// OpMkdir creates the directory Path with the permissions Mode. Its
	// parent must exist, or be created by an earlier op of the plan.
	OpMkdir OpKind = "mkdir"
	// OpWrite writes Data to Path atomically (a temporary file in the
	// same directory, synced, then renamed over Path), creating the file
	// or replacing a regular file; the file gets the permissions Mode.
	OpWrite OpKind = "write"
	// OpRename renames the regular file Path to To, a name in the same
	// directory that must not exist.
	OpRename OpKind = "rename"
	// OpChmod sets the permission bits of the regular file Path to Mode.
	OpChmod OpKind = "chmod"
)

// FileState is what a path holds: the precondition of an op (the state
// it was planned against), or a record in the journal.
type FileState struct {
	Exists bool        `json:"exists"`
	Type   string      `json:"type,omitempty"` // "file", "dir", "symlink" or "other"; "" when absent
	Mode   fs.FileMode `json:"mode,omitempty"` // permission bits (Perm) of a file or directory
	Size   int64       `json:"size,omitempty"` // of a regular file
	SHA256 string      `json:"sha256,omitempty"`
}

// Op is one file operation. Paths are clean paths inside the root
// ("/Users/bert/.sanctum/services"), never host paths.
type Op struct {
	Kind OpKind      `json:"op"`
	Path string      `json:"path"`
	To   string      `json:"to,omitempty"`   // OpRename: the new name, same directory
	Mode fs.FileMode `json:"mode,omitempty"` // OpMkdir, OpWrite, OpChmod: permission bits
	// Data is what OpWrite writes. It is never saved in a plan file (it
	// may hold credentials the file replaced kept); SHA256 names it.
	Data   []byte `json:"-"`
	SHA256 string `json:"sha256,omitempty"` // OpWrite: of Data
	// Before is Path's state when the op was planned. Applying refuses
	// the op unless Path still holds exactly that (and, for OpRename,
	// unless To is still absent).
	Before FileState `json:"before"`
}

// Hash returns the hex SHA-256 of data, as FileState and Op write it.
func Hash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// StateOf reads the state of path p inside the root through fsys,
// without following a final symlink. A regular file is read (at most
// max bytes) for its hash; a file that cannot be read is an error, an
// absent one is FileState{}.
func StateOf(fsys rootfs.FS, p string, max int64) (FileState, error) {
	fi, err := fsys.Lstat(p)
	switch {
	case rootfs.IsNotExist(err):
		return FileState{}, nil
	case err != nil:
		return FileState{}, err
	}
	st := FileState{Exists: true, Type: fileType(fi.Mode()), Mode: fi.Mode().Perm()}
	if st.Type != "file" {
		return st, nil
	}
	data, err := fsys.ReadFile(p, max)
	if err != nil {
		return FileState{}, err
	}
	st.Size, st.SHA256 = int64(len(data)), Hash(data)
	return st, nil
}

// fileType names what a mode is, as FileState.Type does.
func fileType(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return "file"
	case m.IsDir():
		return "dir"
	case m&fs.ModeSymlink != 0:
		return "symlink"
	}
	return "other"
}

// String says what the state is, for people: "absent", "directory
// (0755)", "file (0644, 412 bytes)", "symlink".
func (s FileState) String() string {
	switch {
	case !s.Exists:
		return "absent"
	case s.Type == "dir":
		return fmt.Sprintf("directory (%04o)", uint32(s.Mode))
	case s.Type == "file":
		return fmt.Sprintf("file (%04o, %d bytes)", uint32(s.Mode), s.Size)
	}
	return s.Type
}
