package render

import (
	"bytes"
	"os"
	"reflect"
	"strings"
	"testing"
)

// validJournal is the journal of undoPlan applied to the base machine,
// with its last op not done.
func validJournal(t testing.TB) []byte {
	t.Helper()
	root := mkTree(t, nil)
	j := applyPlan(t, root, undoPlan())
	last := &j.Ops[len(j.Ops)-1]
	last.Done, last.After, last.AfterTo = false, FileState{}, FileState{}
	data, err := j.encode()
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestReadJournalRoundTrip: a journal ApplyOps wrote reads back, and
// encodes to the very same bytes.
func TestReadJournalRoundTrip(t *testing.T) {
	root := mkTree(t, nil)
	j := applyPlan(t, root, undoPlan())
	data, err := os.ReadFile(hostPath(root, j.Path))
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReadJournal(data)
	if err != nil {
		t.Fatal(err)
	}
	again, err := got.encode()
	if err != nil || !bytes.Equal(again, data) {
		t.Errorf("re-encoded journal differs from the file (%v):\n%s\n---\n%s", err, again, data)
	}
}

// TestReadJournalRejects: anything ApplyOps would not have written is
// refused, and no error quotes the journal's content.
func TestReadJournalRejects(t *testing.T) {
	valid := validJournal(t)
	edit := func(fn func(j *Journal)) string {
		j, err := ReadJournal(valid)
		if err != nil {
			t.Fatal(err)
		}
		fn(j)
		data, err := j.encode()
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	op := "journal: op 1 (write " + vmYAML + "): "
	for _, tc := range []struct {
		name, data, want string
	}{
		{"empty", "", "not a journal: truncated JSON"},
		{"truncated", string(valid[:len(valid)/2]), "not a journal: truncated JSON"},
		{"an array", "[]", "not a journal: a value of the wrong type at byte 1"},
		{"null", "null", "not a journal: no format"},
		{"syntax", `{"format": hunter2}`, "not a journal: malformed JSON at byte 12"},
		{"unknown field", `{"format":"driftmap/journal/v1","hunter2":"hunter2"}`, "not a journal: an unknown field"},
		{"wrong type", `{"format":"driftmap/journal/v1","ops":[{"mode":"hunter2"}]}`, "not a journal: a value of the wrong type at byte 56"},
		{"trailing data", string(valid) + `{"hunter2":1}`, "not a journal: data after the JSON object"},
		{"too large", strings.Repeat(" ", maxJournal+1), "not a journal: larger than 64 MiB"},
		{"newer version", edit(func(j *Journal) { j.Format = "driftmap/journal/v2" }), "unsupported journal version (this driftmap reads driftmap/journal/v1)"},
		{"another format", edit(func(j *Journal) { j.Format = "hunter2" }), "not a driftmap journal"},
		{"created not a time", edit(func(j *Journal) { j.Created = "hunter2" }), "journal: created is not an RFC 3339 UTC time"},
		{"created not UTC", edit(func(j *Journal) { j.Created = "2026-03-01T10:30:00+01:00" }), "journal: created is not an RFC 3339 UTC time"},
		{"dir relative", edit(func(j *Journal) { j.Dir = "hunter2" }), "journal: dir is not a clean absolute path"},
		{"created_dirs not a chain", edit(func(j *Journal) { j.CreatedDirs = []string{"/Users", jDir} }), "journal: created_dirs is not a chain of directories ending at dir"},
		{"created_dirs elsewhere", edit(func(j *Journal) { j.CreatedDirs = []string{"/tmp"} }), "journal: created_dirs is not a chain of directories ending at dir"},
		{"path with ..", edit(func(j *Journal) { j.Ops[0].Path = "/Users/bert/../../etc/passwd" }), "journal: op 1 (write <unclean path>): the path is not a clean absolute path"},
		{"path relative", edit(func(j *Journal) { j.Ops[0].Path = "hunter2" }), "journal: op 1 (write <unclean path>): the path is not a clean absolute path"},
		{"unknown op", edit(func(j *Journal) { j.Ops[0].Kind = "hunter2" }), "journal: op 1 (<unknown> " + vmYAML + "): unknown operation"},
		{"rename out of its directory", edit(func(j *Journal) { j.Ops[3].To = "/etc/passwd" }), "journal: op 4 (rename " + vmPlist + " to /etc/passwd): the rename target /etc/passwd is not in the same directory"},
		{"an op in the journal's directory", edit(func(j *Journal) { j.Ops[0].Path = jDir + "/x" }), "journal: op 1 (write " + jDir + "/x): it is in the journal's own directory"},
		{"mode beyond the permissions", edit(func(j *Journal) { j.Ops[0].Mode = 0o4755 }), op + "mode 4755 has bits beyond the permissions"},
		{"malformed before", edit(func(j *Journal) { j.Ops[0].Before.SHA256 = "hunter2" }), op + "its planned state is malformed: a file state without a size and a sha256"},
		{"replaced bytes that do not match", edit(func(j *Journal) { j.Ops[0].Replaced = []byte("hunter2") }), op + "the replaced bytes do not match the state they replaced"},
		{"replaced bytes for a file created", edit(func(j *Journal) { j.Ops[1].Replaced = []byte("hunter2") }), "journal: op 2 (write " + mailYML + "): replaced bytes where nothing was replaced"},
		{"after-state that does not fit", edit(func(j *Journal) { j.Ops[0].After = FileState{Exists: true, Type: "dir", Mode: 0o755} }), op + "its after-state does not fit the op"},
		{"after-state malformed", edit(func(j *Journal) { j.Ops[0].After.Mode = 0o10000 }), op + "its after-state is malformed: mode 10000 has bits beyond the permissions"},
		{"after-state of an op not done", edit(func(j *Journal) { j.Ops[4].After = j.Ops[0].After }), "journal: op 5 (chmod " + triage + "): an after-state for an op not carried out"},
		{"done and undone", edit(func(j *Journal) { j.Ops[0].Undone = true }), "journal: op 1 (write " + vmYAML + ") is both done and undone"},
		{"done after not done", edit(func(j *Journal) { j.Ops[1].Done, j.Ops[1].After = false, FileState{} }),
			"journal: op 3 (mkdir " + logs + ") is done or undone after an op that was not carried out, or done after one undone"},
		{"done after undone", edit(func(j *Journal) { j.Ops[0].Done, j.Ops[0].Undone = false, true }),
			"journal: op 2 (write " + mailYML + ") is done or undone after an op that was not carried out, or done after one undone"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j, err := ReadJournal([]byte(tc.data))
			if err == nil {
				t.Fatalf("ReadJournal accepted it: %+v", j)
			}
			if err.Error() != tc.want {
				t.Errorf("ReadJournal: %v\nwant: %s", err, tc.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("the error quotes the journal: %v", err)
			}
		})
	}
}

// FuzzReadJournal: ReadJournal never panics, and what it accepts encodes
// to a journal it reads back the same.
func FuzzReadJournal(f *testing.F) {
	f.Add(validJournal(f))
	f.Add([]byte(`{"format":"driftmap/journal/v1","created":"2026-03-01T09:30:00Z","dir":"/a","ops":[]}`))
	f.Add([]byte(`{"format":"driftmap/journal/v1","created":"2026-03-01T09:30:00Z","dir":"/a/b","created_dirs":["/a","/a/b"],` +
		`"ops":[{"op":"rename","path":"/x/a","to":"/x/b","before":{"exists":true,"type":"file","size":0,` +
		`"sha256":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},"done":false,"after":{"exists":false}}]}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"ops":[{"replaced":"AAAA"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		j, err := ReadJournal(data)
		if err != nil {
			return
		}
		enc, err := j.encode()
		if err != nil {
			t.Fatalf("an accepted journal does not encode: %v", err)
		}
		again, err := ReadJournal(enc)
		if err != nil {
			t.Fatalf("an accepted journal, encoded, is refused: %v", err)
		}
		if !reflect.DeepEqual(j, again) {
			t.Fatalf("an accepted journal reads back differently:\n%+v\n%+v", j, again)
		}
	})
}
