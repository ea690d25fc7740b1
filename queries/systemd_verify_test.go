package queries

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/driftmap/driftmap/internal/testtool"
	"github.com/driftmap/driftmap/internal/verify"
	"github.com/driftmap/driftmap/sources"
	"github.com/driftmap/driftmap/sources/systemd"
)

// verifyRoot is the side-by-side fixture of docs/systemd.md.
const verifyRoot = "../testdata/systemd/verify/root"

// verifyExplained lists what systemd-analyze verify reports on the
// fixture that driftmap deliberately does not, each with why (the
// "Differences" of docs/systemd.md). Keyed by "unit subject".
var verifyExplained = map[string]string{
	// verify checks a template by making up the instance "i"; the
	// template's %i paths are not a fact about the machine, and the
	// enabled instance worker@bar.service is checked instead.
	"worker@i.service /opt/worker/i/bin/worker": "template checked with a made-up instance",
}

// TestVerifyRecorded holds driftmap to what systemd-analyze verify
// reported on the fixture when verify.golden was recorded: every
// missing or non-executable program, every missing or masked required
// unit it names, driftmap reports too (or the difference is explained).
// It runs everywhere; TestVerifyLive runs verify itself.
func TestVerifyRecorded(t *testing.T) {
	data, err := os.ReadFile("../testdata/systemd/verify/verify.golden")
	if err != nil {
		t.Fatal(err)
	}
	checkVerifyCovered(t, verify.Parse(string(data)))
}

// TestVerifyLive runs systemd-analyze verify on every audited unit of
// the fixture, when it is installed, and checks driftmap against it.
func TestVerifyLive(t *testing.T) {
	testtool.Find(t, "DRIFTMAP_VERIFY_TEST", verify.Program)
	root, err := filepath.Abs(verifyRoot)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := verify.Run(ctx, root, verifyUnits(t, root))
	if err != nil {
		t.Fatal(err)
	}
	reports := verify.Parse(out.Text)
	if len(reports) == 0 {
		t.Fatal("verify reported nothing: the fixture is meant to give it work")
	}
	checkVerifyCovered(t, reports)
}

// verifyUnits lists the unit names of the fixture's /etc/systemd/system
// (files, links and the instances of *.wants/), as verify.golden does.
func verifyUnits(t *testing.T, root string) []string {
	dir := filepath.Join(root, "etc/systemd/system")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		name := strings.TrimSuffix(strings.TrimSuffix(e.Name(), ".d"), ".wants")
		if strings.HasSuffix(e.Name(), ".wants") {
			sub, _ := os.ReadDir(filepath.Join(dir, e.Name()))
			for _, s := range sub {
				names = append(names, s.Name())
			}
			continue
		}
		if _, ok := systemd.ParseName(name); ok {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

func checkVerifyCovered(t *testing.T, reports []verify.Report) {
	t.Helper()
	snap, err := sources.Load(sources.Options{Root: verifyRoot, Home: "/root", Workspace: verifyRoot})
	if err != nil {
		t.Fatal(err)
	}
	findings := Run(snap, All())
	covered := func(unit string, rules []string, text string) bool {
		for _, f := range findings {
			if f.Subject == "unit:"+unit && slices.Contains(rules, f.Rule) && strings.Contains(f.Message, text) {
				return true
			}
		}
		return false
	}
	checked := 0
	for _, r := range reports {
		var rules []string
		switch r.Kind {
		case verify.MissingExec, verify.NotExecutable:
			rules = []string{MissingTarget.Name, NotExecutable.Name}
		case verify.MissingUnit:
			if systemd.Special(r.Subject, false) {
				continue // always there on a real machine; the fixture lacks its file
			}
			rules = []string{UnknownDependency.Name, MissingTrigger.Name}
		case verify.MaskedUnit:
			if r.Unit == r.Subject {
				continue // the masked unit itself: a mask is deliberate
			}
			rules = []string{MaskedDependency.Name}
		case verify.OrderingCycle:
			rules = []string{OrderingCycle.Name}
		default:
			continue
		}
		checked++
		if why, ok := verifyExplained[r.Unit+" "+r.Subject]; ok {
			t.Logf("explained: %s (%s)", r.Line, why)
			continue
		}
		unit := r.Unit
		if r.Kind == verify.OrderingCycle {
			// verify names the cycle from either end; driftmap reports it
			// once, about its first unit.
			if !slices.ContainsFunc(findings, func(f Finding) bool {
				return f.Rule == OrderingCycle.Name && regexp.MustCompile(`\b`+regexp.QuoteMeta(r.Subject)+`\b`).MatchString(f.Message)
			}) {
				t.Errorf("verify: %s\ndriftmap reports no ordering cycle through %s", r.Line, r.Subject)
			}
			continue
		}
		if !covered(unit, rules, r.Subject) {
			t.Errorf("verify: %s\ndriftmap reports nothing like it about unit:%s (%s)", r.Line, unit, strings.Join(rules, " or "))
		}
	}
	if checked == 0 {
		t.Fatal("no report of verify was checked")
	}
}
