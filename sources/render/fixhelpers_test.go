package render

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/driftmap/driftmap/sources/sourcetest"
)

// Shared by the tests of ApplyOps, Undo and the journal.

const (
	jDir    = "/Users/bert/.sanctum/.driftmap"
	jName   = "journal-20260301T093000Z.json"
	vmYAML  = "/Users/bert/.sanctum/services/vm.yaml"
	mailYML = "/Users/bert/.sanctum/services/mail.yaml"
	triage  = "/Users/bert/.sanctum/bin/triage"
	vmPlist = "/Users/bert/Library/LaunchAgents/com.sanctum.vm.plist"
	logs    = "/Users/bert/Library/Logs"
)

var fixNow = time.Date(2026, 3, 1, 9, 30, 0, 123, time.FixedZone("CET", 3600)).Add(time.Hour)

// node is one entry of a test tree: a regular file (data), a directory
// or a symlink, or none (to leave out an entry of the base machine). A
// zero mode is 0644 for a file, 0755 for a directory.
type node struct {
	data string
	mode fs.FileMode
	dir  bool
	link string
	none bool
}

// The base machine every test starts from.
const (
	vmData     = "name: vm\nport: 2222\n"
	triageData = "#!/bin/sh\nexec triage\n"
	plistData  = "<plist><dict/></plist>\n"
)

func baseNodes() map[string]node {
	return map[string]node{
		vmYAML:                               {data: vmData},
		triage:                               {data: triageData},
		vmPlist:                              {data: plistData},
		"/Users/bert/.sanctum/instance.yaml": {data: "services: {}\n", mode: 0o600},
	}
}

// mkTree writes the base machine and extra (which may replace or add
// entries) into a new root, and returns the root.
func mkTree(t testing.TB, extra map[string]node) string {
	t.Helper()
	root := t.TempDir()
	nodes := baseNodes()
	maps.Copy(nodes, extra)
	addNodes(t, root, nodes)
	return root
}

// addNodes writes nodes under root, in path order (parents 0755).
func addNodes(t testing.TB, root string, nodes map[string]node) {
	t.Helper()
	for _, p := range slices.Sorted(maps.Keys(nodes)) {
		n, h := nodes[p], hostPath(root, p)
		if n.none {
			continue
		}
		sourcetest.Must(t, os.MkdirAll(filepath.Dir(h), 0o755))
		switch {
		case n.link != "":
			sourcetest.Must(t, os.Symlink(n.link, h))
		case n.dir:
			sourcetest.Must(t, os.MkdirAll(h, 0o755))
			sourcetest.Must(t, os.Chmod(h, cmpOr(n.mode, 0o755)))
		default:
			sourcetest.Must(t, os.WriteFile(h, []byte(n.data), 0o644))
			sourcetest.Must(t, os.Chmod(h, cmpOr(n.mode, 0o644)))
		}
	}
}

func cmpOr(m, def fs.FileMode) fs.FileMode {
	if m == 0 {
		return def
	}
	return m
}

func hostPath(root, p string) string { return filepath.Join(root, filepath.FromSlash(p)) }

// fileState is the state of a regular file holding data with mode.
func fileState(data string, mode fs.FileMode) FileState {
	return FileState{Exists: true, Type: "file", Mode: mode, Size: int64(len(data)), SHA256: Hash([]byte(data))}
}

func mkdirOp(p string, mode fs.FileMode) Op { return Op{Kind: OpMkdir, Path: p, Mode: mode} }

func writeOp(p, data string, mode fs.FileMode, before FileState) Op {
	return Op{Kind: OpWrite, Path: p, Mode: mode, Data: []byte(data), SHA256: Hash([]byte(data)), Before: before}
}

func renameOp(p, to string, before FileState) Op {
	return Op{Kind: OpRename, Path: p, To: to, Before: before}
}

func chmodOp(p string, mode fs.FileMode, before FileState) Op {
	return Op{Kind: OpChmod, Path: p, Mode: mode, Before: before}
}

// snapshot records every entry under dir: type, mode, content (by hash)
// and symlink target (sourcetest.TreeState).
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	return sourcetest.TreeState(t, dir)
}

// sameTree fails the test when dir's snapshot is no longer before.
func sameTree(t *testing.T, what, dir string, before map[string]string) {
	t.Helper()
	if d := sourcetest.DiffTrees(before, snapshot(t, dir)); d != "" {
		t.Errorf("%s changed the tree:\n%s", what, d)
	}
}

// hostState describes what p holds under root: "absent", "dir 0750",
// "file 0640 \"data\"" or "symlink -> target".
func hostState(t *testing.T, root, p string) string {
	t.Helper()
	h := hostPath(root, p)
	fi, err := os.Lstat(h)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "absent"
	case err != nil:
		t.Fatal(err)
	case fi.Mode()&fs.ModeSymlink != 0:
		target, _ := os.Readlink(h)
		return "symlink -> " + target
	case fi.IsDir():
		return fmt.Sprintf("dir %04o", uint32(fi.Mode().Perm()))
	}
	data, err := os.ReadFile(h)
	sourcetest.Must(t, err)
	return fmt.Sprintf("file %04o %q", uint32(fi.Mode().Perm()), data)
}

// refusal returns the lines of a *RefusedError, failing the test when
// err is anything else.
func refusal(t *testing.T, err error) []string {
	t.Helper()
	var refused *RefusedError
	if !errors.As(err, &refused) {
		t.Fatalf("err = %v, want a *RefusedError", err)
	}
	return strings.Split(refused.Msg, "\n")
}

// readJournalFile reads and parses the journal at p under root.
func readJournalFile(t *testing.T, root, p string) *Journal {
	t.Helper()
	data, err := os.ReadFile(hostPath(root, p))
	sourcetest.Must(t, err)
	j, err := ReadJournal(data)
	if err != nil {
		t.Fatalf("ReadJournal(%s): %v", p, err)
	}
	return j
}

// setHook sets a test hook for the rest of the test.
func setHook(t *testing.T, hook *func(int), fn func(int)) {
	t.Helper()
	*hook = fn
	t.Cleanup(func() { *hook = nil })
}
