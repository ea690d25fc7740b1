package launchctl

import (
	"os"
	"reflect"
	"testing"
)

func parseFixture(t *testing.T, name string) *Snapshot {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return Parse(data, name)
}

// TestMergePrintWins: a job printed service by service wins over the
// same job's row in a domain print, whichever comes first; the other
// rows stay.
func TestMergePrintWins(t *testing.T) {
	domain := parseFixture(t, "print-domain-gui.txt")
	voice := parseFixture(t, "print-service-tabs.txt")
	want := voice.Jobs[0]
	for _, order := range [][]*Snapshot{{domain, voice}, {voice, domain}} {
		m := Merge(order...)
		if len(m.Jobs) != len(domain.Jobs) {
			t.Fatalf("%d jobs, want %d", len(m.Jobs), len(domain.Jobs))
		}
		var got *Job
		for i := range m.Jobs {
			if m.Jobs[i].Label == "com.sanctum.voice-agent" {
				got = &m.Jobs[i]
			}
		}
		if got == nil || !reflect.DeepEqual(*got, want) {
			t.Errorf("merged voice-agent %+v\nwant %+v", got, want)
		}
		if len(m.List) != len(domain.List) || len(m.Disabled) != len(domain.Disabled) {
			t.Errorf("rows or overrides lost: %+v", m)
		}
	}
	a, _ := Merge(domain, voice).Marshal()
	b, _ := Merge(voice, domain).Marshal()
	if string(a) != string(b) {
		t.Errorf("the order of the snapshots changes the merge:\n%s\n%s", a, b)
	}
}

func TestMerge(t *testing.T) {
	sys := "system"
	gui := "gui/501"
	a := &Snapshot{
		Jobs: []Job{
			{Label: "com.sanctum.b", Domain: &gui, File: "a", Line: 2},
			{Label: "com.sanctum.a", Domain: &gui, PID: ptr(5), State: "running", File: "a", Line: 1},
			{Label: "com.sanctum.a", File: "a", Line: 9, Program: ptr("/bin/a")},
		},
		List:     []ListRow{{Label: "com.sanctum.z", Status: ptr(0), File: "a", Line: 3}, {Label: "com.sanctum.a", File: "a", Line: 4}},
		Disabled: []Override{{Domain: sys, Label: "com.sanctum.a", Disabled: true, File: "a", Line: 5}},
		Problems: []Problem{{File: "z", Line: 2, Message: "m"}, {File: "a", Line: 7, Message: "m"}},
	}
	b := &Snapshot{
		Jobs: []Job{
			// A second row of the same job fills what the first lacks,
			// and changes nothing it has.
			{Label: "com.sanctum.b", Domain: &gui, PID: ptr(6), State: "running", File: "b", Line: 1},
			{Label: "com.sanctum.a", Domain: &gui, PID: ptr(7), State: "running", File: "b", Line: 2},
			{Label: "com.sanctum.a", Domain: &sys, File: "b", Line: 3},
		},
		List:     []ListRow{{Label: "com.sanctum.z", Status: ptr(0), File: "b", Line: 3}, {Label: "com.sanctum.z", Status: ptr(1), File: "b", Line: 4}},
		Disabled: []Override{{Domain: sys, Label: "com.sanctum.a", Disabled: true, File: "b", Line: 1}, {Domain: gui, Label: "com.sanctum.a", File: "b", Line: 2}},
		Problems: []Problem{{File: "a", Line: 7, Message: "m"}, {File: "a", Line: 1, Message: "n"}},
	}
	before, _ := a.Marshal()
	m := Merge(a, nil, b)
	if after, _ := a.Marshal(); string(after) != string(before) {
		t.Error("Merge changed a snapshot it was given")
	}
	want := &Snapshot{
		Schema: Schema,
		Jobs: []Job{
			{Label: "com.sanctum.a", Program: ptr("/bin/a"), Properties: []string{}, File: "a", Line: 9},
			{Label: "com.sanctum.a", Domain: &gui, PID: ptr(5), State: "running", Properties: []string{}, File: "a", Line: 1},
			{Label: "com.sanctum.b", Domain: &gui, PID: ptr(6), State: "running", Properties: []string{}, File: "a", Line: 2},
			{Label: "com.sanctum.a", Domain: &sys, Properties: []string{}, File: "b", Line: 3},
		},
		List: []ListRow{
			{Label: "com.sanctum.a", File: "a", Line: 4},
			{Label: "com.sanctum.z", Status: ptr(0), File: "a", Line: 3},
			{Label: "com.sanctum.z", Status: ptr(1), File: "b", Line: 4},
		},
		Disabled: []Override{
			{Domain: gui, Label: "com.sanctum.a", File: "b", Line: 2},
			{Domain: sys, Label: "com.sanctum.a", Disabled: true, File: "a", Line: 5},
		},
		Problems: []Problem{{File: "a", Line: 1, Message: "n"}, {File: "a", Line: 7, Message: "m"}, {File: "z", Line: 2, Message: "m"}},
	}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("got  %+v\nwant %+v", m, want)
	}
}

func TestMergeEmpty(t *testing.T) {
	m := Merge()
	if m.Schema != Schema || m.Jobs == nil || m.List == nil || m.Disabled == nil || m.Problems == nil {
		t.Errorf("%+v", m)
	}
}
