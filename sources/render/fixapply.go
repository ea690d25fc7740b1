package render

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/driftmap/driftmap/sources/rootfs"
)

// ApplyOptions are the settings of ApplyOps.
type ApplyOptions struct {
	// JournalDir is the directory the journal is written in, a clean
	// absolute path inside the root ("/Users/bert/.sanctum/.driftmap").
	// It and its missing parents are created with mode 0700, and the
	// journal records which, so that Undo can remove them.
	JournalDir string
	// Now names the journal (journal-YYYYMMDDTHHMMSSZ.json, in UTC) and
	// is its creation time.
	Now time.Time
}

// maxJournalNames bounds the search for a free journal name in a second.
const maxJournalNames = 1000

// ApplyOps carries out the ops of a fix plan, in order, inside the host
// directory root (standing for "/"), and keeps a journal that Undo
// reverts them by. It is all or nothing up front:
//
//   - First every op is checked, each against the tree the ops before it
//     leave (an op may write into the directory an earlier op makes, or
//     act on a path an earlier op wrote): its Path must hold exactly
//     Before (existence, type, permissions, and a file's size and
//     SHA-256, read through the root and bounded); every directory from
//     the root down to Path's must be a directory, none a symlink; Path
//     may not be a symlink (a write replaces only a regular file, a
//     rename or chmod acts only on one, a mkdir only where nothing is); a
//     rename's To must be absent and in the same directory; a write's
//     SHA256 must be that of its Data; no op may touch the journal's
//     directories. When any op fails, ApplyOps returns a *RefusedError
//     listing every failing op, one a line, and writes nothing.
//   - Then the journal is written (see Journal), before anything is
//     changed: atomically (a complete temporary file, hard-linked to a
//     free name and removed), in JournalDir, created when missing.
//   - Then each op is carried out, after its check is made again just
//     before it (for a write, once the new content is on disk, just
//     before the rename): a mkdir through os.Root.Mkdir, a write as a
//     temporary file in the same directory, synced, then renamed over
//     Path, a rename through os.Root.Rename, a chmod through a handle on
//     the file itself. The journal is rewritten (atomically) after each,
//     marking it done with the state it left. When a check fails now
//     (the tree changed meanwhile), ApplyOps stops and returns a
//     *RefusedError naming the op and why; the journal says which ops
//     were done.
//
// Nothing is ever deleted but ApplyOps's own temporary files (and the
// journal directories it made, while still empty, when the journal
// cannot be written). No symlink is followed, and everything goes through
// os.Root handles on root, so that nothing is written outside it however
// the tree changes. A mode is set exactly, whatever the umask.
//
// The journal returned is what was written (nil when nothing was); an
// empty plan changes nothing and writes no journal.
func ApplyOps(root string, ops []Op, opts ApplyOptions) (*Journal, error) {
	if !cleanAbs(opts.JournalDir) {
		return nil, fmt.Errorf("journal directory %s is not a clean absolute path inside the root", show(opts.JournalDir))
	}
	if opts.Now.IsZero() {
		return nil, errors.New("no time to name the journal by")
	}
	t, err := openTree(root)
	if err != nil {
		return nil, err
	}
	defer t.close()
	j, err := checkPlan(t, ops, opts)
	if err != nil || len(ops) == 0 {
		return nil, err
	}
	w, err := createJournal(t, j, opts.Now)
	if err != nil {
		return nil, err
	}
	defer w.dir.Close()
	for i := range ops {
		if err := runOp(t, w, j, ops, i); err != nil {
			return j, err
		}
	}
	return j, nil
}

// checkPlan checks every op of the plan against the tree as the journal
// and the ops before it leave it, and returns the journal to write (no
// op done yet), or a *RefusedError listing every op that fails.
func checkPlan(t *tree, ops []Op, opts ApplyOptions) (*Journal, error) {
	j := &Journal{Format: JournalFormat, Created: opts.Now.UTC().Format(time.RFC3339), Dir: opts.JournalDir, Ops: []JournalOp{}}
	v := newView(t)
	at := "/"
	for _, c := range components(j.Dir) {
		at = path.Join(at, c)
		if len(j.CreatedDirs) == 0 {
			fi, err := t.lstat(at)
			switch {
			case isMissing(err):
			case err != nil:
				return nil, &RefusedError{fmt.Sprintf("journal directory %s: %s; refusing to write the journal", j.Dir, describeErr(err))}
			case fi.Mode()&fs.ModeSymlink != 0:
				return nil, &RefusedError{fmt.Sprintf("journal directory %s is reached through a symlink (%s); refusing to write the journal through it", j.Dir, at)}
			case !fi.IsDir():
				return nil, &RefusedError{fmt.Sprintf("journal directory %s: %s is %s, not a directory; refusing to write the journal", j.Dir, at, rootfs.FileKind(fi.Mode()))}
			default:
				continue
			}
		}
		j.CreatedDirs = append(j.CreatedDirs, at)
		v.set(at, FileState{Exists: true, Type: "dir", Mode: 0o700}, nil)
	}
	var lines []string
	for i, op := range ops {
		data, why := checkOp(v, j, op)
		if why != "" {
			lines = append(lines, opName(i, op)+": "+why)
		}
		jop := JournalOp{Op: op}
		jop.Data = nil
		if op.Kind == OpWrite && op.Before.Exists && why == "" && len(data) > 0 {
			jop.Replaced = bytes.Clone(data)
		}
		j.Ops = append(j.Ops, jop)
		if shapeProblem(op) != "" {
			continue
		}
		// What the plan means to leave, whether or not this op passed:
		// each later op is checked on its own against that.
		after, afterTo := effect(op, op.Before)
		switch op.Kind {
		case OpWrite:
			v.set(op.Path, after, op.Data)
		case OpRename:
			v.set(op.To, afterTo, data)
			v.set(op.Path, after, nil)
		default:
			v.set(op.Path, after, data)
		}
	}
	if len(lines) == 0 {
		data, err := j.encode()
		if err != nil {
			return nil, err
		}
		if len(data)+1024*len(ops) > maxJournal {
			lines = append(lines, fmt.Sprintf("the journal, which keeps every byte the writes replace, would be larger than %d MiB", maxJournal>>20))
		}
	}
	if len(lines) > 0 {
		return nil, &RefusedError{"refusing to apply the fix plan; nothing was written:\n" + strings.Join(lines, "\n")}
	}
	return j, nil
}

