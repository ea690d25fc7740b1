package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"slices"
	"strings"
	"time"
)

// JournalFormat is the format, and its version, every journal declares.
const JournalFormat = "driftmap/journal/v1"

// maxJournal caps a journal: ApplyOps refuses a plan whose journal would
// be larger, and Undo reads no more.
const maxJournal = 64 << 20

// Journal is the record ApplyOps keeps of a fix plan it carries out, and
// what Undo reverts. It is a JSON file, JournalDir/journal-YYYYMMDDTHHMMSSZ.json
// (-2, -3... when that name is taken), mode 0600 in a directory of mode
// 0700: it is the only copy of the bytes the plan's writes replaced, and
// they may hold credentials. ApplyOps writes it before it changes
// anything and rewrites it (atomically) after every op; Undo rewrites it
// after every op it reverts and removes it at the end.
//
// The format, "driftmap/journal/v1" (fields in this order; paths are
// clean absolute paths inside the root; modes are permission bits as
// JSON numbers, e.g. 420 for 0644):
//
//	{
//	  "format": "driftmap/journal/v1",
//	  "created": "2026-03-01T09:30:00Z",       // RFC 3339, UTC: ApplyOptions.Now
//	  "dir": "/Users/bert/.sanctum/.driftmap", // the directory the journal lives in
//	  "created_dirs": ["/Users/bert/.sanctum/.driftmap"], // journal directories ApplyOps
//	                                           // created, parents first (omitted when none)
//	  "ops": [{                                // the plan, in order
//	    "op": "write",                         // mkdir, write, rename or chmod
//	    "path": "/Users/bert/.sanctum/services/vm.yaml",
//	    "to": "...",                           // rename only: the new name, same directory
//	    "mode": 420,                           // mkdir, write, chmod
//	    "sha256": "...",                       // write only: of the data written
//	    "before": {"exists": true, "type": "file", "mode": 420, "size": 12, "sha256": "..."},
//	    "done": true,                          // the op was carried out and is in effect
//	    "undone": false,                       // the op was carried out, then reverted by Undo
//	    "after": {...},                        // path's state once done (absent for a rename)
//	    "after_to": {...},                     // rename only: to's state once done
//	    "replaced": "base64..."                // write over a file only: the bytes it replaced
//	  }]
//	}
//
// A FileState is {"exists", "type" ("file", "dir", "symlink", "other"),
// "mode", "size", "sha256"}, the last four omitted when zero. The ops
// done come first, then those undone, then those not carried out (an
// apply that stopped part way).
type Journal struct {
	Format      string      `json:"format"`
	Created     string      `json:"created"`
	Dir         string      `json:"dir"`
	CreatedDirs []string    `json:"created_dirs,omitempty"`
	Ops         []JournalOp `json:"ops"`
	// Path is where the journal is, inside the root, when ApplyOps wrote
	// it ("" when the plan was empty). It is not saved.
	Path string `json:"-"`
}

// JournalOp is one op of a journal and what became of it (see Journal).
// Its Op's Data is not kept.
type JournalOp struct {
	Op
	Done     bool      `json:"done"`
	Undone   bool      `json:"undone,omitempty"`
	After    FileState `json:"after"`
	AfterTo  FileState `json:"after_to,omitzero"`
	Replaced []byte    `json:"replaced,omitempty"`
}

