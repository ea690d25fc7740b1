package render

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/driftmap/driftmap/sources/sourcetest"
)

// These tests hold ApplyOps to its first promise: when any op of a plan
// no longer fits the tree, it refuses, lists every such op, and writes
// nothing at all (not even the journal).

const refusedHead = "refusing to apply the fix plan; nothing was written:"

// refuseCase is a plan that ApplyOps must refuse, once change (when set)
// has changed the tree the plan was made for.
type refuseCase struct {
	name   string
	extra  map[string]node
	change func(t *testing.T, root string)
	ops    []Op
	jdir   string   // default jDir
	want   []string // the refusal's lines
}

func runRefuseCases(t *testing.T, cases []refuseCase, outside string) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root := mkTree(t, tc.extra)
			if tc.change != nil {
				tc.change(t, root)
			}
			before := snapshot(t, root)
			var out map[string]string
			if outside != "" {
				out = snapshot(t, outside)
			}
			j, err := ApplyOps(root, tc.ops, ApplyOptions{JournalDir: orDefault(tc.jdir, jDir), Now: fixNow})
			if got := refusal(t, err); !slices.Equal(got, tc.want) {
				t.Errorf("refusal:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			if j != nil {
				t.Errorf("ApplyOps returned a journal (%s) with its refusal", j.Path)
			}
			sameTree(t, "a refused apply", root, before)
			if outside != "" {
				sameTree(t, "a refused apply (outside the root)", outside, out)
			}
		})
	}
}

func writeFile(t *testing.T, root, p, data string, mode os.FileMode) {
	t.Helper()
	sourcetest.Must(t, os.WriteFile(hostPath(root, p), []byte(data), mode))
	sourcetest.Must(t, os.Chmod(hostPath(root, p), mode))
}

