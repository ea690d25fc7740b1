package launchctl

import (
	"errors"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

type exitError int

func (e exitError) Error() string { return "exit status " + strconv.Itoa(int(e)) }
func (e exitError) ExitCode() int { return int(e) }

type result struct {
	out string
	err error
}

// fakeRunner answers each command line from outputs and records the
// calls.
func fakeRunner(t *testing.T, outputs map[string]result) (Runner, *[]string) {
	var calls []string
	return func(args ...string) ([]byte, error) {
		cmd := strings.Join(args, " ")
		calls = append(calls, cmd)
		r, ok := outputs[cmd]
		if !ok {
			t.Errorf("unexpected command launchctl %s", cmd)
			return nil, errors.New("unexpected")
		}
		return []byte(r.out), r.err
	}, &calls
}

func readFixture(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestTake(t *testing.T) {
	run, calls := fakeRunner(t, map[string]result{
		"print gui/501":                         {readFixture(t, "print-domain-gui.txt"), nil},
		"print system":                          {readFixture(t, "print-domain-system.txt"), nil},
		"print gui/501/com.sanctum.voice-agent": {readFixture(t, "print-service-tabs.txt"), nil},
		"print gui/501/com.sanctum.gone":        {"", exitError(113)},
		"print gui/501/com.sanctum.gone-too":    {"Could not find service \"com.sanctum.gone-too\" in domain for port\n", exitError(1)},
		"print gui/501/com.sanctum.broken":      {"", exitError(5)},
		"print-disabled gui/501":                {readFixture(t, "print-disabled-enabled.txt"), nil},
		"print-disabled system":                 {readFixture(t, "print-disabled-truefalse.txt"), nil},
	})
	labels := []string{"com.sanctum.voice-agent", "com.sanctum.gone", "", "com.sanctum.broken", "com.sanctum.voice-agent", "com.sanctum.gone-too"}
	snap, raw, err := Take(run, 501, labels, true)
	if err != nil {
		t.Fatal(err)
	}
	wantCalls := []string{"print gui/501", "print system",
		"print gui/501/com.sanctum.broken", "print gui/501/com.sanctum.gone", "print gui/501/com.sanctum.gone-too", "print gui/501/com.sanctum.voice-agent",
		"print-disabled gui/501", "print-disabled system"}
	if !reflect.DeepEqual(*calls, wantCalls) {
		t.Errorf("calls %q\nwant %q", *calls, wantCalls)
	}
	if len(raw) != len(wantCalls) || string(raw["launchctl print system"]) != readFixture(t, "print-domain-system.txt") {
		t.Errorf("raw outputs: %d", len(raw))
	}
	wantProblems := []Problem{{File: "launchctl print gui/501/com.sanctum.broken", Message: "launchctl failed to print this; what it holds is not in the snapshot"}}
	if !reflect.DeepEqual(snap.Problems, wantProblems) {
		t.Errorf("problems %+v", snap.Problems)
	}
	var voice *Job
	for i, j := range snap.Jobs {
		if j.Label == "com.sanctum.voice-agent" {
			voice = &snap.Jobs[i]
		}
		if strings.HasPrefix(j.Label, "com.sanctum.gone") {
			t.Errorf("a job not loaded is in the snapshot: %+v", j)
		}
	}
	if voice == nil || voice.File != "launchctl print gui/501/com.sanctum.voice-agent" || len(voice.Arguments) == 0 {
		t.Errorf("the service print did not win: %+v", voice)
	}
	domains := map[string]int{}
	for _, o := range snap.Disabled {
		domains[o.Domain]++
		if o.Domain == "" {
			t.Errorf("override without domain: %+v", o)
		}
	}
	// gui/501: 3 from print-disabled, 3 from the domain print, of which
	// living-force and voice-agent are the same; system: 3 from
	// print-disabled, 2 from the domain print.
	if domains["gui/501"] != 4 || domains["system"] != 5 {
		t.Errorf("overrides by domain %v: %+v", domains, snap.Disabled)
	}
}

func TestTakeWithoutSystem(t *testing.T) {
	run, calls := fakeRunner(t, map[string]result{
		"print gui/502":          {"gui/502 = {\n}\n", nil},
		"print-disabled gui/502": {"disabled services = {\n}\n", nil},
		"print-disabled system":  {"", exitError(1)},
	})
	snap, _, err := Take(run, 502, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"print gui/502", "print-disabled gui/502", "print-disabled system"}; !reflect.DeepEqual(*calls, want) {
		t.Errorf("calls %q", *calls)
	}
	if len(snap.Problems) != 1 || snap.Problems[0].File != "launchctl print-disabled system" {
		t.Errorf("problems %+v", snap.Problems)
	}
}

func TestTakeDomainError(t *testing.T) {
	cause := errors.New("exit status 1: launchctl --password=hunter2")
	run, _ := fakeRunner(t, map[string]result{
		"print gui/501": {"gui/501 = {\n}\n", nil},
		"print system":  {"partial", cause},
	})
	snap, raw, err := Take(run, 501, []string{"com.sanctum.a"}, true)
	var re *RunError
	if !errors.As(err, &re) || !errors.Is(err, cause) || snap != nil {
		t.Fatalf("err %v snap %v", err, snap)
	}
	if msg := err.Error(); strings.Contains(msg, "hunter2") || !strings.HasPrefix(msg, "launchctl print system: ") {
		t.Errorf("error message %q", msg)
	}
	if string(raw["launchctl print system"]) != "partial" {
		t.Errorf("raw %q", raw)
	}
	if _, _, err := Take(run, -1, nil, false); err == nil {
		t.Error("a negative uid was taken")
	}
}
