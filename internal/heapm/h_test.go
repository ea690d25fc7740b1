package heapm

import (
	"os"
	"runtime"
	"runtime/pprof"
	"testing"

	"github.com/driftmap/driftmap/queries"
	"github.com/driftmap/driftmap/sources"
)

func TestHeap(t *testing.T) {
	D := "/tmp/driftmap-bench/10000-1"
	snap, err := sources.Load(sources.Options{Root: D + "/root", Home: "/Users/synth", Workspace: D + "/workspace"})
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	f, _ := os.Create("/tmp/heap1.prof")
	pprof.WriteHeapProfile(f)
	f.Close()
	r := queries.CheckBaseline(snap, queries.All(), nil)
	runtime.GC()
	f, _ = os.Create("/tmp/heap2.prof")
	pprof.WriteHeapProfile(f)
	f.Close()
	runtime.KeepAlive(snap)
	runtime.KeepAlive(r)
}
