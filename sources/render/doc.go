// Package render owns every write driftmap makes inside the audited root.
// It computes what `driftmap render` writes (Desired: one manifest per
// enabled service, its owned fields taken from the catalog and
// instance.yaml), compares it with the manifests on disk (Plan, and
// Manifest, which rewrites only the owned fields of one manifest and
// keeps every other byte the owner wrote), formats the change as a
// unified diff, and carries the plan out (Apply: atomic writes that never
// leave the manifests directory, never follow a symlink and never replace
// a file render has not read; pruning moves files aside, and the only
// files removed are temporaries a killed render left).
//
// It also carries out the remediation plans of `driftmap fix` and undoes
// them. A plan is a list of file operations (Op: mkdir, write, rename,
// chmod, each with the state its path was planned against), built by the
// planner elsewhere. ApplyOps (fixapply.go, fixrun.go) checks every op
// against the tree as the ops before it leave it and refuses the whole
// plan, writing nothing, when any no longer fits; then it writes a
// journal (journal.go: Journal, ReadJournal) holding the plan, the bytes
// each write replaces and, op by op, what was done and the state it left;
// then it performs each op atomically after checking it again. Undo
// (undo.go) reverts the done ops of a journal, last first, once it has
// checked that nothing changed since, and removes the journal. Both reach
// the root only through os.Root handles, walking it a component at a time
// and refusing every symlink (fixtree.go), and neither deletes anything
// but its own temporaries, the journal and its empty directories, and
// what undo reverts.
//
// Every other package under sources, and graph and queries, only reads:
// readonly_test.go fails if any of them calls a function that writes to
// the filesystem. Files a user names on the command line (an output
// file, a report) are not the audited root's and are written outside
// sources.
package render
