package sources

import (
	"bufio"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources/systemd"
)

// The real-world corpora beside the project (see their SOURCES.md). They
// are read where they are and copied only into a temporary root.
const (
	plistCorpus = "/work/shared/corpus/launchd-realworld"
	unitCorpus  = "/work/shared/corpus/systemd-realworld"
)

// TestCorpusOneRoot loads the 95 plists and the 103 units of the shared
// corpora together in one root, as a new user would lay them out: the
// plists in ~/Library/LaunchAgents, system units in /etc/systemd/system
// and user units in ~/.config/systemd/user (a second file of a name
// already taken goes to the next directory of its manager, where systemd
// would find it shadowed), drop-ins in NAME.d/. Nothing may crash, every
// unit file with a valid name that no earlier directory shadows must
// become a unit node, and every problem must name its file. It logs how
// many units load and which are not, and why.
func TestCorpusOneRoot(t *testing.T) {
	if _, err := os.Stat(filepath.Join(unitCorpus, "SOURCES.md")); err != nil {
		t.Skip("the shared corpora are not beside the project")
	}
	root := t.TempDir()
	home := "/home/user"
	scopes := corpusScopes(t)
	sysDirs := []string{"etc/systemd/system", "usr/lib/systemd/system", "lib/systemd/system"}
	userDirs := []string{"home/user/.config/systemd/user", "etc/systemd/user", "usr/lib/systemd/user"}
	entries, err := os.ReadDir(unitCorpus)
	if err != nil {
		t.Fatal(err)
	}
	type placed struct{ corpus, path, name string }
	var units, dropins []placed
	// nodeName is the node name of a placed file's unit: a user unit's
	// (in a user's manager's directory) is user/NAME.
	nodeName := func(p placed) string {
		if strings.HasPrefix(p.path, "/home/") || strings.Contains(p.path, "/systemd/user") {
			return "user/" + p.name
		}
		return p.name
	}
	for _, e := range entries {
		name := e.Name()
		if name == "SOURCES.md" {
			continue
		}
		parts := strings.SplitN(name, "__", 3)
		if len(parts) != 3 {
			t.Fatalf("unexpected corpus name %s", name)
		}
		base := parts[2]
		dirs := sysDirs
		if scopes[name] == "user" {
			dirs = userDirs
		}
		data, err := os.ReadFile(filepath.Join(unitCorpus, name))
		if err != nil {
			t.Fatal(err)
		}
		if unit, conf, ok := strings.Cut(base, ".d__"); ok {
			d := filepath.Join(root, dirs[0], unit+".d")
			if _, err := os.Stat(filepath.Join(d, conf)); err == nil {
				conf = strings.TrimSuffix(conf, ".conf") + "-" + name[:3] + ".conf"
			}
			write(t, filepath.Join(d, conf), data)
			dropins = append(dropins, placed{name, "/" + filepath.Join(dirs[0], unit+".d", conf), unit})
			continue
		}
		for _, d := range dirs {
			p := filepath.Join(root, d, base)
			if _, err := os.Stat(p); err == nil {
				continue
			}
			write(t, p, data)
			units = append(units, placed{name, "/" + filepath.Join(d, base), base})
			break
		}
	}
	plists, err := os.ReadDir(plistCorpus)
	if err != nil {
		t.Fatal(err)
	}
	nplists := 0
	for _, e := range plists {
		if strings.HasSuffix(e.Name(), ".md") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(plistCorpus, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(root, "home/user/Library/LaunchAgents", e.Name()), data)
		nplists++
	}
	ws := t.TempDir()
	for _, all := range []bool{false, true} {
		snap, err := Load(Options{Root: root, Home: home, Workspace: ws, LabelPrefixes: []string{""}, SystemdAll: all})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range snap.Problems {
			if p.File == "" || p.Line < 0 {
				t.Errorf("problem without a place: %+v", p)
			}
		}
		if all {
			continue // the counts below are for a new user's run
		}
		loaded, shadowed, invalid := 0, 0, 0
		seen := map[string]bool{} // manager/name: the first directory wins
		for _, u := range units {
			key := nodeName(u)
			id := graph.ID(graph.Unit, key)
			if _, ok := systemd.ParseName(u.name); !ok {
				invalid++
				t.Logf("not a unit: %s (%s): %q is not a unit name systemd loads", u.corpus, u.path, u.name)
				continue
			}
			if seen[key] {
				shadowed++
				t.Logf("shadowed: %s (%s): an earlier directory of its manager defines %s", u.corpus, u.path, u.name)
				continue
			}
			seen[key] = true
			n, ok := snap.Graph.Node(id)
			if !ok || n.State != graph.Live {
				t.Errorf("%s (%s) is no live unit node %s", u.corpus, u.path, id)
				continue
			}
			loaded++
		}
		based := 0
		for _, d := range dropins {
			n, ok := snap.Graph.Node(graph.ID(graph.Unit, nodeName(d)))
			if ok && slices.ContainsFunc(n.Defined, func(e graph.Evidence) bool { return e.File == d.path }) {
				based++
				continue
			}
			t.Logf("drop-in without its unit: %s (%s): no unit file defines %s in this root", d.corpus, d.path, d.name)
		}
		byFile := map[string]int{}
		for _, p := range snap.Problems {
			if strings.Contains(p.File, "/systemd/") {
				byFile[p.File]++
			}
		}
		for _, f := range slices.Sorted(maps.Keys(byFile)) {
			t.Logf("problems: %s: %d", f, byFile[f])
		}
		t.Logf("%d plists; %d unit files and %d drop-ins placed: %d units loaded, %d shadowed, %d not unit names; %d drop-ins applied to a unit", nplists, len(units), len(dropins), loaded, shadowed, invalid, based)
		if loaded < 80 {
			t.Errorf("only %d units loaded", loaded)
		}
	}
}

func write(t *testing.T, p string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// corpusScopes reads SOURCES.md's table: corpus file name -> "system" or
// "user".
func corpusScopes(t *testing.T) map[string]string {
	f, err := os.Open(filepath.Join(unitCorpus, "SOURCES.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	row := regexp.MustCompile("^\\| \\d{3} \\| `([^`]+)` \\|.*\\| (system|user) \\| [^|]+ \\| [^|]+ \\|$")
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if m := row.FindStringSubmatch(sc.Text()); m != nil {
			out[m[1]] = m[2]
		}
	}
	if len(out) != 103 {
		t.Fatalf("SOURCES.md lists %d files with a scope, want 103", len(out))
	}
	return out
}
