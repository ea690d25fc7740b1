package render

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/driftmap/driftmap/sources"
	"github.com/driftmap/driftmap/sources/rootfs"
	"github.com/driftmap/driftmap/sources/sourcetest"
)

// These tests hold Apply to its promise: it never destroys. Each builds a
// small machine, plans, changes the tree the way an attacker or a crash
// would, and checks that Apply either does the right thing or refuses
// before it writes anything.

const svcDir = "/Users/bert/.sanctum/services"

// machine is a catalog of two services, instance.yaml, and the voice
// agent's hand-kept manifest (its port differs, so render updates it).
func machine(t *testing.T, extra map[string]string) string {
	t.Helper()
	files := map[string]string{
		"ws/sanctum/runtime_catalog.yaml":                    "version: 1\nservices:\n  voice-agent: {launchagent: com.sanctum.voice-agent}\n  qwen3-tts: {}\n",
		"root/Users/bert/.sanctum/instance.yaml":             "services:\n  voice_agent: {port: 8765}\n  qwen3_tts: {port: 7788}\n",
		"root/Users/bert/.sanctum/services/voice-agent.yaml": "name: voice-agent\nport: 1\nremediation:\n  restart: true  # hand-kept\n",
	}
	for k, v := range extra {
		files[k] = v
	}
	return sourcetest.Tree(t, files, "root", "ws")
}

// plan loads the machine in dir (through fsys when it is not nil) and
// plans.
func plan(t *testing.T, dir string, fsys rootfs.FS) []Planned {
	t.Helper()
	snap, err := sources.Load(sources.Options{Root: filepath.Join(dir, "root"), Home: "/Users/bert", Workspace: filepath.Join(dir, "ws"), FS: fsys})
	if err != nil {
		t.Fatal(err)
	}
	return Plan(snap)
}

// apply runs Apply on the machine in dir and fails the test, rather than
// hang, when it does not return within a minute.
func apply(t *testing.T, dir string, p []Planned, prune bool) (Result, error) {
	t.Helper()
	type ret struct {
		res Result
		err error
	}
	done := make(chan ret, 1)
	go func() {
		res, err := Apply(filepath.Join(dir, "root"), svcDir, p, prune, "2025-01-02")
		done <- ret{res, err}
	}()
	select {
	case r := <-done:
		return r.res, r.err
	case <-time.After(time.Minute):
		t.Fatal("Apply did not return within a minute")
		return Result{}, nil
	}
}

func host(dir, p string) string { return filepath.Join(dir, "root", filepath.FromSlash(p)) }

// unchanged fails when the tree under dir differs from before.
func unchanged(t *testing.T, dir string, before map[string]string) {
	t.Helper()
	if d := sourcetest.DiffTrees(before, sourcetest.TreeState(t, dir)); d != "" {
		t.Errorf("the tree changed:\n%s", d)
	}
}