// TestApplyOpsRefusesChangedTree: the tree changed since the plan was
// made (content, mode, a file that appeared or vanished, or changed type).
func TestApplyOpsRefusesChangedTree(t *testing.T) {
	vm, tr, pl := fileState(vmData, 0o644), fileState(triageData, 0o644), fileState(plistData, 0o644)
	plan := []Op{
		writeOp(vmYAML, "name: vm\nport: 2200\n", 0o644, vm),
		chmodOp(triage, 0o755, tr),
		writeOp(mailYML, "name: mail\n", 0o644, FileState{}),
		renameOp(vmPlist, vmPlist+".retired", pl),
		mkdirOp(logs, 0o755),
	}
	content := func(t *testing.T, root string) { writeFile(t, root, vmYAML, "name: vm\nport: 2223\n", 0o644) }
	mode := func(t *testing.T, root string) { sourcetest.Must(t, os.Chmod(hostPath(root, triage), 0o600)) }
	appeared := func(t *testing.T, root string) { writeFile(t, root, mailYML, "hand\n", 0o644) }
	vanished := func(t *testing.T, root string) { sourcetest.Must(t, os.Remove(hostPath(root, vmPlist))) }
	dirNow := func(t *testing.T, root string) { sourcetest.Must(t, os.Mkdir(hostPath(root, logs), 0o750)) }
	lines := map[string]string{
		"content":  "op 1 (write " + vmYAML + "): changed since the plan was made (sha256 differs)",
		"mode":     "op 2 (chmod " + triage + "): changed since the plan was made (mode 0600, expected 0644)",
		"appeared": "op 3 (write " + mailYML + "): changed since the plan was made (it exists now: a file (0644, 5 bytes))",
		"vanished": "op 4 (rename " + vmPlist + " to " + vmPlist + ".retired): changed since the plan was made (it no longer exists)",
		"dir":      "op 5 (mkdir " + logs + "): changed since the plan was made (it exists now: a directory (0750))",
	}
	cases := []refuseCase{
		{name: "content", change: content, ops: plan, want: []string{refusedHead, lines["content"]}},
		{name: "mode", change: mode, ops: plan, want: []string{refusedHead, lines["mode"]}},
		{name: "appeared", change: appeared, ops: plan, want: []string{refusedHead, lines["appeared"]}},
		{name: "vanished", change: vanished, ops: plan, want: []string{refusedHead, lines["vanished"]}},
		{name: "a directory where mkdir would make one", change: dirNow, ops: plan, want: []string{refusedHead, lines["dir"]}},
		{name: "every change listed", ops: plan,
			change: func(t *testing.T, root string) {
				for _, c := range []func(*testing.T, string){content, mode, appeared, vanished, dirNow} {
					c(t, root)
				}
			},
			want: []string{refusedHead, lines["content"], lines["mode"], lines["appeared"], lines["vanished"], lines["dir"]}},
		{name: "a file that became a directory", ops: plan[:1],
			change: func(t *testing.T, root string) {
				sourcetest.Must(t, os.Remove(hostPath(root, vmYAML)))
				sourcetest.Must(t, os.Mkdir(hostPath(root, vmYAML), 0o755))
			},
			want: []string{refusedHead, "op 1 (write " + vmYAML + "): changed since the plan was made (it is now a directory (0755), not a file (0644, 20 bytes))"}},
		{name: "same size, other content, other mode", ops: plan[:1],
			change: func(t *testing.T, root string) { writeFile(t, root, vmYAML, "name: vm\nport: 2223\n", 0o600) },
			want:   []string{refusedHead, "op 1 (write " + vmYAML + "): changed since the plan was made (mode 0600, expected 0644, sha256 differs)"}},
		{name: "a file that grew", ops: plan[:1],
			change: func(t *testing.T, root string) { writeFile(t, root, vmYAML, vmData+"x: 1\n", 0o644) },
			want:   []string{refusedHead, "op 1 (write " + vmYAML + "): changed since the plan was made (25 bytes, expected 20, sha256 differs)"}},
		{name: "a missing parent", ops: []Op{writeOp("/Users/bert/nowhere/x", "x", 0o644, FileState{})},
			want: []string{refusedHead, "op 1 (write /Users/bert/nowhere/x): directory /Users/bert/nowhere does not exist"}},
		{name: "a parent that is a file", ops: []Op{mkdirOp(vmYAML+"/sub", 0o755)},
			want: []string{refusedHead, "op 1 (mkdir " + vmYAML + "/sub): " + vmYAML + " is not a directory"}},
		{name: "a parent an earlier op of the plan makes a file", ops: []Op{writeOp(logs, "x", 0o644, FileState{}), mkdirOp(logs+"/sanctum", 0o755)},
			want: []string{refusedHead, "op 2 (mkdir " + logs + "/sanctum): " + logs + " is not a directory"}},
		{name: "a second op planned against the wrong state", ops: []Op{writeOp(vmYAML, "v2\n", 0o644, vm), chmodOp(vmYAML, 0o600, vm)},
			want: []string{refusedHead, "op 2 (chmod " + vmYAML + "): changed since the plan was made (3 bytes, expected 20, sha256 differs)"}},
		{name: "each op is checked against what the plan means to leave", ops: []Op{mkdirOp(logs, 0o755), writeOp(logs+"/a", "a", 0o644, FileState{})},
			change: dirNow,
			want:   []string{refusedHead, strings.Replace(lines["dir"], "op 5", "op 1", 1)}},
	}
	runRefuseCases(t, cases, "")
}

