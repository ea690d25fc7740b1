package launchd

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/driftmap/driftmap/sources/sourcetest"
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
