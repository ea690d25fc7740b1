package render

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/driftmap/driftmap/sources/sourcetest"
)

// undoPlan touches the base machine with every kind of op.
func undoPlan() []Op {
	return []Op{
		writeOp(vmYAML, "v2\n", 0o644, fileState(vmData, 0o644)),
		writeOp(mailYML, "mail\n", 0o600, FileState{}),
		mkdirOp(logs, 0o755),
		renameOp(vmPlist, vmPlist+".old", fileState(plistData, 0o644)),
		chmodOp(triage, 0o755, fileState(triageData, 0o644)),
	}
}

func applyPlan(t testing.TB, root string, ops []Op) *Journal {
	t.Helper()
	j, err := ApplyOps(root, ops, ApplyOptions{JournalDir: jDir, Now: fixNow})
	if err != nil {
		t.Fatalf("ApplyOps: %v", err)
	}
	return j
}

// TestUndoRefusesChanges: anything changed since fix did it makes Undo
// refuse, listing every path and what changed, and change nothing.
func TestUndoRefusesChanges(t *testing.T) {
	head := "refusing to undo " + jDir + "/" + jName + "; nothing was changed:"
	services := "/Users/bert/.sanctum/services"
	modified := func(t *testing.T, root string) { writeFile(t, root, vmYAML, "v3\n", 0o644) }
	removed := func(t *testing.T, root string) { sourcetest.Must(t, os.Remove(hostPath(root, mailYML))) }
	newFile := func(t *testing.T, root string) { writeFile(t, root, logs+"/x.log", "log\n", 0o644) }
	reappeared := func(t *testing.T, root string) { writeFile(t, root, vmPlist, "new\n", 0o644) }
	renamedChanged := func(t *testing.T, root string) { sourcetest.Must(t, os.Chmod(hostPath(root, vmPlist+".old"), 0o600)) }
	chmodded := func(t *testing.T, root string) { sourcetest.Must(t, os.Chmod(hostPath(root, triage), 0o700)) }
	lines := map[string]string{
		"modified":   vmYAML + ": changed since fix wrote it (sha256 differs)",
		"removed":    mailYML + ": changed since fix wrote it (it no longer exists)",
		"newFile":    logs + ": holds what fix did not put there (x.log); refusing to remove the directory fix created",
		"reappeared": vmPlist + ": appeared since fix renamed it to " + vmPlist + ".old (a file (0644, 4 bytes)); refusing to replace it",
		"renamed":    vmPlist + ".old: changed since fix renamed " + vmPlist + " to it (mode 0600, expected 0644)",
		"chmodded":   triage + ": changed since fix changed the mode of it (mode 0700, expected 0755)",
	}
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, root string)
		want   []string
	}{
		{"a file fix wrote was modified", modified, []string{lines["modified"]}},
		{"a file fix created was removed", removed, []string{lines["removed"]}},
		{"a directory fix created got a file", newFile, []string{lines["newFile"]}},
		{"a directory fix created got many files", func(t *testing.T, root string) {
			for i := range 7 {
				writeFile(t, root, fmt.Sprintf("%s/%d.log", logs, i), "log\n", 0o644)
			}
		}, []string{logs + ": holds what fix did not put there (0.log, 1.log, 2.log, 3.log, 4.log, and 2 more); refusing to remove the directory fix created"}},
		{"a file appeared at a renamed file's old name", reappeared, []string{lines["reappeared"]}},
		{"a renamed file changed", renamedChanged, []string{lines["renamed"]}},
		{"a mode fix set was changed", chmodded, []string{lines["chmodded"]}},
		{"a directory on the way became a symlink", func(t *testing.T, root string) {
			sourcetest.Must(t, os.Rename(hostPath(root, services), hostPath(root, services+".real")))
			sourcetest.Must(t, os.Symlink("services.real", hostPath(root, services)))
		}, []string{
			vmYAML + ": it is reached through a symlink (" + services + "); refusing to follow it",
			mailYML + ": it is reached through a symlink (" + services + "); refusing to follow it",
		}},
		{"every change listed, in plan order", func(t *testing.T, root string) {
			for _, c := range []func(*testing.T, string){chmodded, renamedChanged, reappeared, newFile, removed, modified} {
				c(t, root)
			}
		}, []string{lines["modified"], lines["removed"], lines["newFile"], lines["reappeared"], lines["renamed"], lines["chmodded"]}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := mkTree(t, nil)
			j := applyPlan(t, root, undoPlan())
			tc.change(t, root)
			before := snapshot(t, root)
			res, err := Undo(root, j.Path)
			if got, want := refusal(t, err), append([]string{head}, tc.want...); !slices.Equal(got, want) {
				t.Errorf("refusal:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			if len(res.Reverted)+len(res.Removed) != 0 {
				t.Errorf("Undo did %+v before refusing", res)
			}
			sameTree(t, "a refused undo", root, before)
		})
	}
}

