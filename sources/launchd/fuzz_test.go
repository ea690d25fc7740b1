package launchd

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/driftmap/driftmap/sources/sourcetest"
	"howett.net/plist"
)

func FuzzParsePlist(f *testing.F) {
	files, _ := filepath.Glob("testdata/plist/*.plist")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add(xmlPlist(label, argv("/usr/bin/env", "-S", "python3 -u", "/x/a.py")))
	f.Add(xmlPlist(label, str("Program", "/bin/sh"), argv("sh", "-lc", "cd /x && exec ./run")))
	f.Add(xmlPlist(label, str("WorkingDirectory", "~/x"), argv("perl", "-lne", "print", "x.pl")))
	f.Add(xmlPlist(label, argv("/x/bin/shim", "-u", "--", "/x/a.py", "/health")))
	f.Add(xmlPlist(label, argv("/x/bin/shim", "run", "--cwd", "/srv", "-jar", "x.ts")))
	f.Add(xmlPlist(label, `<key>KeepAlive</key><dict><key>OtherJobEnabled</key><dict><key>a</key><true/></dict></dict>`))
	f.Add([]byte("<plist><dict><key>Label</key><integer>1</integer></dict></plist>"))
	f.Add(binaryPlist(f, map[string]any{
		"Label":                "com.sanctum.bin",
		"ProgramArguments":     []any{"/usr/bin/env", "PATH=/opt/bin", "ruby", "-S", "rake"},
		"EnvironmentVariables": map[string]any{"PATH": "/usr/bin"},
		"KeepAlive":            map[string]any{"OtherJobEnabled": map[string]any{"x": true}},
	}))
	f.Fuzz(func(t *testing.T, data []byte) {
		job, probs := ParsePlist(data, "f.plist", testHome)
		sourcetest.CheckTargets(t, job.Targets)
		sourcetest.CheckProblems(t, probs)
		for _, x := range job.Indirect {
			for _, interp := range []string{"python3", "bash", "php", "deno", "bun", "java", "ruby"} {
				ts, ps := x.Through(interp)
				sourcetest.CheckTargets(t, ts)
				sourcetest.CheckProblems(t, ps)
			}
		}
		if job.File != "f.plist" {
			t.Fatalf("File = %q", job.File)
		}
		for _, p := range probs {
			if p.File != "f.plist" || p.Message == "" {
				t.Fatalf("bad problem %+v", p)
			}
		}
	})
}

// FuzzDecodeBinary checks the binary plist limits: Decode never panics,
// whatever checkBinary accepts the decoder decodes, within the limits
// (nesting, and values counted once per reference), and a refusal is
// one Problem in fixed words. The bombs among the seeds are refused in
// microseconds (see BenchmarkDecodeHostile); a slow refusal shows as the
// fuzzer's own timeout.
func FuzzDecodeBinary(f *testing.F) {
	f.Add(expBomb(26, 2))
	f.Add(expBomb(4, 1000))
	f.Add(chainPlist(maxPlistDepth + 1))
	f.Add(chainPlist(maxPlistDepth))
	f.Add(buildBplist([]bpObject{bpArray(1), bpArray(0)}, 0))
	f.Add(buildBplist([]bpObject{{marker: 0xD0, container: true, refs: []uint64{1, 2, 3, 3}}, bpKey("Label"), bpKey("KeepAlive"), bpTrue}, 0))
	f.Add(binaryPlist(f, map[string]any{
		"Label":            "com.sanctum.bin",
		"ProgramArguments": []any{"/bin/sh", "-c", "exec ~/bin/run", "/bin/sh"},
		"Nice":             int64(-5),
		"Ratio":            1.5,
		"Data":             []byte{1, 2, 3},
		"UID":              plist.UID(300),
		"When":             time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		"Unicode":          "héllo ✓",
		"Env":              map[string]any{"PATH": "/usr/bin", "HOME": "/Users/bert"},
	}))
	f.Fuzz(func(t *testing.T, data []byte) {
		if !bytes.HasPrefix(data, []byte("bplist")) {
			data = append([]byte("bplist00"), data...)
		}
		checked := checkBinary(data)
		if checked == nil && checkBinaryWithin(data, 1<<12) != nil {
			// Accepted, but decoding it costs up to 2 values per byte
			// plus 131072: the unit tests decode such plists, the fuzzer
			// keeps to cheap ones to try more.
			return
		}
		v, format, err := Decode(data)
		switch {
		case checked == nil && err != nil:
			t.Fatalf("checkBinary accepts what the decoder rejects: %v", err)
		case checked == nil:
			if format != plist.BinaryFormat {
				t.Fatalf("format %d", format)
			}
			if d, n := depthOf(v); d > maxPlistDepth || uint64(n) > expansionLimit(len(data)) {
				t.Fatalf("decoded depth %d, %d values: beyond the limits", d, n)
			}
		case err == nil || err.Error() != checked.Error():
			t.Fatalf("Decode returned %v, checkBinary %v", err, checked)
		}
		if checked != nil { // FuzzParsePlist covers the rest
			_, probs := ParsePlist(data, "f.plist", testHome)
			sourcetest.CheckProblems(t, probs)
			want := []string{msgTooMany(len(data)), msgDeepBinary, "not a valid binary property list"}
			if len(probs) != 1 || !slices.Contains(want, probs[0].Message) || probs[0].File != "f.plist" {
				t.Fatalf("refusal reported as %+v", probs)
			}
		}
	})
}

// FuzzDecodeDepth checks that the depth checkBounds measures in XML and
// text plists is never less than the nesting the decoder builds, so that
// a document it lets through cannot recurse deeper than the limit.
func FuzzDecodeDepth(f *testing.F) {
	for _, s := range []string{
		`{ Label = "com.sanctum.x"; A = ( "a(", b, { c = "}"; } ); }`,
		`{ A = /* ( */ ( // (` + "\n" + `x ); B = <*I5>; C = <[AAAA]>; D = <0f0f>; }`,
		`"x" = ( ( y ) );`,
		`x = y; z = (a);`,
		`{ U = http://x//((; }`,
		`( "\"(", "\\", '(' )`,
		"<plist><dict><key>A</key><array><array/><dict/></array></dict></plist>",
		"<array><array><string>(</string></array></array>",
		"<abab>",
	} {
		f.Add([]byte(s))
	}
	f.Add(utf16LE(`{ A = ( ( b ) ); }`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if bytes.HasPrefix(data, []byte("bplist")) {
			return
		}
		v, format, err := Decode(data)
		if err != nil {
			return
		}
		d, _ := depthOf(v)
		measured := 0
		switch format {
		case plist.XMLFormat:
			_, measured, _ = xmlDepth(data, math.MaxInt)
		case plist.OpenStepFormat, plist.GNUStepFormat:
			measured = textDepth(data, math.MaxInt)
		default:
			t.Fatalf("format %d", format)
		}
		if d > measured {
			t.Fatalf("decoded nesting %d, measured %d", d, measured)
		}
	})
}
