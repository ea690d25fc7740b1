package synth

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/driftmap/driftmap/exporters"
	"github.com/driftmap/driftmap/queries"
	"github.com/driftmap/driftmap/sources"
)

// TestWorkersSameBytes loads one fleet with several numbers of workers
// and checks that check's JSON and text reports are byte for byte the
// same: reading and parsing in parallel never changes the output.
func TestWorkersSameBytes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "fleet")
	res, err := Generate(Options{N: 300, Seed: 3, Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	doc := res.Document
	var want map[string][]byte
	for _, workers := range []int{1, 2, 8, 0} {
		snap, err := sources.Load(sources.Options{
			Root:      filepath.Join(dir, doc.Root),
			Home:      doc.Home,
			Workspace: filepath.Join(dir, doc.Workspace),
			Workers:   workers,
		})
		if err != nil {
			t.Fatal(err)
		}
		r := queries.Check(snap, queries.All())
		report := &exporters.Report{Findings: r.Findings, Graph: snap.Graph, Ignored: r.Ignored, Workspace: snap.Layout.Workspace}
		got := map[string][]byte{}
		for _, format := range []string{"json", "text"} {
			f, err := exporters.Check(format, exporters.Options{})
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if err := f.FormatCheck(&b, report); err != nil {
				t.Fatal(err)
			}
			got[format] = b.Bytes()
		}
		if len(r.Findings) == 0 {
			t.Fatal("no findings: the fleet should have its planted defects")
		}
		if want == nil {
			want = got
			continue
		}
		for format := range want {
			if !bytes.Equal(got[format], want[format]) {
				t.Errorf("%s report with %d workers differs from the one with 1", format, workers)
			}
		}
	}
}
