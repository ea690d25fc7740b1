// Package testtool finds the programs that tests run beside driftmap
// (promtool, prometheus, prometheus-node-exporter, systemd-analyze).
// Only tests import it; the driftmap binary runs none of them.
//
// The rule it holds for every such test: where the program is missing
// the test is skipped, unless the environment variable that .ci/run sets
// for it (DRIFTMAP_PROMETHEUS_TEST=1, DRIFTMAP_VERIFY_TEST=1) is 1; then
// the missing program fails the test, so that CI cannot pass by
// skipping it.
package testtool

import (
	"os"
	"os/exec"
	"testing"
)

// Required reports whether the environment variable env is "1": the
// tests it guards must run.
func Required(env string) bool {
	return os.Getenv(env) == "1"
}

// Find returns the path of the program name from PATH. When PATH lacks
// it, Find fails t if Required(env), and skips t otherwise.
func Find(t testing.TB, env, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if Required(env) {
		t.Fatalf("%s=1 requires %s, which is not installed: %v", env, name, err)
	}
	t.Skipf("%s is not installed (with %s=1 this test fails instead)", name, env)
	return ""
}