// TestApplyOpsRefusesSymlinks: no op acts on a symlink or through one,
// whether it points inside the root or outside, and nothing outside the
// root is ever touched.
func TestApplyOpsRefusesSymlinks(t *testing.T) {
	outside := t.TempDir()
	addNodes(t, outside, map[string]node{"/services/vm.yaml": {data: vmData}, "/file": {data: vmData}, "/journal": {dir: true}})
	vm := fileState(vmData, 0o644)
	services := "/Users/bert/.sanctum/services"
	tts := "/Users/bert/.sanctum/bin/tts-warmup"
	cases := []refuseCase{
		{name: "a directory on the way links outside",
			extra: map[string]node{services: {link: outside + "/services"}, vmYAML: {none: true}},
			ops:   []Op{writeOp(vmYAML, "x\n", 0o644, vm), chmodOp(vmYAML, 0o600, vm), writeOp(mailYML, "m\n", 0o644, FileState{})},
			want: []string{refusedHead,
				"op 1 (write " + vmYAML + "): it is reached through a symlink (" + services + "); refusing to follow it",
				"op 2 (chmod " + vmYAML + "): it is reached through a symlink (" + services + "); refusing to follow it",
				"op 3 (write " + mailYML + "): it is reached through a symlink (" + services + "); refusing to follow it"}},
		{name: "a directory on the way links inside the root",
			extra: map[string]node{"/Users/bert/.sanctum": {link: "/Users/bert/sanctum-real"}, "/Users/bert/sanctum-real/services/vm.yaml": {data: vmData}, vmYAML: {none: true}, triage: {none: true}, "/Users/bert/.sanctum/instance.yaml": {none: true}},
			ops:   []Op{writeOp(vmYAML, "x\n", 0o644, vm)},
			jdir:  "/Users/bert/.driftmap",
			want:  []string{refusedHead, "op 1 (write " + vmYAML + "): it is reached through a symlink (/Users/bert/.sanctum); refusing to follow it"}},
		{name: "the target is a symlink",
			extra: map[string]node{vmYAML: {link: outside + "/file"}, triage: {link: "vm.yaml"}, vmPlist: {link: "../../.sanctum/services/vm.yaml"}, tts: {link: outside + "/nowhere"}},
			ops:   []Op{writeOp(vmYAML, "x\n", 0o644, vm), chmodOp(triage, 0o755, vm), renameOp(vmPlist, vmPlist+".old", vm), writeOp(tts, "x\n", 0o644, FileState{})},
			want: []string{refusedHead,
				"op 1 (write " + vmYAML + "): it is a symlink; refusing to act on it or through it",
				"op 2 (chmod " + triage + "): it is a symlink; refusing to act on it or through it",
				"op 3 (rename " + vmPlist + " to " + vmPlist + ".old): it is a symlink; refusing to act on it or through it",
				"op 4 (write " + tts + "): it is a symlink; refusing to act on it or through it"}},
		{name: "the rename target exists",
			extra: map[string]node{vmPlist + ".old": {data: "kept\n"}, vmYAML + ".old": {link: outside + "/nowhere"}},
			ops:   []Op{renameOp(vmPlist, vmPlist+".old", fileState(plistData, 0o644)), renameOp(vmYAML, vmYAML+".old", vm)},
			want: []string{refusedHead,
				"op 1 (rename " + vmPlist + " to " + vmPlist + ".old): the target " + vmPlist + ".old exists (a file (0644, 5 bytes)); refusing to replace it",
				"op 2 (rename " + vmYAML + " to " + vmYAML + ".old): the target " + vmYAML + ".old exists (a symlink); refusing to replace it"}},
		{name: "the rename target is what an earlier op writes",
			ops: []Op{writeOp(vmYAML+".old", "x", 0o644, FileState{}), renameOp(vmYAML, vmYAML+".old", vm)},
			want: []string{refusedHead,
				"op 2 (rename " + vmYAML + " to " + vmYAML + ".old): the target " + vmYAML + ".old exists (a file (0644, 1 bytes)); refusing to replace it"}},
		{name: "the journal directory links outside",
			extra: map[string]node{jDir: {link: outside + "/journal"}},
			ops:   []Op{chmodOp(triage, 0o755, fileState(triageData, 0o644))},
			want:  []string{"journal directory " + jDir + " is reached through a symlink (" + jDir + "); refusing to write the journal through it"}},
		{name: "a directory on the journal's way links outside",
			extra: map[string]node{"/Users/bert/.local": {link: outside}},
			jdir:  "/Users/bert/.local/journal/driftmap",
			ops:   []Op{chmodOp(triage, 0o755, fileState(triageData, 0o644))},
			want:  []string{"journal directory /Users/bert/.local/journal/driftmap is reached through a symlink (/Users/bert/.local); refusing to write the journal through it"}},
		{name: "the journal directory is a file",
			extra: map[string]node{jDir: {data: "x"}},
			ops:   []Op{chmodOp(triage, 0o755, fileState(triageData, 0o644))},
			want:  []string{"journal directory " + jDir + ": " + jDir + " is a regular file, not a directory; refusing to write the journal"}},
	}
	runRefuseCases(t, cases, outside)
}

