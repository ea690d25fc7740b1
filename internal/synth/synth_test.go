package synth

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/driftmap/driftmap/queries"
	"github.com/driftmap/driftmap/sources"
	"github.com/driftmap/driftmap/sources/render"
)

// audit generates a fleet of n services and checks that `driftmap
// check` reports exactly what synth.json expects, rule by rule, and that
// every manifest is byte for byte what render writes.
func audit(t *testing.T, n int, seed uint64) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "fleet")
	res, err := Generate(Options{N: n, Seed: seed, Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	doc := res.Document
	snap, err := sources.Load(sources.Options{
		Root:      filepath.Join(dir, doc.Root),
		Home:      doc.Home,
		Workspace: filepath.Join(dir, doc.Workspace),
	})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, f := range queries.Check(snap, queries.All()).Findings {
		got[f.Rule]++
		if doc.Expected[f.Rule] == 0 {
			t.Errorf("unexpected finding: %s: %s", f.Rule, f.Message)
		}
	}
	if d := cmp.Diff(doc.Expected, got); d != "" {
		t.Errorf("findings per rule (-synth.json +check):\n%s", d)
	}

	// render --check has nothing to change, and each manifest is what
	// render would create.
	hand := 0
	for _, p := range render.Plan(snap) {
		switch p.Action {
		case render.Hand:
			hand++
		case render.Unchanged:
			want, _, err := render.Manifest(nil, *p.Desired)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(p.Old, want) {
				t.Errorf("%s differs from what render writes:\n%s\nwant:\n%s", p.File, p.Old, want)
			}
		default:
			t.Errorf("render would %s %s", p.Action, p.File)
		}
	}
	if hand != doc.Expected["hand-registered"] {
		t.Errorf("%d hand-registered manifests, want %d", hand, doc.Expected["hand-registered"])
	}

	files, size := countFiles(t, dir)
	if files != doc.Files || size != doc.Bytes {
		t.Errorf("tree holds %d files, %d bytes; synth.json says %d, %d", files, size, doc.Files, doc.Bytes)
	}
}

// countFiles counts the regular files under DIR/root and DIR/workspace.
func countFiles(t *testing.T, dir string) (int, int64) {
	t.Helper()
	n, size := 0, int64(0)
	for _, sub := range []string{rootDir, workspaceDir} {
		err := filepath.WalkDir(filepath.Join(dir, sub), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			fi, err := d.Info()
			if err != nil {
				return err
			}
			n++
			size += fi.Size()
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return n, size
}

func TestAudit200(t *testing.T) { audit(t, 200, 1) }

func TestAudit1000(t *testing.T) {
	if testing.Short() {
		t.Skip("1000 services in -short mode")
	}
	audit(t, 1000, 7)
}

// TestAuditSmall covers the fleets too small for every defect: the
// counts follow the documented formulas and the audit agrees.
func TestAuditSmall(t *testing.T) {
	for _, n := range []int{1, 2, 3, 5, 9, 17} {
		t.Run("n="+strconv.Itoa(n), func(t *testing.T) { audit(t, n, uint64(n)) })
	}
}

// TestPlanSmallN plans every small fleet: the planted counts follow the
// formulas, so plan never falls short (it panics if it does).
func TestPlanSmallN(t *testing.T) {
	for n := 1; n <= 300; n++ {
		for seed := range uint64(3) {
			f := plan(n, seed)
			if f.renamed != renamedCount(n) || len(f.cycles) != len(cycleSizes(n)) {
				t.Fatalf("n=%d: %d renamed, %d cycles", n, f.renamed, len(f.cycles))
			}
		}
	}
}

// TestDeterministic writes the same fleet twice, with different numbers
// of writers, and compares the trees byte for byte.
func TestDeterministic(t *testing.T) {
	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	if _, err := Generate(Options{N: 300, Seed: 42, Dir: a, Workers: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := Generate(Options{N: 300, Seed: 42, Dir: b, Workers: 8}); err != nil {
		t.Fatal(err)
	}
	ta, tb := snapshotTree(t, a), snapshotTree(t, b)
	if d := cmp.Diff(ta, tb); d != "" {
		t.Errorf("trees differ (-a +b):\n%s", d)
	}
	c := filepath.Join(t.TempDir(), "c")
	if _, err := Generate(Options{N: 300, Seed: 43, Dir: c}); err != nil {
		t.Fatal(err)
	}
	if cmp.Equal(ta, snapshotTree(t, c)) {
		t.Error("seeds 42 and 43 gave the same tree")
	}
}

// snapshotTree maps every path under dir to its mode and content.
func snapshotTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		fi, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() {
			out[rel] = fi.Mode().String()
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out[rel] = fi.Mode().String() + " " + string(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestDir covers what Generate accepts as DIR: new, empty, or its own
// tree of the same N and seed (left untouched); anything else is an
// *Error.
func TestDir(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "fleet")
	first, err := Generate(Options{N: 20, Seed: 1, Dir: dir})
	if err != nil || first.Reused {
		t.Fatalf("first run: %v, reused %v", err, first != nil && first.Reused)
	}
	before := snapshotTree(t, dir)
	again, err := Generate(Options{N: 20, Seed: 1, Dir: dir})
	if err != nil || !again.Reused {
		t.Fatalf("second run: %v, reused %v", err, again != nil && again.Reused)
	}
	if !cmp.Equal(first.Document, again.Document) {
		t.Errorf("reused document differs:\n%s", cmp.Diff(first.Document, again.Document))
	}
	if d := cmp.Diff(before, snapshotTree(t, dir)); d != "" {
		t.Errorf("reuse changed the tree:\n%s", d)
	}

	empty := filepath.Join(base, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Generate(Options{N: 3, Dir: empty}); err != nil {
		t.Errorf("empty directory: %v", err)
	}

	foreign := filepath.Join(base, "foreign")
	if err := os.MkdirAll(filepath.Join(foreign, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(base, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		opts Options
		want string
	}{
		{"other seed", Options{N: 20, Seed: 2, Dir: dir}, "holds the synth tree of -n 20 --seed 1, not of -n 20 --seed 2"},
		{"other n", Options{N: 21, Seed: 1, Dir: dir}, "holds the synth tree of -n 20 --seed 1"},
		{"foreign", Options{N: 20, Dir: foreign}, "is not empty and holds no synth tree"},
		{"a file", Options{N: 20, Dir: file}, "exists and is not a directory"},
		{"n 0", Options{N: 0, Dir: dir}, "-n must be between 1 and"},
		{"n too large", Options{N: MaxN + 1, Dir: dir}, "-n must be between 1 and"},
		{"no dir", Options{N: 5}, "needs an output directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Generate(tc.opts)
			var se *Error
			if !errors.As(err, &se) || !strings.Contains(se.Msg, tc.want) || se.Hint == "" {
				t.Errorf("got %v, want an *Error with %q and a hint", err, tc.want)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(foreign, DocumentFile)); err == nil {
		t.Error("a refused directory was written to")
	}
}
