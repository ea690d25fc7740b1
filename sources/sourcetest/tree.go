package sourcetest

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TreeState records every entry below dir, keyed by its slash-separated
// path relative to dir: its type and permissions, a regular file's
// content hash (files over 64 MiB by size only), a symlink's target.
// FIFOs and devices are never opened, and an entry root cannot read is
// recorded as unreadable, so the state of a hostile tree can be taken
// safely before and after a command.
func TreeState(t testing.TB, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if err != nil {
			if errors.Is(err, fs.ErrPermission) {
				out[rel] = "unreadable"
				return nil
			}
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		v := fi.Mode().String()
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			v += " -> " + target
		case fi.Mode().IsRegular() && fi.Size() > 64<<20:
			v += fmt.Sprintf(" size %d", fi.Size())
		case fi.Mode().IsRegular():
			if data, err := os.ReadFile(p); err != nil {
				v += " unreadable"
			} else {
				v += fmt.Sprintf(" %x", sha256.Sum256(data))
			}
		}
		out[rel] = v
		return nil
	})
	Must(t, err)
	return out
}

// DiffTrees lists, sorted, the entries that differ between two
// TreeStates: "- path" removed, "+ path" added, "~ path" changed; "" when
// they are equal.
func DiffTrees(before, after map[string]string) string {
	var lines []string
	for k, v := range before {
		if w, ok := after[k]; !ok {
			lines = append(lines, "- "+k)
		} else if w != v {
			lines = append(lines, "~ "+k)
		}
	}
	for k := range after {
		if _, ok := before[k]; !ok {
			lines = append(lines, "+ "+k)
		}
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// PlistXML is a minimal XML launchd plist with a Label and
// ProgramArguments.
func PlistXML(label string, args ...string) string {
	var b strings.Builder
	b.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<plist version=\"1.0\">\n<dict>\n")
	fmt.Fprintf(&b, "\t<key>Label</key>\n\t<string>%s</string>\n\t<key>ProgramArguments</key>\n\t<array>\n", label)
	for _, a := range args {
		fmt.Fprintf(&b, "\t\t<string>%s</string>\n", a)
	}
	b.WriteString("\t</array>\n</dict>\n</plist>\n")
	return b.String()
}

// FS is the method set of rootfs.FS, named here so that FaultFS can wrap
// any FS without this package importing rootfs (whose tests use this one).
type FS interface {
	Lstat(name string) (fs.FileInfo, error)
	Readlink(name string) (string, error)
	ReadFile(name string, max int64) ([]byte, error)
	ReadDir(name string) ([]fs.DirEntry, error)
}

// FaultFS fails ReadFile and ReadDir of the paths in Fail with their
// error, as an unreadable file or directory would, and passes everything
// else to FS.
type FaultFS struct {
	FS
	Fail map[string]error
}

// ReadDir implements FS.
func (f FaultFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if err, ok := f.Fail[name]; ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return f.FS.ReadDir(name)
}

// ReadFile implements FS.
func (f FaultFS) ReadFile(name string, max int64) ([]byte, error) {
	if err, ok := f.Fail[name]; ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return f.FS.ReadFile(name, max)
}