// TestApplyRetiredNotADirectory: with --prune, a .retired that is not a
// directory is refused by name before anything is written. A regular
// file or a symlink there used to make the search for a free name loop
// for ever at full CPU.
func TestApplyRetiredNotADirectory(t *testing.T) {
	outside := t.TempDir()
	for _, tc := range []struct {
		name string
		make func(t *testing.T, retired string)
		kind string
	}{
		{"regular file", func(t *testing.T, p string) { sourcetest.Must(t, os.WriteFile(p, []byte("x"), 0o644)) }, "a regular file"},
		{"symlink to a directory outside", func(t *testing.T, p string) { sourcetest.Must(t, os.Symlink(outside, p)) }, "a symlink"},
		{"symlink to a directory inside", func(t *testing.T, p string) {
			sourcetest.Must(t, os.Mkdir(filepath.Join(filepath.Dir(p), "sub"), 0o755))
			sourcetest.Must(t, os.Symlink("sub", p))
		}, "a symlink"},
		{"dangling symlink", func(t *testing.T, p string) { sourcetest.Must(t, os.Symlink("nowhere", p)) }, "a symlink"},
		{"named pipe", func(t *testing.T, p string) { sourcetest.Must(t, syscall.Mkfifo(p, 0o644)) }, "a FIFO"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := machine(t, map[string]string{
				"root/Users/bert/.sanctum/services/stale.yaml": "name: gone\nport: 1\n",
				"root/Users/bert/.sanctum/instance.yaml":       "services:\n  voice_agent: {port: 8765}\n  qwen3_tts: {port: 7788}\n  gone: {enabled: false}\n",
			})
			tc.make(t, host(dir, svcDir+"/.retired"))
			p := plan(t, dir, nil)
			before := sourcetest.TreeState(t, dir)
			res, err := apply(t, dir, p, true)
			var refused *RefusedError
			want := svcDir + "/.retired is " + tc.kind + ", not a directory; refusing to retire manifests into it"
			if !errors.As(err, &refused) || err.Error() != want {
				t.Fatalf("Apply: %v\nwant refusal %q", err, want)
			}
			if len(res.Written) != 0 || len(res.Removed) != 0 {
				t.Errorf("Apply did %+v before refusing", res)
			}
			unchanged(t, dir, before)
			if entries, _ := os.ReadDir(outside); len(entries) != 0 {
				t.Errorf("wrote outside: %v", entries)
			}
		})
	}
}

// TestApplyStaleTemporaries: temporaries a killed render left
// (.NAME.yaml.driftmap-SUFFIX) are removed by the next render and
// reported; look-alikes, symlinks and directories are left alone, and a
// render leaves no temporary of its own.
func TestApplyStaleTemporaries(t *testing.T) {
	stale := []string{
		".voice-agent.yaml.driftmap-4242",              // a killed render before random suffixes
		".qwen3-tts.yaml.driftmap-0123456789abcdef",    // a killed render now
		".retired-thing.yml.driftmap-77",               // .yml manifests too
		".voice-agent.yaml.driftmap-1.yaml.driftmap-9", // the last infix counts
	}
	keep := []string{
		"voice-agent.yaml.driftmap-4242",    // not hidden
		".voice-agent.yaml.driftmap-",       // no suffix
		".voice-agent.yaml.driftmap-XYZ",    // not a suffix render writes
		".notes.txt.driftmap-42",            // not a manifest's
		"..voice-agent.yaml.driftmap-42",    // NAME is hidden
		".voice-agent.yaml.driftmap-42.bak", // a suffix after the suffix
	}
	extra := map[string]string{}
	for _, n := range append(slices.Clone(stale), keep...) {
		extra["root"+svcDir+"/"+n] = "partial"
	}
	dir := machine(t, extra)
	outsideFile := filepath.Join(t.TempDir(), "target")
	sourcetest.Must(t, os.WriteFile(outsideFile, []byte("host file"), 0o644))
	sourcetest.Must(t, os.Symlink(outsideFile, host(dir, svcDir+"/.link.yaml.driftmap-1")))
	sourcetest.Must(t, os.Mkdir(host(dir, svcDir+"/.dir.yaml.driftmap-2"), 0o755))
	keep = append(keep, ".link.yaml.driftmap-1", ".dir.yaml.driftmap-2")

	res, err := apply(t, dir, plan(t, dir, nil), false)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, n := range stale {
		want = append(want, svcDir+"/"+n)
	}
	slices.Sort(want)
	if !reflect.DeepEqual(res.Removed, want) {
		t.Errorf("Removed = %q\nwant %q", res.Removed, want)
	}
	if w := []string{svcDir + "/qwen3-tts.yaml", svcDir + "/voice-agent.yaml"}; !reflect.DeepEqual(res.Written, w) {
		t.Errorf("Written = %q, want %q", res.Written, w)
	}
	entries, err := os.ReadDir(host(dir, svcDir))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		if strings.Contains(e.Name(), tempInfix) {
			got = append(got, e.Name())
		}
	}
	slices.Sort(keep)
	if !reflect.DeepEqual(got, keep) {
		t.Errorf("temporaries left: %q\nwant the look-alikes %q", got, keep)
	}
	if data, _ := os.ReadFile(outsideFile); string(data) != "host file" {
		t.Errorf("the file a look-alike links to changed: %q", data)
	}
	for _, n := range stale {
		if !isTemp(n) {
			t.Errorf("isTemp(%q) = false", n)
		}
	}
	for _, n := range keep {
		// The symlink and the directory have a temporary's name; they are
		// kept for what they are.
		if isTemp(n) != (n == ".link.yaml.driftmap-1" || n == ".dir.yaml.driftmap-2") {
			t.Errorf("isTemp(%q) = %v", n, isTemp(n))
		}
	}
}

