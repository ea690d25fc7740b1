// Package render owns driftmap's one write path inside the audited root.
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
// Every other package under sources, and graph and queries, only reads:
// readonly_test.go fails if any of them calls a function that writes to
// the filesystem. Commands that change the machine later (a remediation
// pass) write through this package too. Files a user names on the command
// line (an output file, a report) are not the audited root's and are
// written outside sources.
package render
