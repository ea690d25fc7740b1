package render

import (
	"errors"
	"fmt"
	"os"
	"path"

	"github.com/driftmap/driftmap/sources/rootfs"
)

// Test hooks: run, when set, before ApplyOps starts op i and before Undo
// starts reverting op i, so that a test can change the tree meanwhile.
var testHookBeforeOp, testHookBeforeRevert func(i int)

// runOp carries out op i of the plan (see ApplyOps): it checks the op
// again, just before it acts, performs it through a handle on Path's
// directory, then marks it done in the journal with the state it left.
func runOp(t *tree, w journalFile, j *Journal, ops []Op, i int) error {
	if testHookBeforeOp != nil {
		testHookBeforeOp(i)
	}
	op := ops[i]
	dir, base := path.Dir(op.Path), path.Base(op.Path)
	stop := func(why string) error {
		return &RefusedError{fmt.Sprintf("%s: %s; stopped before it: %s", opName(i, op), why, doneSoFar(i, j.Path))}
	}
	r, err := t.openDir(dir)
	if err != nil {
		return stop(describeErr(err))
	}
	defer r.Close()
	recheck := func() error {
		if !t.sameDir(r, dir) {
			return stop(fmt.Sprintf("directory %s changed since fix opened it", dir))
		}
		if _, why := checkOp(newView(t), j, op); why != "" {
			return stop(why)
		}
		return nil
	}
	done := false
	switch op.Kind {
	case OpMkdir:
		if err = recheck(); err == nil {
			if err = r.Mkdir(base, op.Mode); err == nil {
				done = true
				err = chmodIn(r, base, op.Mode)
			}
		}
	case OpWrite:
		err = replaceFile(r, base, op.Data, op.Mode, true, recheck)
		done = err == nil
	case OpRename:
		if err = recheck(); err == nil {
			err = r.Rename(base, path.Base(op.To))
			done = err == nil
		}
	case OpChmod:
		if err = recheck(); err == nil {
			err = chmodIn(r, base, op.Mode)
			done = err == nil
		}
	}
	if !done {
		var refused *RefusedError
		if errors.As(err, &refused) {
			return err
		}
		return fmt.Errorf("%s: %s; stopped: %s", opName(i, op), rootfs.Reason(err), doneSoFar(i, j.Path))
	}
	jop := &j.Ops[i]
	jop.Done = true
	jop.After, jop.AfterTo = leftBy(r, op)
	if serr := w.save(j); serr != nil {
		return fmt.Errorf("%s was done, but the journal %s could not record it (%s); undo cannot revert it", opName(i, op), j.Path, rootfs.Reason(serr))
	}
	if err != nil {
		return fmt.Errorf("%s: %s; stopped after it: %s", opName(i, op), rootfs.Reason(err), doneSoFar(i+1, j.Path))
	}
	return nil
}

// leftBy returns the states op left at Path and, for a rename, at To,
// as read from r (Path's directory); what the op was to leave when they
// cannot be read (Undo then finds out whether they hold).
func leftBy(r *os.Root, op Op) (after, afterTo FileState) {
	after, afterTo = effect(op, op.Before)
	if st, _, err := lookIn(r, path.Base(op.Path)); err == nil {
		after = st
	}
	if op.Kind == OpRename {
		if st, _, err := lookIn(r, path.Base(op.To)); err == nil {
			afterTo = st
		}
	}
	return after, afterTo
}

// doneSoFar says, after the first n ops were done, what was and where it
// is recorded.
func doneSoFar(n int, journal string) string {
	switch n {
	case 0:
		return "nothing was changed (the journal " + journal + " records the plan)"
	case 1:
		return "op 1 was done, and the journal " + journal + " records it"
	}
	return fmt.Sprintf("ops 1 to %d were done, and the journal %s records them", n, journal)
}
