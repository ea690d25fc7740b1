package main

import (
	"os"
	"path/filepath"
	"testing"

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
	})
}
