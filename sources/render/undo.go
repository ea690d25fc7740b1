package render

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/driftmap/driftmap/sources/rootfs"
)

// UndoResult is what Undo did.
type UndoResult struct {
	// Reverted lists the ops reverted, in the order they were: the done
	// ops of the journal, last first.
	Reverted []Reverted
	// Removed lists the journal, then the journal directories removed
	// (deepest first). A journal directory that is not empty (it holds
	// another journal) is kept.
	Removed []string
}

// Reverted is one op Undo reverted.
type Reverted struct {
	Kind OpKind // the op reverted
	Path string
	To   string // a rename's target, renamed back to Path
	// Action is what Undo did: "removed" (a file the op created),
	// "restored" (the file a write replaced, content and mode),
	// "removed directory", "renamed back", "restored mode".
	Action string
	// State is what Path holds again (absent after a removal).
	State FileState
}

// String says what was done, for people: "restored
// /Users/bert/.sanctum/services/vm.yaml as it was: a file (0644, 412
// bytes)".
func (r Reverted) String() string {
	switch r.Action {
	case "renamed back":
		return fmt.Sprintf("renamed %s back to %s", r.To, r.Path)
	case "removed", "removed directory":
		return fmt.Sprintf("%s %s", r.Action, r.Path)
	case "restored mode":
		return fmt.Sprintf("restored the mode of %s (%04o)", r.Path, uint32(r.State.Mode))
	}
	return fmt.Sprintf("restored %s as it was: %s", r.Path, article(r.State))
}

// Undo reverts what ApplyOps did, by the journal at journalPath (a path
// inside the host directory root, read through the root, at most 64 MiB,
// and refused when reached through a symlink or written for another
// directory). It reverts exactly the done ops, last first: a file a write
// created is removed, a file a write replaced gets its bytes and mode
// back (atomically), a directory a mkdir made is removed (empty), a
// rename is renamed back, a chmod's old mode is restored.
//
// Before it changes anything it checks that every done op's after-state
// still holds, as the ops after it leave the tree once reverted: the file
// a write left still has that content and mode, a renamed file is still
// at To and nothing is at its old name, a directory fix made holds
// nothing but what later ops of the journal put there. When anything
// changed, it returns a *RefusedError listing every such path and what
// changed, one a line, and changes nothing. Each op is checked again just
// before it is reverted, and the journal rewritten after it (the op
// marked undone), so an undo that stops part way can be run again.
//
// Once every op is reverted it removes the journal, and the journal
// directories the journal says ApplyOps made while they are empty: the
// tree is then what it was before ApplyOps, modes included.
func Undo(root, journalPath string) (UndoResult, error) {
	var res UndoResult
	if !cleanAbs(journalPath) {
		return res, fmt.Errorf("journal %s is not a clean absolute path inside the root", show(journalPath))
	}
	t, err := openTree(root)
	if err != nil {
		return res, err
	}
	defer t.close()
	jdir, jname := path.Dir(journalPath), path.Base(journalPath)
	dir, err := t.openDir(jdir)
	if err != nil {
		return res, &RefusedError{fmt.Sprintf("journal %s: %s; refusing to read it", journalPath, describeErr(err))}
	}
	defer dir.Close()
	st, data, err := lookIn(dir, jname)
	switch {
	case err != nil:
		return res, fmt.Errorf("journal %s: %s", journalPath, describeErr(err))
	case !st.Exists:
		return res, fmt.Errorf("journal %s does not exist", journalPath)
	case st.Type != "file":
		return res, &RefusedError{fmt.Sprintf("journal %s is %s, not a regular file; refusing to read it", journalPath, article(st))}
	}
	j, err := ReadJournal(data)
	if err != nil {
		return res, fmt.Errorf("%s: %w", journalPath, err)
	}
	if j.Dir != jdir {
		return res, &RefusedError{fmt.Sprintf("journal %s was written in %s; refusing to undo it from elsewhere", journalPath, j.Dir)}
	}
	j.Path = journalPath
	if lines := checkUndo(t, j); len(lines) > 0 {
		return res, &RefusedError{fmt.Sprintf("refusing to undo %s; nothing was changed:\n%s", journalPath, strings.Join(lines, "\n"))}
	}
	w := journalFile{dir: dir, name: jname}
	for i := len(j.Ops) - 1; i >= 0; i-- {
		if !j.Ops[i].Done {
			continue
		}
		rv, err := revert(t, j, i, len(res.Reverted))
		if err != nil {
			return res, err
		}
		res.Reverted = append(res.Reverted, rv)
		j.Ops[i].Done, j.Ops[i].Undone = false, true
		if err := w.save(j); err != nil {
			return res, fmt.Errorf("%s was reverted, but the journal %s could not record it (%s)", opName(i, j.Ops[i].Op), journalPath, rootfs.Reason(err))
		}
	}
	if err := unlinkAt(dir, jname, false); err != nil {
		return res, fmt.Errorf("every op was reverted, but the journal %s could not be removed (%s)", journalPath, rootfs.Reason(err))
	}
	res.Removed = append(res.Removed, journalPath)
	for i := len(j.CreatedDirs) - 1; i >= 0; i-- {
		d := j.CreatedDirs[i]
		r, err := t.openDir(path.Dir(d))
		if err != nil {
			break
		}
		err = unlinkAt(r, path.Base(d), true)
		r.Close()
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			break // not empty: it, and so its parents, stay
		}
		res.Removed = append(res.Removed, d)
	}
	return res, nil
}