// TestApplyOpsStopsWhenTreeChanges: the tree changes after the checks,
// before op i. ApplyOps stops there, the journal says which ops were
// done, and Undo reverts just those: the tree is then as it was, but for
// the change.
func TestApplyOpsStopsWhenTreeChanges(t *testing.T) {
	outside := t.TempDir()
	addNodes(t, outside, map[string]node{"/services": {dir: true}})
	plan := []Op{
		chmodOp(triage, 0o755, fileState(triageData, 0o644)),
		writeOp(vmYAML, "v2\n", 0o644, fileState(vmData, 0o644)),
		writeOp(mailYML, "mail\n", 0o600, FileState{}),
	}
	journal := jDir + "/" + jName
	for _, tc := range []struct {
		name   string
		at     int // the op (from 0) before which the tree changes
		change func(t *testing.T, root string)
		want   string
	}{
		{"before the first op", 0, func(t *testing.T, root string) { sourcetest.Must(t, os.Chmod(hostPath(root, triage), 0o600)) },
			"op 1 (chmod " + triage + "): changed since the plan was made (mode 0600, expected 0644); stopped before it: nothing was changed (the journal " + journal + " records the plan)"},
		{"before the second op", 1, func(t *testing.T, root string) { writeFile(t, root, vmYAML, "name: vm\nport: 2223\n", 0o644) },
			"op 2 (write " + vmYAML + "): changed since the plan was made (sha256 differs); stopped before it: op 1 was done, and the journal " + journal + " records it"},
		{"before the third op", 2, func(t *testing.T, root string) { writeFile(t, root, mailYML, "hand\n", 0o644) },
			"op 3 (write " + mailYML + "): changed since the plan was made (it exists now: a file (0644, 5 bytes)); stopped before it: ops 1 to 2 were done, and the journal " + journal + " records them"},
		{"a directory swapped for a symlink out of the root", 1, func(t *testing.T, root string) {
			services := hostPath(root, "/Users/bert/.sanctum/services")
			sourcetest.Must(t, os.Rename(services, services+".moved"))
			sourcetest.Must(t, os.Symlink(filepath.Join(outside, "services"), services))
		}, "op 2 (write " + vmYAML + "): /Users/bert/.sanctum/services is a symlink; stopped before it: op 1 was done, and the journal " + journal + " records it"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// What the tree must be after the undo: the base, changed.
			wantRoot := mkTree(t, nil)
			tc.change(t, wantRoot)
			want := snapshot(t, wantRoot)

			root := mkTree(t, nil)
			setHook(t, &testHookBeforeOp, func(i int) {
				if i == tc.at {
					tc.change(t, root)
				}
			})
			j, err := ApplyOps(root, plan, ApplyOptions{JournalDir: jDir, Now: fixNow})
			if got := refusal(t, err); len(got) != 1 || got[0] != tc.want {
				t.Errorf("ApplyOps:\n%s\nwant:\n%s", strings.Join(got, "\n"), tc.want)
			}
			if j == nil || j.Path != journal {
				t.Fatalf("ApplyOps returned journal %+v", j)
			}
			onDisk := readJournalFile(t, root, journal)
			for i, op := range onDisk.Ops {
				if op.Done != (i < tc.at) {
					t.Errorf("journal op %d: done %v, want %v", i+1, op.Done, i < tc.at)
				}
			}
			testHookBeforeOp = nil
			res, err := Undo(root, journal)
			if err != nil {
				t.Fatalf("Undo: %v", err)
			}
			if len(res.Reverted) != tc.at {
				t.Errorf("Undo reverted %d ops, want %d", len(res.Reverted), tc.at)
			}
			if d := sourcetest.DiffTrees(want, snapshot(t, root)); d != "" {
				t.Errorf("after the undo, the tree differs from the base (changed):\n%s", d)
			}
			if entries, _ := os.ReadDir(filepath.Join(outside, "services")); len(entries) != 0 {
				t.Errorf("wrote outside the root: %v", entries)
			}
		})
	}
}

