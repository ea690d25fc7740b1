package stagebench

import (
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/driftmap/driftmap/internal/synth"
	"github.com/driftmap/driftmap/queries"
	"github.com/driftmap/driftmap/sources"
)

// benchN is the size of the fleet the benchmarks read (-fleet=N).
var benchN = flag.Int("fleet", 2000, "services in the generated fleet the benchmarks read")

// fleet is the generated tree, made once per test run.
type fleet struct {
	dir       string
	doc       synth.Document
	root, ws  string
	plistsXML []string // host paths
	plistsBin []string
	manifests []string
	wrappers  []string
	instance  string
	catalog   string
}

var (
	fleetOnce sync.Once
	theFleet  *fleet
	fleetErr  error
	tmpDir    string
)

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if tmpDir != "" {
		os.RemoveAll(tmpDir)
	}
	os.Exit(code)
}

// getFleet generates the fleet on first use (skipped in -short mode).
func getFleet(b *testing.B) *fleet {
	b.Helper()
	if testing.Short() {
		b.Skip("generating a fleet in -short mode")
	}
	fleetOnce.Do(func() {
		tmpDir, fleetErr = os.MkdirTemp("", "driftmap-stagebench-")
		if fleetErr != nil {
			return
		}
		dir := filepath.Join(tmpDir, "fleet")
		var res *synth.Result
		if res, fleetErr = synth.Generate(synth.Options{N: *benchN, Seed: 1, Dir: dir}); fleetErr != nil {
			return
		}
		f := &fleet{dir: dir, doc: res.Document}
		f.root, f.ws = filepath.Join(dir, f.doc.Root), filepath.Join(dir, f.doc.Workspace)
		home := filepath.Join(f.root, f.doc.Home)
		f.instance = filepath.Join(home, ".sanctum", "instance.yaml")
		f.catalog = filepath.Join(f.ws, "sanctum", "runtime_catalog.yaml")
		fleetErr = filepath.WalkDir(f.root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() {
				return err
			}
			switch dir := filepath.Dir(p); {
			case strings.HasSuffix(p, ".plist"):
				data, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				if bytes.HasPrefix(data, []byte("bplist")) {
					f.plistsBin = append(f.plistsBin, p)
				} else {
					f.plistsXML = append(f.plistsXML, p)
				}
			case dir == filepath.Join(home, ".sanctum", "services") && strings.HasSuffix(p, ".yaml"):
				f.manifests = append(f.manifests, p)
			case dir == filepath.Join(home, ".sanctum", "bin"):
				f.wrappers = append(f.wrappers, p)
			}
			return nil
		})
		theFleet = f
	})
	if fleetErr != nil {
		b.Fatal(fleetErr)
	}
	return theFleet
}

// load loads the fleet with the given number of workers (0: GOMAXPROCS).
func (f *fleet) load(b *testing.B, workers int) *sources.Snapshot {
	b.Helper()
	snap, err := sources.Load(sources.Options{Root: f.root, Home: f.doc.Home, Workspace: f.ws, Workers: workers})
	if err != nil {
		b.Fatal(err)
	}
	return snap
}

// BenchmarkLoad is the graph build: sources.Load, everything read,
// parsed and assembled.
func BenchmarkLoad(b *testing.B) {
	f := getFleet(b)
	for _, workers := range []int{1, 0} {
		name := fmt.Sprintf("workers=%d", workers)
		if workers == 0 {
			name = "workers=GOMAXPROCS"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				f.load(b, workers)
			}
			b.ReportMetric(float64(f.doc.Files)*float64(b.N)/b.Elapsed().Seconds(), "files/s")
		})
	}
}

// BenchmarkCheck is the whole audit past loading: every rule, the
// ignore list and the render plan (queries.CheckBaseline).
func BenchmarkCheck(b *testing.B) {
	snap := getFleet(b).load(b, 0)
	for b.Loop() {
		queries.CheckBaseline(snap, queries.All(), nil)
	}
}
