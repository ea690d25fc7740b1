package render

import (
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/driftmap/driftmap/sources/sourcetest"
)

// TestApplyOpsThenUndo applies plans of every op kind, checks what each
// left (and that nothing else changed but the journal), then undoes them
// and checks the tree is byte for byte and mode for mode as before.
func TestApplyOpsThenUndo(t *testing.T) {
	vm := fileState(vmData, 0o644)
	for _, tc := range []struct {
		name       string
		extra      map[string]node
		journalDir string // default jDir
		ops        []Op
		want       map[string]string // after apply: path -> hostState
		reverted   []string          // Undo's Reverted, as strings
		removed    []string          // Undo's Removed after the journal
	}{{
		name:     "mkdir, its mode exact whatever the umask",
		ops:      []Op{mkdirOp(logs, 0o775)},
		want:     map[string]string{logs: "dir 0775"},
		reverted: []string{"removed directory " + logs},
		removed:  []string{jDir},
	}, {
		name:     "write creates a file, its mode exact whatever the umask",
		ops:      []Op{writeOp(mailYML, "name: mail\n", 0o664, FileState{})},
		want:     map[string]string{mailYML: `file 0664 "name: mail\n"`},
		reverted: []string{"removed " + mailYML},
		removed:  []string{jDir},
	}, {
		name:     "write replaces an empty file",
		extra:    map[string]node{mailYML: {mode: 0o600}},
		ops:      []Op{writeOp(mailYML, "name: mail\n", 0o644, fileState("", 0o600))},
		want:     map[string]string{mailYML: `file 0644 "name: mail\n"`},
		reverted: []string{"restored " + mailYML + " as it was: a file (0600, 0 bytes)"},
		removed:  []string{jDir},
	}, {
		name:     "write replaces a file, content and mode",
		ops:      []Op{writeOp(vmYAML, "name: vm\nport: 2200\n", 0o640, vm)},
		want:     map[string]string{vmYAML: `file 0640 "name: vm\nport: 2200\n"`},
		reverted: []string{"restored " + vmYAML + " as it was: a file (0644, 20 bytes)"},
		removed:  []string{jDir},
	}, {
		name:     "rename",
		ops:      []Op{renameOp(vmPlist, vmPlist+".retired-2026-03-01", fileState(plistData, 0o644))},
		want:     map[string]string{vmPlist: "absent", vmPlist + ".retired-2026-03-01": `file 0644 "<plist><dict/></plist>\n"`},
		reverted: []string{"renamed " + vmPlist + ".retired-2026-03-01 back to " + vmPlist},
		removed:  []string{jDir},
	}, {
		name:     "chmod",
		ops:      []Op{chmodOp(triage, 0o755, fileState(triageData, 0o644))},
		want:     map[string]string{triage: `file 0755 "#!/bin/sh\nexec triage\n"`},
		reverted: []string{"restored the mode of " + triage + " (0644)"},
		removed:  []string{jDir},
	}, {
		name: "writes into the directories earlier ops make",
		ops: []Op{
			mkdirOp(logs, 0o755),
			mkdirOp(logs+"/sanctum", 0o700),
			writeOp(logs+"/sanctum/README", "logs\n", 0o644, FileState{}),
			renameOp(logs+"/sanctum/README", logs+"/sanctum/README.txt", fileState("logs\n", 0o644)),
		},
		want: map[string]string{
			logs:                         "dir 0755",
			logs + "/sanctum":            "dir 0700",
			logs + "/sanctum/README":     "absent",
			logs + "/sanctum/README.txt": `file 0644 "logs\n"`,
		},
		reverted: []string{
			"renamed " + logs + "/sanctum/README.txt back to " + logs + "/sanctum/README",
			"removed " + logs + "/sanctum/README",
			"removed directory " + logs + "/sanctum",
			"removed directory " + logs,
		},
		removed: []string{jDir},
	}, {
		name: "ops on one path, each checked against the state the one before leaves",
		ops: []Op{
			writeOp(vmYAML, "v2\n", 0o644, vm),
			writeOp(vmYAML, "v3\n", 0o600, fileState("v2\n", 0o644)),
			chmodOp(vmYAML, 0o640, fileState("v3\n", 0o600)),
			renameOp(vmYAML, vmYAML+".old", fileState("v3\n", 0o640)),
			writeOp(vmYAML, "v4\n", 0o644, FileState{}),
		},
		want: map[string]string{vmYAML: `file 0644 "v4\n"`, vmYAML + ".old": `file 0640 "v3\n"`},
		reverted: []string{
			"removed " + vmYAML,
			"renamed " + vmYAML + ".old back to " + vmYAML,
			"restored the mode of " + vmYAML + " (0600)",
			"restored " + vmYAML + " as it was: a file (0644, 3 bytes)",
			"restored " + vmYAML + " as it was: a file (0644, 20 bytes)",
		},
		removed: []string{jDir},
	}, {
		name:       "journal directory and its missing parents made, then removed",
		journalDir: "/var/db/driftmap/journals",
		extra:      map[string]node{"/var": {dir: true}},
		ops:        []Op{chmodOp(triage, 0o700, fileState(triageData, 0o644))},
		want:       map[string]string{triage: `file 0700 "#!/bin/sh\nexec triage\n"`, "/var/db": "dir 0700", "/var/db/driftmap": "dir 0700"},
		reverted:   []string{"restored the mode of " + triage + " (0644)"},
		removed:    []string{"/var/db/driftmap/journals", "/var/db/driftmap", "/var/db"},
	}, {
		name:     "journal directory that exists is kept",
		extra:    map[string]node{jDir: {dir: true, mode: 0o755}, jDir + "/notes": {data: "mine\n"}},
		ops:      []Op{chmodOp(triage, 0o755, fileState(triageData, 0o644))},
		want:     map[string]string{triage: `file 0755 "#!/bin/sh\nexec triage\n"`, jDir: "dir 0755", jDir + "/notes": `file 0644 "mine\n"`},
		reverted: []string{"restored the mode of " + triage + " (0644)"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			root := mkTree(t, tc.extra)
			jdir := orDefault(tc.journalDir, jDir)
			before := snapshot(t, root)
			j, err := ApplyOps(root, tc.ops, ApplyOptions{JournalDir: jdir, Now: fixNow})
			if err != nil {
				t.Fatalf("ApplyOps: %v", err)
			}
			for p, want := range tc.want {
				if got := hostState(t, root, p); got != want {
					t.Errorf("after apply, %s: %s, want %s", p, got, want)
				}
			}
			// Nothing changed but the paths of the plan and the journal.
			after := snapshot(t, root)
			for _, line := range strings.Split(sourcetest.DiffTrees(before, after), "\n") {
				p := "/" + line[2:]
				if _, ok := tc.want[p]; !ok && p != jdir && !strings.HasPrefix(p, jdir+"/") {
					t.Errorf("apply changed %s, which is not in the plan", line)
				}
			}
			checkJournal(t, root, j, jdir, len(tc.ops))

			res, err := Undo(root, j.Path)
			if err != nil {
				t.Fatalf("Undo: %v", err)
			}
			var got []string
			for _, r := range res.Reverted {
				got = append(got, r.String())
			}
			if !slices.Equal(got, tc.reverted) {
				t.Errorf("Reverted:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.reverted, "\n"))
			}
			if want := append([]string{j.Path}, tc.removed...); !slices.Equal(res.Removed, want) {
				t.Errorf("Removed = %q, want %q", res.Removed, want)
			}
			sameTree(t, "apply then undo", root, before)
		})
	}
}

// checkJournal checks the journal ApplyOps returned against the file it
// wrote: name, modes, every op done, and the file parses to the same
// journal.
func checkJournal(t *testing.T, root string, j *Journal, jdir string, n int) {
	t.Helper()
	if j.Path != jdir+"/"+jName {
		t.Errorf("journal at %s, want %s", j.Path, jdir+"/"+jName)
	}
	if got := hostState(t, root, j.Path); !strings.HasPrefix(got, "file 0600 ") {
		t.Errorf("journal: %s, want mode 0600", got)
	}
	if len(j.CreatedDirs) > 0 {
		if got := hostState(t, root, jdir); got != "dir 0700" {
			t.Errorf("journal directory: %s, want dir 0700", got)
		}
	}
	if j.Created != "2026-03-01T09:30:00Z" || len(j.Ops) != n {
		t.Errorf("journal created %s with %d ops", j.Created, len(j.Ops))
	}
	for i, op := range j.Ops {
		if !op.Done || op.Undone || op.Data != nil {
			t.Errorf("journal op %d: done %v, undone %v, data kept %v", i+1, op.Done, op.Undone, op.Data != nil)
		}
	}
	onDisk := readJournalFile(t, root, j.Path)
	onDisk.Path = j.Path
	if !reflect.DeepEqual(onDisk, j) {
		t.Errorf("the journal on disk differs from the one returned:\n%+v\n%+v", onDisk, j)
	}
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// TestApplyOpsEmptyPlan: nothing to do writes nothing, no journal either.
func TestApplyOpsEmptyPlan(t *testing.T) {
	root := mkTree(t, nil)
	before := snapshot(t, root)
	j, err := ApplyOps(root, nil, ApplyOptions{JournalDir: jDir, Now: fixNow})
	if err != nil || j != nil {
		t.Errorf("ApplyOps(no ops) = %v, %v", j, err)
	}
	sameTree(t, "an empty plan", root, before)
}

// TestApplyOpsJournalNames: a journal never replaces another; the name
// of the second, third... of one second gets -2, -3...
func TestApplyOpsJournalNames(t *testing.T) {
	taken := map[string]node{
		jDir + "/" + jName:                        {data: "first\n", mode: 0o600},
		jDir + "/journal-20260301T093000Z-2.json": {link: "/elsewhere"},
	}
	root := mkTree(t, taken)
	start := snapshot(t, root)
	var paths []string
	for i, mode := range []os.FileMode{0o755, 0o700} {
		before := fileState(triageData, []os.FileMode{0o644, 0o755}[i])
		j, err := ApplyOps(root, []Op{chmodOp(triage, mode, before)}, ApplyOptions{JournalDir: jDir, Now: fixNow})
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, j.Path)
	}
	want := []string{jDir + "/journal-20260301T093000Z-3.json", jDir + "/journal-20260301T093000Z-4.json"}
	if !slices.Equal(paths, want) {
		t.Errorf("journals written at %q, want %q", paths, want)
	}
	for p, n := range taken {
		want := `file 0600 "first\n"`
		if n.link != "" {
			want = "symlink -> " + n.link
		}
		if got := hostState(t, root, p); got != want {
			t.Errorf("%s: %s, want it untouched (%s)", p, got, want)
		}
	}
	entries, err := os.ReadDir(hostPath(root, jDir))
	sourcetest.Must(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if len(names) != 4 {
		t.Errorf("journal directory holds %q: a temporary was left?", names)
	}
	// Undo the second, then the first: the journals of others stay, and
	// the tree is as it was.
	for _, p := range []string{want[1], want[0]} {
		if _, err := Undo(root, p); err != nil {
			t.Fatalf("Undo(%s): %v", p, err)
		}
	}
	sameTree(t, "two applies and their undos", root, start)
}