// TestUndoStopsAndResumes: the tree changes while Undo reverts; it stops,
// the journal records what it reverted, and once the change is put back
// a second Undo finishes the job.
func TestUndoStopsAndResumes(t *testing.T) {
	root := mkTree(t, nil)
	before := snapshot(t, root)
	ops := undoPlan()
	j := applyPlan(t, root, ops)
	setHook(t, &testHookBeforeRevert, func(i int) {
		if i == 0 {
			writeFile(t, root, vmYAML, "v3\n", 0o644)
		}
	})
	res, err := Undo(root, j.Path)
	want := vmYAML + ": changed since fix wrote it (sha256 differs); stopped before reverting op 1 (write " + vmYAML + "): 4 ops were reverted, and the journal " + j.Path + " records which"
	if got := refusal(t, err); len(got) != 1 || got[0] != want {
		t.Errorf("Undo:\n%s\nwant:\n%s", strings.Join(got, "\n"), want)
	}
	if len(res.Reverted) != 4 || len(res.Removed) != 0 {
		t.Errorf("Undo did %+v", res)
	}
	onDisk := readJournalFile(t, root, j.Path)
	for i, op := range onDisk.Ops {
		if op.Done != (i == 0) || op.Undone != (i > 0) {
			t.Errorf("journal op %d: done %v, undone %v", i+1, op.Done, op.Undone)
		}
	}
	testHookBeforeRevert = nil
	writeFile(t, root, vmYAML, "v2\n", 0o644) // what fix wrote
	res, err = Undo(root, j.Path)
	if err != nil {
		t.Fatalf("second Undo: %v", err)
	}
	if len(res.Reverted) != 1 || res.Reverted[0].Path != vmYAML || !slices.Equal(res.Removed, []string{j.Path, jDir}) {
		t.Errorf("second Undo did %+v", res)
	}
	sameTree(t, "apply, then an undo in two goes", root, before)
}

// TestUndoRefusesJournal: a journal that is not where it was written, is
// reached through a symlink, is not a file or does not parse is refused
// before anything changes.
func TestUndoRefusesJournal(t *testing.T) {
	journal := jDir + "/" + jName
	for _, tc := range []struct {
		name    string
		change  func(t *testing.T, root string)
		path    string
		want    string
		refused bool
	}{
		{"moved elsewhere", func(t *testing.T, root string) {
			sourcetest.Must(t, os.Rename(hostPath(root, journal), hostPath(root, "/Users/bert/j.json")))
		}, "/Users/bert/j.json", "journal /Users/bert/j.json was written in " + jDir + "; refusing to undo it from elsewhere", true},
		{"reached through a symlink", func(t *testing.T, root string) {
			sourcetest.Must(t, os.Symlink(".sanctum/.driftmap", hostPath(root, "/Users/bert/j")))
		}, "/Users/bert/j/" + jName, "journal /Users/bert/j/" + jName + ": /Users/bert/j is a symlink; refusing to read it", true},
		{"a symlink", func(t *testing.T, root string) {
			sourcetest.Must(t, os.Rename(hostPath(root, journal), hostPath(root, journal+".real")))
			sourcetest.Must(t, os.Symlink(jName+".real", hostPath(root, journal)))
		}, journal, "journal " + journal + " is a symlink, not a regular file; refusing to read it", true},
		{"missing", nil, jDir + "/journal-x.json", "journal " + jDir + "/journal-x.json does not exist", false},
		{"truncated", func(t *testing.T, root string) {
			data, err := os.ReadFile(hostPath(root, journal))
			sourcetest.Must(t, err)
			writeFile(t, root, journal, string(data[:len(data)/2]), 0o600)
		}, journal, journal + ": not a journal: truncated JSON", false},
		{"not clean", nil, "/Users/bert/../bert/.sanctum/.driftmap/" + jName, `journal /Users/bert/../bert/.sanctum/.driftmap/` + jName + ` is not a clean absolute path inside the root`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := mkTree(t, nil)
			applyPlan(t, root, undoPlan())
			if tc.change != nil {
				tc.change(t, root)
			}
			before := snapshot(t, root)
			_, err := Undo(root, tc.path)
			if tc.refused {
				if got := refusal(t, err); len(got) != 1 || got[0] != tc.want {
					t.Errorf("Undo: %q\nwant %q", got, tc.want)
				}
			} else if err == nil || err.Error() != tc.want {
				t.Errorf("Undo: %v\nwant %s", err, tc.want)
			}
			sameTree(t, "a refused undo", root, before)
		})
	}
}

// TestUndoKeepsBusyJournalDirectory: a journal directory fix made that
// holds something else by the time of the undo is kept.
func TestUndoKeepsBusyJournalDirectory(t *testing.T) {
	root := mkTree(t, nil)
	j := applyPlan(t, root, undoPlan())
	writeFile(t, root, jDir+"/notes", "mine\n", 0o600)
	res, err := Undo(root, j.Path)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Removed, []string{j.Path}) {
		t.Errorf("Removed = %q, want just the journal", res.Removed)
	}
	if got := hostState(t, root, jDir+"/notes"); got != `file 0600 "mine\n"` {
		t.Errorf("%s/notes: %s", jDir, got)
	}
}