// TestApplyNothingToWriteStillRemovesStale: a render with nothing to
// change still removes what a killed one left.
func TestApplyNothingToWriteStillRemovesStale(t *testing.T) {
	dir := machine(t, nil)
	if _, err := apply(t, dir, plan(t, dir, nil), false); err != nil {
		t.Fatal(err)
	}
	sourcetest.Must(t, os.WriteFile(host(dir, svcDir+"/.voice-agent.yaml.driftmap-99"), []byte("part"), 0o644))
	p := plan(t, dir, nil)
	for _, e := range p {
		if e.Action != Unchanged {
			t.Fatalf("second plan: %s %s", e.File, e.Action)
		}
	}
	res, err := apply(t, dir, p, false)
	if err != nil || !reflect.DeepEqual(res.Removed, []string{svcDir + "/.voice-agent.yaml.driftmap-99"}) || len(res.Written) != 0 {
		t.Errorf("Apply = %+v, %v", res, err)
	}
}

// TestWriteAtomicRemovesItsTemporary: a rename that fails leaves no
// temporary behind.
func TestWriteAtomicRemovesItsTemporary(t *testing.T) {
	dir := t.TempDir()
	sourcetest.Must(t, os.MkdirAll(filepath.Join(dir, "x.yaml", "inside"), 0o755))
	r, err := os.OpenRoot(dir)
	sourcetest.Must(t, err)
	defer r.Close()
	if err := writeAtomic(r, "x.yaml", []byte("name: x\n")); err == nil {
		t.Fatal("renaming over a directory succeeded")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "x.yaml" {
		t.Errorf("left behind: %v", entries)
	}
	if err := writeAtomic(r, "y.yaml", []byte("name: y\n")); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("after a write: %v", entries)
	}
}

// TestApplyRefusesWhatItDidNotSee: a file that appeared where render
// planned to create one, a manifest changed since render read it, or one
// replaced by something that is not a regular file, is refused before
// anything is written.
func TestApplyRefusesWhatItDidNotSee(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, dir string)
		want   string
	}{
		{"created meanwhile", func(t *testing.T, dir string) {
			sourcetest.Must(t, os.WriteFile(host(dir, svcDir+"/qwen3-tts.yaml"), []byte("name: qwen3-tts\nhealth: {keep: me}\n"), 0o644))
		}, "manifest " + svcDir + "/qwen3-tts.yaml exists but render did not read it; refusing to replace it"},
		{"changed meanwhile", func(t *testing.T, dir string) {
			sourcetest.Must(t, os.WriteFile(host(dir, svcDir+"/voice-agent.yaml"), []byte("name: voice-agent\nport: 2\n"), 0o644))
		}, "manifest " + svcDir + "/voice-agent.yaml changed since render read it; refusing to replace it (run driftmap render again)"},
		{"replaced by a pipe", func(t *testing.T, dir string) {
			p := host(dir, svcDir+"/voice-agent.yaml")
			sourcetest.Must(t, os.Remove(p))
			sourcetest.Must(t, syscall.Mkfifo(p, 0o644))
		}, "manifest " + svcDir + "/voice-agent.yaml is a FIFO, not a regular file; refusing to replace it"},
		{"replaced by a directory", func(t *testing.T, dir string) {
			p := host(dir, svcDir+"/qwen3-tts.yaml")
			sourcetest.Must(t, os.Mkdir(p, 0o755))
		}, "manifest " + svcDir + "/qwen3-tts.yaml is a directory, not a regular file; refusing to replace it"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := machine(t, nil)
			p := plan(t, dir, nil)
			tc.change(t, dir)
			before := sourcetest.TreeState(t, dir)
			res, err := apply(t, dir, p, false)
			var refused *RefusedError
			if !errors.As(err, &refused) || err.Error() != tc.want {
				t.Fatalf("Apply: %v\nwant refusal %q", err, tc.want)
			}
			if len(res.Written) != 0 {
				t.Errorf("wrote %v before refusing", res.Written)
			}
			unchanged(t, dir, before)
		})
	}
}