// ReadJournal parses and checks a journal, refusing anything ApplyOps
// would not have written: another format or version, unknown fields,
// trailing data, a creation time that is not RFC 3339 UTC, paths that are
// not clean absolute paths (or contain ".."), a rename out of its
// directory, an op inside the journal's own directories, replaced bytes
// that do not match the state they replaced, after-states that do not fit
// their op, done ops after ops not done. Its errors quote no content.
func ReadJournal(data []byte) (*Journal, error) {
	if len(data) > maxJournal {
		return nil, fmt.Errorf("not a journal: larger than %d MiB", maxJournal>>20)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var j Journal
	if err := dec.Decode(&j); err != nil {
		return nil, fmt.Errorf("not a journal: %s", jsonReason(err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("not a journal: data after the JSON object")
	}
	// What encodes the same decodes the same: empty lists and bytes are
	// absent ones.
	if len(j.CreatedDirs) == 0 {
		j.CreatedDirs = nil
	}
	for i := range j.Ops {
		if len(j.Ops[i].Replaced) == 0 {
			j.Ops[i].Replaced = nil
		}
	}
	if err := j.check(); err != nil {
		return nil, err
	}
	return &j, nil
}

// jsonReason says why JSON did not decode, quoting none of it.
func jsonReason(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("malformed JSON at byte %d", se.Offset)
	case errors.As(err, &te):
		return fmt.Sprintf("a value of the wrong type at byte %d", te.Offset)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "truncated JSON"
	case strings.HasPrefix(err.Error(), "json: unknown field"):
		return "an unknown field"
	}
	return "malformed JSON"
}

// check is ReadJournal's validation of a decoded journal.
func (j *Journal) check() error {
	switch {
	case j.Format == "":
		return errors.New("not a journal: no format")
	case strings.HasPrefix(j.Format, "driftmap/journal/") && j.Format != JournalFormat:
		return fmt.Errorf("unsupported journal version (this driftmap reads %s)", JournalFormat)
	case j.Format != JournalFormat:
		return errors.New("not a driftmap journal")
	}
	if t, err := time.Parse(time.RFC3339, j.Created); err != nil || t.UTC().Format(time.RFC3339) != j.Created {
		return errors.New("journal: created is not an RFC 3339 UTC time")
	}
	if j.Ops == nil {
		return errors.New("journal: no ops")
	}
	if !cleanAbs(j.Dir) {
		return errors.New("journal: dir is not a clean absolute path")
	}
	for i, d := range j.CreatedDirs {
		ok := cleanAbs(d)
		if i+1 < len(j.CreatedDirs) {
			ok = ok && path.Dir(j.CreatedDirs[i+1]) == d
		} else {
			ok = ok && d == j.Dir
		}
		if !ok {
			return errors.New("journal: created_dirs is not a chain of directories ending at dir")
		}
	}
	phase := 0 // 0: done ops, 1: undone ops, 2: ops not carried out
	for i := range j.Ops {
		op := &j.Ops[i]
		if s := j.opProblem(op); s != "" {
			return fmt.Errorf("journal: %s: %s", opName(i, op.Op), s)
		}
		p := 2
		switch {
		case op.Done && op.Undone:
			return fmt.Errorf("journal: %s is both done and undone", opName(i, op.Op))
		case op.Done:
			p = 0
		case op.Undone:
			p = 1
		}
		if p < phase {
			return fmt.Errorf("journal: %s is done or undone after an op that was not carried out, or done after one undone", opName(i, op.Op))
		}
		phase = p
	}
	return nil
}

// opProblem is what is wrong with one op of j, "" when nothing.
func (j *Journal) opProblem(op *JournalOp) string {
	if s := shapeProblem(op.Op); s != "" {
		return s
	}
	if j.inside(op.Path) || op.To != "" && j.inside(op.To) {
		return "it is in the journal's own directory"
	}
	if op.Kind == OpWrite && op.Before.Exists {
		if int64(len(op.Replaced)) != op.Before.Size || Hash(op.Replaced) != op.Before.SHA256 {
			return "the replaced bytes do not match the state they replaced"
		}
	} else if op.Replaced != nil {
		return "replaced bytes where nothing was replaced"
	}
	if !op.Done && !op.Undone {
		if op.After != (FileState{}) || op.AfterTo != (FileState{}) {
			return "an after-state for an op not carried out"
		}
		return ""
	}
	if s := stateProblem(op.After); s != "" {
		return "its after-state is malformed: " + s
	}
	if s := stateProblem(op.AfterTo); s != "" {
		return "its after-state is malformed: " + s
	}
	want, wantTo := "file", ""
	switch op.Kind {
	case OpMkdir:
		want = "dir"
	case OpRename:
		want, wantTo = "", "file"
	}
	if op.After.Type != want || op.AfterTo.Type != wantTo {
		return "its after-state does not fit the op"
	}
	return ""
}

// inside reports whether p is the journal's directory, inside it, or one
// of the directories made for it.
func (j *Journal) inside(p string) bool {
	return p == j.Dir || strings.HasPrefix(p, j.Dir+"/") || slices.Contains(j.CreatedDirs, p)
}

// encode is the journal as it is saved.
func (j *Journal) encode() ([]byte, error) {
	data, err := json.MarshalIndent(j, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

// journalFile is where a journal is saved: the entry name of the open
// directory dir.
type journalFile struct {
	dir  *os.Root
	name string
}

// save rewrites the journal atomically, mode 0600.
func (w journalFile) save(j *Journal) error {
	data, err := j.encode()
	if err != nil {
		return err
	}
	if len(data) > maxJournal {
		return fmt.Errorf("the journal would be larger than %d MiB", maxJournal>>20)
	}
	return replaceFile(w.dir, w.name, data, 0o600, true, nil)
}