// TestApplyOpsRefusesMalformedOps: ops that are wrong on their face.
func TestApplyOpsRefusesMalformedOps(t *testing.T) {
	vm := fileState(vmData, 0o644)
	bad := writeOp(vmYAML, "x", 0o644, vm)
	bad.SHA256 = Hash([]byte("y"))
	cases := []struct {
		op   Op
		want string
	}{
		{writeOp("Users/bert/x", "x", 0o644, FileState{}), "op 1 (write <unclean path>): the path is not a clean absolute path"},
		{writeOp("/Users/bert/../x", "x", 0o644, FileState{}), "op 1 (write <unclean path>): the path is not a clean absolute path"},
		{writeOp("/Users/bert/x\nop 9 (write /etc/passwd): fine", "x", 0o644, FileState{}), "op 1 (write <unclean path>): the path is not a clean absolute path"},
		{mkdirOp("/", 0o755), "op 1 (mkdir <unclean path>): the path is not a clean absolute path"},
		{Op{Kind: "delete", Path: vmYAML, Before: vm}, "op 1 (<unknown> " + vmYAML + "): unknown operation"},
		{bad, "op 1 (write " + vmYAML + "): its sha256 is not that of its data"},
		{writeOp(vmYAML, "x", 0o4755, vm), "op 1 (write " + vmYAML + "): mode 4755 has bits beyond the permissions"},
		{chmodOp(triage, 0o755|os.ModeSetuid, fileState(triageData, 0o644)), "op 1 (chmod " + triage + "): mode 40000755 has bits beyond the permissions"},
		{renameOp(vmYAML, "/Users/bert/vm.yaml", vm), "op 1 (rename " + vmYAML + " to /Users/bert/vm.yaml): the rename target /Users/bert/vm.yaml is not in the same directory"},
		{renameOp(vmYAML, vmYAML, vm), "op 1 (rename " + vmYAML + " to " + vmYAML + "): a rename to itself"},
		{renameOp(logs, logs+".old", FileState{Exists: true, Type: "dir", Mode: 0o755}), "op 1 (rename " + logs + " to " + logs + ".old): a rename moves only a regular file"},
		{mkdirOp(logs, 0o755), ""},
		{Op{Kind: OpMkdir, Path: vmYAML, Mode: 0o755, Before: vm}, "op 1 (mkdir " + vmYAML + "): a mkdir must start where nothing exists"},
		{writeOp(logs, "x", 0o644, FileState{Exists: true, Type: "dir", Mode: 0o755}), "op 1 (write " + logs + "): a write replaces only a regular file"},
		{writeOp(vmYAML, "x", 0o644, FileState{Exists: true, Type: "file"}), "op 1 (write " + vmYAML + "): its planned state is malformed: a file state without a size and a sha256"},
		{Op{Kind: OpChmod, Path: triage, Mode: 0o755, To: "/x", Before: vm}, "op 1 (chmod " + triage + "): only a rename has a target"},
		{writeOp(jDir+"/x", "x", 0o644, FileState{}), "op 1 (write " + jDir + "/x): it is in the journal directory " + jDir + ", or one made for it; refusing to touch it"},
		{mkdirOp(jDir, 0o755), "op 1 (mkdir " + jDir + "): it is in the journal directory " + jDir + ", or one made for it; refusing to touch it"},
	}
	var rc []refuseCase
	for i, c := range cases {
		if c.want == "" {
			continue // the valid op, for contrast, in the combined case below
		}
		rc = append(rc, refuseCase{name: fmt.Sprintf("op %d", i+1), ops: []Op{c.op}, want: []string{refusedHead, c.want}})
	}
	// All at once, around a valid op: every bad one listed, in order.
	all := refuseCase{name: "all at once", want: []string{refusedHead}}
	for i, c := range cases {
		all.ops = append(all.ops, c.op)
		if c.want != "" {
			all.want = append(all.want, strings.Replace(c.want, "op 1 ", "op "+strconv.Itoa(i+1)+" ", 1))
		}
	}
	runRefuseCases(t, append(rc, all), "")
}