// TestPlanUnreadable: a manifest that exists but cannot be read is
// Broken and Unreadable, whether a service renders it or not, and so is
// every manifest when the directory cannot be listed; Apply then writes
// nothing. Render used to take an unreadable manifest for a missing one
// and replace it, hand-kept fields and all.
func TestPlanUnreadable(t *testing.T) {
	type row struct {
		file   string
		action Action
		unread bool
		err    string
	}
	for _, tc := range []struct {
		name string
		fail map[string]error
		want []row
	}{
		{"a rendered manifest", map[string]error{svcDir + "/voice-agent.yaml": fs.ErrPermission}, []row{
			{svcDir + "/qwen3-tts.yaml", Create, false, ""},
			{svcDir + "/voice-agent.yaml", Broken, true, "cannot be read (permission denied); render will not replace it"},
		}},
		{"a manifest no service renders", map[string]error{svcDir + "/notes.yaml": errors.New("input/output error")}, []row{
			{svcDir + "/notes.yaml", Broken, true, "cannot be read (input/output error); render will not replace it"},
			{svcDir + "/qwen3-tts.yaml", Create, false, ""},
			{svcDir + "/voice-agent.yaml", Update, false, ""},
		}},
		{"the directory", map[string]error{svcDir: fs.ErrPermission}, []row{
			{svcDir + "/qwen3-tts.yaml", Broken, true, "the manifests directory " + svcDir + " cannot be read (permission denied); render will not write into it"},
			{svcDir + "/voice-agent.yaml", Broken, true, "the manifests directory " + svcDir + " cannot be read (permission denied); render will not write into it"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := machine(t, map[string]string{"root" + svcDir + "/notes.yaml": "name: notes\n"})
			if tc.name != "a manifest no service renders" {
				sourcetest.Must(t, os.Remove(host(dir, svcDir+"/notes.yaml")))
			}
			p := plan(t, dir, sourcetest.FaultFS{FS: rootfs.RootFS{Dir: filepath.Join(dir, "root")}, Fail: tc.fail})
			var got []row
			for _, e := range p {
				got = append(got, row{e.File, e.Action, e.Unreadable, e.Err})
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("plan:\n%+v\nwant\n%+v", got, tc.want)
			}
			before := sourcetest.TreeState(t, dir)
			res, err := apply(t, dir, p, true)
			if err == nil || !strings.Contains(err.Error(), "cannot render "+svcDir+"/") || len(res.Written) != 0 {
				t.Errorf("Apply = %+v, %v; want an error naming the file and nothing written", res, err)
			}
			unchanged(t, dir, before)
		})
	}
}

// TestIsTempNames pins the temporaries' names: the prefix
// ".NAME.driftmap-" in the manifests directory.
func TestIsTempNames(t *testing.T) {
	dir := t.TempDir()
	r, err := os.OpenRoot(dir)
	sourcetest.Must(t, err)
	defer r.Close()
	f, tmp, err := createTemp(r, "voice-agent.yaml", 0o644)
	sourcetest.Must(t, err)
	f.Close()
	if !strings.HasPrefix(tmp, ".voice-agent.yaml.driftmap-") || path.Base(tmp) != tmp || !isTemp(tmp) {
		t.Errorf("temporary %q", tmp)
	}
}
