package main

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/driftmap/driftmap/cmd/driftmap/internal/cli"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		// $TEST_HOSTNAME, when set, stands for this machine's host name
		// (the default --node), so scripts do not depend on the machine.
		"driftmap": func() {
			env := cli.ProcessEnv()
			if h, ok := os.LookupEnv("TEST_HOSTNAME"); ok {
				env.Hostname = func() (string, error) { return h, nil }
			}
			// $TEST_NOW (RFC 3339), when set, is the clock: fix dates
			// what it retires and names its journal by it.
			if s, ok := os.LookupEnv("TEST_NOW"); ok {
				t, err := time.Parse(time.RFC3339, s)
				if err != nil {
					panic("TEST_NOW: " + err.Error())
				}
				env.Now = func() time.Time { return t }
			}
			os.Exit(cli.Execute(os.Args[1:], env))
		},
	})
}

// TestScripts runs the end-to-end CLI scripts in testdata/script. $DEMO
// is the bundled demo (testdata/demo at the repository root) and $CORPUS
// the shared real-world plist corpus when it is present.
func TestScripts(t *testing.T) {
	demo, err := filepath.Abs("../../testdata/demo")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("DEMO", demo)
			env.Setenv("HOME", "/Users/bert")
			return nil
		},
		UpdateScripts: os.Getenv("UPDATE_SCRIPTS") == "1",
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"cptree":     cmdCptree,
			"snapshot":   cmdSnapshot,
			"splitunits": cmdSplitUnits,
		},
	})
}

// cmdCptree copies the tree SRC to DST (new), keeping modes and
// symlinks as they are: cptree SRC DST.
func cmdCptree(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: cptree SRC DST")
	}
	src, dst := ts.MkAbs(args[0]), ts.MkAbs(args[1])
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			t, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(t, to)
		case fi.IsDir():
			return os.Mkdir(to, fi.Mode().Perm())
		default:
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if err := os.WriteFile(to, data, fi.Mode().Perm()); err != nil {
				return err
			}
			return os.Chmod(to, fi.Mode().Perm())
		}
	})
	ts.Check(err)
}

// cmdSnapshot writes a listing of the tree DIR to FILE, one line per
// entry: path, type, permissions, and the SHA-256 of a file or the
// target of a symlink; two trees with equal listings are byte for byte
// the same, modes included: snapshot DIR FILE.
func cmdSnapshot(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: snapshot DIR FILE")
	}
	dir := ts.MkAbs(args[0])
	var b strings.Builder
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			t, _ := os.Readlink(p)
			fmt.Fprintf(&b, "%s symlink -> %s\n", rel, t)
		case fi.IsDir():
			fmt.Fprintf(&b, "%s dir %04o\n", rel, fi.Mode().Perm())
		default:
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			fmt.Fprintf(&b, "%s file %04o %x\n", rel, fi.Mode().Perm(), sha256.Sum256(data))
		}
		return nil
	})
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(b.String()), 0o644))
}

// cmdSplitUnits splits FILE, what 'driftmap schedule systemd' prints,
// at its "# NAME.TYPE" lines, writing each part from that line on to
// DIR/NAME.TYPE: splitunits FILE DIR.
func cmdSplitUnits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: splitunits FILE DIR")
	}
	data := ts.ReadFile(args[0])
	var name string
	parts := map[string]*strings.Builder{}
	var order []string
	for _, line := range strings.SplitAfter(data, "\n") {
		if n, ok := strings.CutPrefix(strings.TrimSuffix(line, "\n"), "# "); ok && !strings.ContainsAny(n, " /") && strings.Contains(n, ".") {
			name = n
			parts[name] = &strings.Builder{}
			order = append(order, name)
		}
		if name == "" {
			ts.Fatalf("%s does not begin with a # NAME line", args[0])
		}
		parts[name].WriteString(line)
	}
	for _, n := range order {
		ts.Check(os.WriteFile(filepath.Join(ts.MkAbs(args[1]), n), []byte(parts[n].String()), 0o644))
	}
}