// checkUndo checks every done op of j, last first, against the tree as
// reverting the ops after it leaves it, and returns a line for each path
// that changed since, in plan order.
func checkUndo(t *tree, j *Journal) []string {
	v := newView(t)
	var groups [][]string
	for i := len(j.Ops) - 1; i >= 0; i-- {
		op := &j.Ops[i]
		if !op.Done {
			continue
		}
		groups = append(groups, undoProblems(v, op))
		_, data, _ := v.state(op.Path)
		switch op.Kind {
		case OpWrite:
			v.set(op.Path, op.Before, op.Replaced)
		case OpMkdir:
			v.set(op.Path, FileState{}, nil)
		case OpRename:
			_, moved, _ := v.state(op.To)
			v.set(op.Path, op.AfterTo, moved)
			v.set(op.To, FileState{}, nil)
		case OpChmod:
			v.set(op.Path, op.Before, data)
		}
	}
	slices.Reverse(groups)
	return slices.Concat(groups...)
}

// undoProblems says, one line a path, why op cannot be reverted in the
// tree as v shows it: what changed since fix did it.
func undoProblems(v *view, op *JournalOp) []string {
	p := op.Path
	if s := v.dirProblem(path.Dir(p)); s != "" {
		return []string{p + ": " + s}
	}
	cur, _, err := v.state(p)
	if err != nil {
		return []string{p + ": " + describeErr(err)}
	}
	if op.Kind == OpRename {
		var out []string
		if cur.Exists {
			out = append(out, fmt.Sprintf("%s: appeared since fix renamed it to %s (%s); refusing to replace it", p, op.To, article(cur)))
		}
		to, _, err := v.state(op.To)
		switch {
		case err != nil:
			out = append(out, op.To+": "+describeErr(err))
		case differs(op.AfterTo, to) != "":
			out = append(out, fmt.Sprintf("%s: changed since fix renamed %s to it (%s)", op.To, p, differs(op.AfterTo, to)))
		}
		return out
	}
	if d := differs(op.After, cur); d != "" {
		verb := map[OpKind]string{OpWrite: "wrote", OpMkdir: "created", OpChmod: "changed the mode of"}[op.Kind]
		return []string{fmt.Sprintf("%s: changed since fix %s it (%s)", p, verb, d)}
	}
	if op.Kind != OpMkdir {
		return nil
	}
	names, err := v.t.listDir(p)
	if err != nil {
		return []string{p + ": " + describeErr(err)}
	}
	var extra []string
	for _, n := range names {
		if st, ok := v.sim[path.Join(p, n)]; ok && !st.Exists {
			continue // a later op's, reverted by then
		}
		extra = append(extra, show(n))
	}
	switch {
	case len(extra) == 0:
		return nil
	case len(extra) > 5:
		extra = append(extra[:5], fmt.Sprintf("and %d more", len(extra)-5))
	}
	return []string{fmt.Sprintf("%s: holds what fix did not put there (%s); refusing to remove the directory fix created", p, strings.Join(extra, ", "))}
}

// revert reverts op i of j, checking it again just before; n ops were
// reverted before it.
func revert(t *tree, j *Journal, i, n int) (Reverted, error) {
	if testHookBeforeRevert != nil {
		testHookBeforeRevert(i)
	}
	op := j.Ops[i]
	dir, base := path.Dir(op.Path), path.Base(op.Path)
	rv := Reverted{Kind: op.Kind, Path: op.Path, To: op.To}
	stop := func(why string) error {
		return &RefusedError{fmt.Sprintf("%s; stopped before reverting %s: %s", why, opName(i, op.Op), revertedSoFar(n, j.Path))}
	}
	r, err := t.openDir(dir)
	if err != nil {
		return rv, stop(op.Path + ": " + describeErr(err))
	}
	defer r.Close()
	recheck := func() error {
		if !t.sameDir(r, dir) {
			return stop(fmt.Sprintf("directory %s changed since undo opened it", dir))
		}
		if lines := undoProblems(newView(t), &op); len(lines) > 0 {
			return stop(strings.Join(lines, "; "))
		}
		return nil
	}
	switch {
	case op.Kind == OpWrite && op.Before.Exists:
		rv.Action, rv.State = "restored", op.Before
		err = replaceFile(r, base, op.Replaced, op.Before.Mode, true, recheck)
	case op.Kind == OpWrite:
		rv.Action = "removed"
		if err = recheck(); err == nil {
			err = unlinkAt(r, base, false)
		}
	case op.Kind == OpMkdir:
		rv.Action = "removed directory"
		if err = recheck(); err == nil {
			err = unlinkAt(r, base, true)
		}
	case op.Kind == OpRename:
		rv.Action, rv.State = "renamed back", op.AfterTo
		if err = recheck(); err == nil {
			err = r.Rename(path.Base(op.To), base)
		}
	case op.Kind == OpChmod:
		rv.Action, rv.State = "restored mode", op.Before
		if err = recheck(); err == nil {
			err = chmodIn(r, base, op.Before.Mode)
		}
	}
	var refused *RefusedError
	if err != nil && !errors.As(err, &refused) {
		err = fmt.Errorf("reverting %s: %s; stopped: %s", opName(i, op.Op), rootfs.Reason(err), revertedSoFar(n, j.Path))
	}
	return rv, err
}

// revertedSoFar says, after n ops were reverted, what was and where it is
// recorded.
func revertedSoFar(n int, journal string) string {
	switch n {
	case 0:
		return "nothing was changed"
	case 1:
		return "1 op was reverted, and the journal " + journal + " records which"
	}
	return fmt.Sprintf("%d ops were reverted, and the journal %s records which", n, journal)
}
