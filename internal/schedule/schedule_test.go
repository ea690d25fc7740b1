package schedule

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"howett.net/plist"

	"github.com/driftmap/driftmap/sources/systemd"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/NAME, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	file := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("%s is stale (go test ./internal/schedule -update rewrites it); got:\n%s", file, got)
	}
}

// awkward is a job whose words need every kind of quoting.
var awkward = Job{
	Program:     "/opt/drift map/bin/driftmap",
	Flags:       []string{"--home", "/Users/bert", "--workspace", `/src/it's "100%" $HOME;x\y`, "--label-prefix", "", "--node", ";"},
	Every:       90 * time.Minute,
	TextfileDir: "/var/lib/text file <&>",
	Home:        "/Users/bert",
}

var plain = Job{
	Program:     "/usr/local/bin/driftmap",
	Flags:       []string{"--home", "/Users/bert", "--workspace", "/Users/bert/src/sanctum"},
	Every:       10 * time.Minute,
	TextfileDir: "/Users/bert/Library/Application Support/driftmap/textfile",
	Home:        "/Users/bert",
}

func TestLaunchdGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		j    Job
	}{{"launchd.plist", plain}, {"launchd-awkward.plist", awkward}} {
		out, err := Launchd(tc.j)
		if err != nil {
			t.Fatal(err)
		}
		golden(t, tc.name, out)
	}
}

func TestSystemdGolden(t *testing.T) {
	j := plain
	j.TextfileDir = SystemdTextfileDir
	j.Flags = []string{"--home", "/home/bert", "--workspace", "/home/bert/src/sanctum"}
	for _, tc := range []struct {
		name string
		j    Job
	}{{"systemd.units", j}, {"systemd-awkward.units", awkward}} {
		out, err := Systemd(tc.j)
		if err != nil {
			t.Fatal(err)
		}
		golden(t, tc.name, out)
	}
}

// TestLaunchdDecodes reads the plist back: every key holds what the job
// says, the arguments word for word.
func TestLaunchdDecodes(t *testing.T) {
	for _, j := range []Job{plain, awkward} {
		out, err := Launchd(j)
		if err != nil {
			t.Fatal(err)
		}
		var got struct {
			Label                              string
			ProgramArguments                   []string
			StartInterval                      int
			RunAtLoad                          bool
			StandardOutPath, StandardErrorPath string
		}
		if _, err := plist.Unmarshal(out, &got); err != nil {
			t.Fatalf("plist does not decode: %v\n%s", err, out)
		}
		if got.Label != Label || !slices.Equal(got.ProgramArguments, j.Command()) ||
			got.StartInterval != int(j.Every/time.Second) || !got.RunAtLoad ||
			got.StandardOutPath != "" || got.StandardErrorPath != j.Home+"/Library/Logs/driftmap-audit.log" {
			t.Errorf("decoded %+v from\n%s", got, out)
		}
	}
}

// TestExecLineSplits holds execLine to driftmap's reading of an Exec
// line, which follows systemd's: the words come back as they were, but
// for %% and $$, which systemd turns back into % and $ when it expands
// specifiers and variables.
func TestExecLineSplits(t *testing.T) {
	for _, argv := range [][]string{
		plain.Command(),
		awkward.Command(),
		{"/bin/x", "", "a b", "tab\there", "new\nline", "bell\a", "semi;", ";", `back\slash`, `'single'`, `"double"`, "-", "@x"},
	} {
		line := execLine(argv)
		cmds, ok := systemd.SplitCommands(line)
		if !ok || len(cmds) != 1 || cmds[0].Soft || cmds[0].Argv0 || cmds[0].Privileged {
			t.Fatalf("execLine(%q) = %s: splits into %+v, ok %v", argv, line, cmds, ok)
		}
		var got []string
		for _, w := range cmds[0].Words {
			w = strings.ReplaceAll(w, "%%", "%")
			got = append(got, strings.ReplaceAll(w, "$$", "$"))
		}
		if !slices.Equal(got, argv) {
			t.Errorf("execLine(%q) = %s: splits back into %q", argv, line, got)
		}
	}
}

func TestSpan(t *testing.T) {
	for d, want := range map[time.Duration]string{
		time.Minute:                  "1min",
		10 * time.Minute:             "10min",
		90 * time.Second:             "1min 30s",
		time.Hour:                    "1h",
		25*time.Hour + 5*time.Second: "25h 5s",
		2*time.Hour + 30*time.Minute: "2h 30min",
	} {
		if got := span(d); got != want {
			t.Errorf("span(%s) = %q, want %q", d, got, want)
		}
	}
}

func TestCheckEvery(t *testing.T) {
	for d, ok := range map[time.Duration]bool{
		time.Minute: true, 10 * time.Minute: true, 24 * time.Hour: true,
		59 * time.Second: false, 0: false, -time.Hour: false, time.Minute + time.Millisecond: false,
	} {
		if err := CheckEvery(d); (err == nil) != ok {
			t.Errorf("CheckEvery(%s) = %v", d, err)
		}
	}
}

func TestRefuses(t *testing.T) {
	for name, j := range map[string]Job{
		"relative program":  {Program: "driftmap", Every: time.Hour, TextfileDir: "/t", Home: "/h"},
		"relative textfile": {Program: "/d", Every: time.Hour, TextfileDir: "t", Home: "/h"},
		"short interval":    {Program: "/d", Every: time.Second, TextfileDir: "/t", Home: "/h"},
		"NUL":               {Program: "/d", Every: time.Hour, TextfileDir: "/t", Home: "/h", Flags: []string{"a\x00b"}},
	} {
		if _, err := Launchd(j); err == nil {
			t.Errorf("%s: Launchd accepted %+v", name, j)
		}
		if _, err := Systemd(j); err == nil {
			t.Errorf("%s: Systemd accepted %+v", name, j)
		}
	}
	if _, err := Launchd(Job{Program: "/d", Every: time.Hour, TextfileDir: "/t", Home: "home"}); err == nil {
		t.Error("Launchd accepted a relative home")
	}
}

func TestDefaultTextfileDir(t *testing.T) {
	if got := DefaultTextfileDir("launchd", "/Users/bert"); got != "/Users/bert/Library/Application Support/driftmap/textfile" {
		t.Errorf("launchd: %s", got)
	}
	if got := DefaultTextfileDir("systemd", "/home/bert"); got != "/var/lib/prometheus/node-exporter" {
		t.Errorf("systemd: %s", got)
	}
}
