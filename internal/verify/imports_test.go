package verify

import (
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
)

const module = "github.com/driftmap/driftmap"

// TestOnlyInTests holds the package's promise: the driftmap binary never
// runs systemd-analyze, because no non-test file of any package of the
// module imports this one.
func TestOnlyInTests(t *testing.T) {
	if testing.Short() {
		t.Skip("loads every package of the module")
	}
	self := module + "/internal/verify"
	pkgs, err := packages.Load(&packages.Config{Mode: packages.NeedName | packages.NeedImports, Dir: "../.."}, module+"/...")
	if err != nil {
		t.Fatal(err)
	}
	var bad []string
	for _, p := range pkgs {
		for _, e := range p.Errors {
			t.Errorf("%s: %v", p.PkgPath, e)
		}
		if _, ok := p.Imports[self]; ok {
			bad = append(bad, p.PkgPath)
		}
	}
	if len(pkgs) < 10 {
		t.Fatalf("loaded %d packages of %s, expected the whole module", len(pkgs), module)
	}
	slices.Sort(bad)
	if len(bad) > 0 {
		t.Errorf("%s is for tests and docs, but non-test files of these packages import it:\n%s",
			self, strings.Join(bad, "\n"))
	}
}
