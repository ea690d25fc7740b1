package stagebench

import (
	"bytes"
	"os"
	"testing"

	"github.com/driftmap/driftmap/exporters"
	"github.com/driftmap/driftmap/queries"
	"github.com/driftmap/driftmap/sources/launchd"
	"github.com/driftmap/driftmap/sources/rootfs"
	"github.com/driftmap/driftmap/sources/sanctum"
	"github.com/driftmap/driftmap/sources/shell"
)

// BenchmarkDiscovery lists the source directories (launchd, manifests,
// wrappers) and looks at each entry, through a cached RootFS, as the
// loader does before it reads anything.
func BenchmarkDiscovery(b *testing.B) {
	f := getFleet(b)
	home := f.doc.Home
	dirs := []string{home + "/Library/LaunchAgents", home + "/.sanctum/services", home + "/.sanctum/bin"}
	for b.Loop() {
		fsys := rootfs.RootFS{Dir: f.root}.Cached()
		for _, d := range dirs {
			entries, err := fsys.ReadDir(d)
			if err != nil {
				b.Fatal(err)
			}
			for _, e := range entries {
				if _, err := fsys.Lstat(d + "/" + e.Name()); err != nil {
					b.Fatal(err)
				}
			}
		}
		fsys.Close()
	}
}

// readAll reads files into memory.
func readAll(b *testing.B, files []string) [][]byte {
	b.Helper()
	out := make([][]byte, len(files))
	for i, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		out[i] = data
	}
	return out
}

// benchParse parses every file of one kind per iteration and reports
// the time per file.
func benchParse(b *testing.B, files []string, parse func(data []byte, file string)) {
	b.Helper()
	if len(files) == 0 {
		b.Skip("no file of this kind in the fleet")
	}
	data := readAll(b, files)
	var size int64
	for _, d := range data {
		size += int64(len(d))
	}
	b.SetBytes(size)
	for b.Loop() {
		for i, d := range data {
			parse(d, files[i])
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(files)), "ns/file")
}

// BenchmarkParse parses each source kind on its own, from memory.
func BenchmarkParse(b *testing.B) {
	f := getFleet(b)
	home := f.doc.Home
	b.Run("plist-xml", func(b *testing.B) {
		benchParse(b, f.plistsXML, func(d []byte, file string) { launchd.ParsePlist(d, file, home) })
	})
	b.Run("plist-binary", func(b *testing.B) {
		benchParse(b, f.plistsBin, func(d []byte, file string) { launchd.ParsePlist(d, file, home) })
	})
	b.Run("manifest", func(b *testing.B) {
		benchParse(b, f.manifests, func(d []byte, file string) { sanctum.ParseManifest(d, file) })
	})
	b.Run("wrapper", func(b *testing.B) {
		benchParse(b, f.wrappers, func(d []byte, file string) {
			if shell.IsScript(d) {
				shell.ParseScript(d, file, home, nil)
			}
		})
	})
	b.Run("instance", func(b *testing.B) {
		benchParse(b, []string{f.instance}, func(d []byte, file string) { sanctum.ParseInstance(d, file) })
	})
	b.Run("catalog", func(b *testing.B) {
		benchParse(b, []string{f.catalog}, func(d []byte, file string) { sanctum.ParseCatalog(d, file) })
	})
}

// BenchmarkFormat formats the fleet's check report in each format
// (html with no service map: drawing it is graph's business).
func BenchmarkFormat(b *testing.B) {
	f := getFleet(b)
	snap := f.load(b, 0)
	res := queries.Check(snap, queries.All())
	r := &exporters.Report{Findings: res.Findings, Graph: snap.Graph, Ignored: res.Ignored, Workspace: snap.Layout.Workspace}
	for _, name := range exporters.CheckFormats() {
		b.Run(name, func(b *testing.B) {
			fm, err := exporters.Check(name, exporters.Options{})
			if err != nil {
				b.Fatal(err)
			}
			var buf bytes.Buffer
			for b.Loop() {
				buf.Reset()
				if err := fm.FormatCheck(&buf, r); err != nil {
					b.Fatal(err)
				}
			}
			b.SetBytes(int64(buf.Len()))
		})
	}
}
