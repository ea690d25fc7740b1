package cli

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/driftmap/driftmap/exporters"
	"github.com/driftmap/driftmap/sources/rootfs"
)

// output is one --output FORMAT=PATH of check: the report formatted as
// FORMAT, written to PATH.
type output struct {
	format, path string
	f            exporters.CheckFormatter
}

// parseOutputs checks every --output value before anything runs: each
// must be FORMAT=PATH with a check format and a file in a directory that
// exists, and no file may be named twice.
func parseOutputs(values []string) ([]output, error) {
	hint := "write --output FORMAT=PATH, e.g. --output sarif=driftmap.sarif, with FORMAT " + orList(checkFormats)
	var outs []output
	seen := map[string]string{}
	for _, v := range values {
		name, path, ok := strings.Cut(v, "=")
		if !ok || name == "" || path == "" {
			return nil, &usageError{fmt.Sprintf("invalid --output %q: want FORMAT=PATH", v), hint}
		}
		if path == "-" {
			return nil, &usageError{fmt.Sprintf("invalid --output %q: standard output is --format's; name a file", v), hint}
		}
		f, err := exporters.Check(name, exporters.Options{})
		if err != nil {
			return nil, &usageError{fmt.Sprintf("unknown format %q in --output %q", name, v), hint}
		}
		if fi, err := os.Stat(filepath.Dir(path)); err != nil || !fi.IsDir() {
			return nil, &usageError{fmt.Sprintf("invalid --output %q: directory %s does not exist", v, filepath.Dir(path)), "create the directory first, or name a file in one that exists"}
		}
		clean := filepath.Clean(path)
		if prev, dup := seen[clean]; dup {
			return nil, &usageError{fmt.Sprintf("--output %q and %q name the same file", prev, v), "give each format its own file"}
		}
		seen[clean] = v
		outs = append(outs, output{format: name, path: path, f: f})
	}
	return outs, nil
}

// writeOutputs formats r into each output's file, in the order given.
// For a failed run (failed), it writes the report of a failed run into
// the file of each output whose format reports one
// (exporters.FailedRunFormatter) and leaves the other files as they are.
func writeOutputs(outs []output, r *exporters.Report, failed bool) error {
	for _, o := range outs {
		var b bytes.Buffer
		var err error
		if !failed {
			err = o.f.FormatCheck(&b, r)
		} else if ff, ok := o.f.(exporters.FailedRunFormatter); ok {
			err = ff.FormatFailedRun(&b, r)
		} else {
			continue
		}
		if err != nil {
			return err
		}
		if err := writeFileAtomic(o.path, b.Bytes()); err != nil {
			return &usageError{fmt.Sprintf("cannot write --output %s=%s: %s", o.format, o.path, rootfs.Reason(err)), "name a file in a directory that exists and can be written"}
		}
	}
	return nil
}

// writeFileAtomic writes data to name through a temporary file in the
// same directory, renamed over name once it is complete, so that a
// reader (or a crash) never sees half a file. An existing regular file
// keeps its permissions; a new one is 0644. name itself is replaced, not
// followed, when it is a symlink.
func writeFileAtomic(name string, data []byte) (err error) {
	dir, base := filepath.Split(name)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	mode := fs.FileMode(0o644)
	if fi, err := os.Lstat(name); err == nil && fi.Mode().IsRegular() {
		mode = fi.Mode().Perm()
	}
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}