// checkOp checks op against the tree as v shows it, and returns what
// Path holds (a file's content) and, when the op may not run, why.
func checkOp(v *view, j *Journal, op Op) ([]byte, string) {
	if s := shapeProblem(op); s != "" {
		return nil, s
	}
	if op.Kind == OpWrite {
		if int64(len(op.Data)) > maxOpFile {
			return nil, fmt.Sprintf("its data is larger than %d MiB", maxOpFile>>20)
		}
		if Hash(op.Data) != op.SHA256 {
			return nil, "its sha256 is not that of its data"
		}
	}
	if j.inside(op.Path) || op.To != "" && j.inside(op.To) {
		return nil, fmt.Sprintf("it is in the journal directory %s, or one made for it; refusing to touch it", j.Dir)
	}
	if s := v.dirProblem(path.Dir(op.Path)); s != "" {
		return nil, s
	}
	cur, data, err := v.state(op.Path)
	if err != nil {
		return nil, describeErr(err)
	}
	if cur.Type == "symlink" {
		return nil, "it is a symlink; refusing to act on it or through it"
	}
	if d := differs(op.Before, cur); d != "" {
		return nil, "changed since the plan was made (" + d + ")"
	}
	if op.Kind == OpRename {
		to, _, err := v.state(op.To)
		if err != nil {
			return nil, fmt.Sprintf("the target %s: %s", op.To, describeErr(err))
		}
		if to.Exists {
			return nil, fmt.Sprintf("the target %s exists (%s); refusing to replace it", op.To, article(to))
		}
	}
	return data, ""
}

// createJournal makes the journal's missing directories (mode 0700),
// writes the journal to a free name in its directory (mode 0600) and
// returns where it is, its directory open. A complete temporary file is
// hard-linked to the name, which fails rather than replace anything, and
// then removed. When it fails, the directories it made are removed again
// (they are empty).
func createJournal(t *tree, j *Journal, now time.Time) (w journalFile, err error) {
	var made []string
	defer func() {
		if err == nil {
			return
		}
		for i := len(made) - 1; i >= 0; i-- {
			if r, derr := t.openDir(path.Dir(made[i])); derr == nil {
				unlinkAt(r, path.Base(made[i]), true)
				r.Close()
			}
		}
	}()
	for _, d := range j.CreatedDirs {
		r, err := t.openDir(path.Dir(d))
		if err != nil {
			return w, fmt.Errorf("cannot create journal directory %s: %s", d, describeErr(err))
		}
		err = r.Mkdir(path.Base(d), 0o700)
		if err == nil {
			made = append(made, d)
			err = chmodIn(r, path.Base(d), 0o700)
		}
		r.Close()
		if err != nil {
			return w, fmt.Errorf("cannot create journal directory %s: %s", d, rootfs.Reason(err))
		}
	}
	dir, err := t.openDir(j.Dir)
	if err != nil {
		return w, fmt.Errorf("cannot open journal directory %s: %s", j.Dir, describeErr(err))
	}
	defer func() {
		if err != nil {
			dir.Close()
		}
	}()
	data, err := j.encode()
	if err != nil {
		return w, err
	}
	base := "journal-" + now.UTC().Format("20060102T150405Z")
	tmp, err := writeTemp(dir, base+".json", data, 0o600, true)
	if err != nil {
		return w, fmt.Errorf("cannot write the journal in %s: %s", j.Dir, rootfs.Reason(err))
	}
	name := ""
	for n := 1; n <= maxJournalNames && name == "" && err == nil; n++ {
		cand := base + ".json"
		if n > 1 {
			cand = fmt.Sprintf("%s-%d.json", base, n)
		}
		err = dir.Link(tmp, cand)
		switch {
		case err == nil:
			name = cand
		case errors.Is(err, fs.ErrExist):
			err = nil
		}
	}
	if rerr := removeTemp(dir, tmp); err == nil {
		err = rerr
	}
	if err == nil && name == "" {
		err = fmt.Errorf("%d journals named %s-N.json already", maxJournalNames, base)
	}
	if err != nil {
		return w, fmt.Errorf("cannot write the journal in %s: %s", j.Dir, rootfs.Reason(err))
	}
	j.Path = path.Join(j.Dir, name)
	return journalFile{dir: dir, name: name}, nil
}
