// Package synth generates synthetic fleets: a directory holding a
// machine in the Sanctum layout with N instance-backed services and
// defects planted in known numbers, for benchmarks and for checking
// correctness at scale (`driftmap synth`, `make bench`).
//
// Generate writes DIR/root (home Home: instance.yaml and its JSON cache,
// the manifests, wrappers, app binaries and LaunchAgents) and
// DIR/workspace/sanctum/runtime_catalog.yaml, so that
//
//	driftmap check --root DIR/root --home /Users/synth --workspace DIR/workspace
//
// audits it, then DIR/synth.json (Document), which says how many
// findings of each rule that check must report and that no other rule
// reports any. Manifests are rendered by package sources/render, so they
// never drift.
//
// Everything random comes from one PCG generator seeded with the seed,
// drawn in one fixed order before any file is written: the same N and
// seed give the same bytes, whatever the number of writers. It writes
// only inside DIR (through an os.Root), only into a new or empty DIR,
// and never touches a DIR that already holds a synth tree of the same N
// and seed. It never reads the audited sources and is used by no other
// package of driftmap but the command line.
package synth

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
)

// Schema names the synth.json document.
const Schema = "driftmap/synth/v1"

// Generator is the version of the tree Generate writes for an N and a
// seed. Bump it whenever that tree changes, so that a DIR written by an
// older generator is not reused as if it were current.
const Generator = 1

// Home is the home directory inside the generated root.
const Home = "/Users/synth"

// MaxN is the largest fleet Generate writes.
const MaxN = 1_000_000

// DocumentFile is the name of the document Generate writes in DIR.
const DocumentFile = "synth.json"

// Options say what to generate.
type Options struct {
	N    int    // services, 1 to MaxN
	Seed uint64 // the seed of the generator
	Dir  string // the directory to write: new, empty, or a synth tree of the same N and Seed
	// Workers is the number of files written at once; 0 means twice
	// GOMAXPROCS. The tree does not depend on it.
	Workers int
}

// Document is DIR/synth.json: what was generated and what `driftmap
// check` must report on it.
type Document struct {
	Schema    string `json:"schema"`
	Generator int    `json:"generator"`
	N         int    `json:"n"`
	Seed      uint64 `json:"seed"`
	// Root, Home and Workspace are check's --root, --home and
	// --workspace, Root and Workspace relative to DIR.
	Root      string `json:"root"`
	Home      string `json:"home"`
	Workspace string `json:"workspace"`
	// Files and Bytes count the regular files under Root and Workspace
	// (synth.json not included) and their total size.
	Files int   `json:"files"`
	Bytes int64 `json:"bytes"`
	// Expected maps a rule to the number of findings check reports for
	// it; every other rule reports none. Total is their sum.
	Expected map[string]int `json:"expected"`
	Total    int            `json:"total"`
}

// Result is what Generate did.
type Result struct {
	Document Document
	// Reused is true when DIR already held this tree and was left
	// untouched.
	Reused bool
}

// Error is a mistake in the options or in DIR: the command line exits 2
// and prints Hint.
type Error struct{ Msg, Hint string }

func (e *Error) Error() string { return e.Msg }

// Generate writes the fleet of opts into opts.Dir, or reuses the tree
// there, and returns its document.
func Generate(opts Options) (*Result, error) {
	if opts.N < 1 || opts.N > MaxN {
		return nil, &Error{fmt.Sprintf("-n must be between 1 and %d, got %d", MaxN, opts.N), "e.g. 'driftmap synth -n 1000 -o /tmp/fleet'"}
	}
	if opts.Dir == "" {
		return nil, &Error{"synth needs an output directory, -o DIR", "e.g. 'driftmap synth -n 1000 -o /tmp/fleet'"}
	}
	reuse, err := prepare(opts)
	if err != nil || reuse != nil {
		return reuse, err
	}
	f := plan(opts.N, opts.Seed)
	workers := opts.Workers
	if workers <= 0 {
		workers = 2 * runtime.GOMAXPROCS(0)
	}
	files, size, err := write(f, opts.Dir, workers)
	if err != nil {
		return nil, err
	}
	doc := Document{
		Schema: Schema, Generator: Generator, N: opts.N, Seed: opts.Seed,
		Root: rootDir, Home: Home, Workspace: workspaceDir,
		Files: files, Bytes: size, Expected: f.expected(),
	}
	for _, c := range doc.Expected {
		doc.Total += c
	}
	data, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	// Written last, so that an interrupted run leaves a DIR that is
	// refused rather than reused.
	if err := writeDocument(opts.Dir, append(data, '\n')); err != nil {
		return nil, err
	}
	return &Result{Document: doc}, nil
}

// prepare checks opts.Dir: it is created when missing and may be empty.
// A DIR holding the synth tree of the same N and seed is returned as a
// Result to reuse; any other content is an *Error.
func prepare(opts Options) (*Result, error) {
	dir := opts.Dir
	fi, err := os.Lstat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, &Error{fmt.Sprintf("cannot create %s: %v", dir, errors.Unwrap(err)), "-o names a directory to create, or an empty one"}
		}
		return nil, nil
	case err != nil:
		return nil, &Error{fmt.Sprintf("cannot use %s: %v", dir, err), "-o names a directory to create, or an empty one"}
	case !fi.IsDir():
		return nil, &Error{fmt.Sprintf("%s exists and is not a directory", dir), "-o names a directory to create, or an empty one"}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, &Error{fmt.Sprintf("cannot read %s: %v", dir, errors.Unwrap(err)), "-o names a directory to create, or an empty one"}
	}
	if len(entries) == 0 {
		return nil, nil
	}
	doc, ok := readDocument(dir)
	switch {
	case !ok:
		return nil, &Error{fmt.Sprintf("%s is not empty and holds no synth tree", dir), "-o names a new or empty directory (or one synth wrote with the same -n and --seed, which is reused)"}
	case doc.N != opts.N || doc.Seed != opts.Seed:
		return nil, &Error{fmt.Sprintf("%s holds the synth tree of -n %d --seed %d, not of -n %d --seed %d", dir, doc.N, doc.Seed, opts.N, opts.Seed), "remove it, or pick another -o"}
	case doc.Generator != Generator:
		return nil, &Error{fmt.Sprintf("%s holds a synth tree of an older generator (version %d, now %d)", dir, doc.Generator, Generator), "remove it, or pick another -o"}
	}
	return &Result{Document: doc, Reused: true}, nil
}

// readDocument reads DIR/synth.json; ok is false when it is missing or
// is no synth document.
func readDocument(dir string) (doc Document, ok bool) {
	p := filepath.Join(dir, DocumentFile)
	if fi, err := os.Lstat(p); err != nil || !fi.Mode().IsRegular() || fi.Size() > 1<<20 {
		return doc, false
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return doc, false
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil || doc.Schema != Schema {
		return doc, false
	}
	return doc, true
}

// Rules returns the rules of Expected, sorted.
func (d Document) Rules() []string {
	var out []string
	for r := range d.Expected {
		out = append(out, r)
	}
	slices.Sort(out)
	return out
}