// TestApplyOpsNeverLeavesRoot: symlinks out of the root beside the
// plan's paths are left alone by apply and undo; one on the way (here
// the trick of issue 7: an absolute target through a component missing
// inside the root, then "..", which names the same directory inside the
// root as text but one outside on the host) is refused. The directory
// outside is never touched.
func TestApplyOpsNeverLeavesRoot(t *testing.T) {
	base := t.TempDir()
	outside := filepath.Join(base, "outside")
	addNodes(t, outside, map[string]node{"/logs": {dir: true}, "/file": {data: vmData}, "/Users/bert/.sanctum/services/vm.yaml": {data: vmData}})
	out := snapshot(t, outside)
	plan := []Op{
		writeOp(vmYAML, "v2\n", 0o644, fileState(vmData, 0o644)),
		writeOp(mailYML, "mail\n", 0o600, FileState{}),
		renameOp(vmPlist, vmPlist+".old", fileState(plistData, 0o644)),
		chmodOp(triage, 0o755, fileState(triageData, 0o644)),
	}

	root := mkTree(t, map[string]node{
		logs: {link: filepath.Join(outside, "logs")},
		"/Users/bert/.sanctum/services/link.yaml": {link: filepath.Join(outside, "file")},
		"/Users/bert/Library/LaunchAgents/up":     {link: "../../../../.."},
	})
	before := snapshot(t, root)
	j := applyPlan(t, root, plan)
	sameTree(t, "apply (outside the root)", outside, out)
	if _, err := Undo(root, j.Path); err != nil {
		t.Fatal(err)
	}
	sameTree(t, "apply and undo", root, before)
	sameTree(t, "undo (outside the root)", outside, out)

	// Issue 7: base/lnk -> base/a0/.../aN; N ".." from there lead back to
	// base, outside the root, where .sanctum's target ends.
	root = filepath.Join(base, "root")
	addNodes(t, root, map[string]node{"/Users/bert/Library/LaunchAgents/com.sanctum.vm.plist": {data: plistData}})
	n := len(strings.Split(strings.Trim(base, "/"), "/")) + 1
	deep := base
	for i := range n {
		deep = filepath.Join(deep, fmt.Sprintf("a%d", i))
	}
	sourcetest.Must(t, os.MkdirAll(deep, 0o755))
	sourcetest.Must(t, os.Symlink(deep, filepath.Join(base, "lnk")))
	target := filepath.Join(base, "lnk") + strings.Repeat("/..", n) + "/outside/Users/bert/.sanctum"
	sourcetest.Must(t, os.Symlink(target, hostPath(root, "/Users/bert/.sanctum")))
	before = snapshot(t, root)
	_, err := ApplyOps(root, plan[:1], ApplyOptions{JournalDir: "/Users/bert/.driftmap", Now: fixNow})
	want := []string{refusedHead, "op 1 (write " + vmYAML + "): it is reached through a symlink (/Users/bert/.sanctum); refusing to follow it"}
	if got := refusal(t, err); !slices.Equal(got, want) {
		t.Errorf("refusal:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	sameTree(t, "a refused apply", root, before)
	sameTree(t, "a refused apply (outside the root)", outside, out)
}
