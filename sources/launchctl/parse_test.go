package launchctl

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func ptr[T any](v T) *T { return &v }

// service is a service print with the given lines inside its block,
// each indented by one tab.
func service(header string, lines ...string) string {
	var b strings.Builder
	b.WriteString(header + " = {\n")
	for _, l := range lines {
		b.WriteString("\t" + l + "\n")
	}
	b.WriteString("}\n")
	return b.String()
}

func onlyJob(t *testing.T, s *Snapshot) Job {
	t.Helper()
	if len(s.Jobs) != 1 {
		t.Fatalf("want 1 job, got %d: %+v (problems %+v)", len(s.Jobs), s.Jobs, s.Problems)
	}
	return s.Jobs[0]
}

func TestNestedValuesDoNotLeak(t *testing.T) {
	in := service("gui/501/com.sanctum.triage",
		"state = not running",
		"event triggers = {",
		"\tcom.sanctum.triage.1 => {",
		"\t\tstate = running",
		"\t\tpid = 999",
		"\t\tprogram = /usr/bin/false",
		"\t\tpath = /tmp/elsewhere.plist",
		"\t\tlast exit code = 3",
		"\t\tproperties = keepalive",
		"\t\tdomain = system",
		"\t\targuments = {",
		"\t\t\t/usr/bin/false",
		"\t\t}",
		"\t}",
		"}",
		"endpoints = {",
		"\t\"com.sanctum.triage.port\" = {",
		"\t\tport = 0x1c91f",
		"\t\ttype = mach",
		"\t}",
		"}",
		"resource coalition = {",
		"\tstate = active",
		"\tpid = 12",
		"}",
		"descriptor = {",
		"\t\"WatchPaths\" => [",
		"\t\t0 = \"/Users/bert/a\"",
		"\t\tpid = 13",
		"\t]",
		"}",
		"runs = 1",
	)
	j := onlyJob(t, Parse([]byte(in), "t"))
	want := Job{Label: "com.sanctum.triage", Domain: ptr("gui/501"), State: "not running", Properties: []string{}, File: "t", Line: 1}
	if !reflect.DeepEqual(j, want) {
		t.Errorf("got %+v\nwant %+v", j, want)
	}
}

// TestOddArrayLine: launchctl prints an empty value of an array as
// "0 = " followed by the array's closing bracket on the same line; the
// block must still close where it does.
func TestOddArrayLine(t *testing.T) {
	in := service("gui/501/com.sanctum.whisper-stt",
		"LWCR = {",
		"\t\"reqs\" => {",
		"\t\t\"cdhash\" => {",
		"\t\t\t\"$in\" => [",
		"\t\t\t\t0 = \t\t\t\t]",
		"\t\t}",
		"\t}",
		"}",
		"pid = 77",
		"state = running",
	) + "gui/501/com.sanctum.next = {\n\tstate = waiting\n}\n"
	s := Parse([]byte(in), "t")
	if len(s.Problems) != 0 || len(s.Jobs) != 2 {
		t.Fatalf("jobs %+v problems %+v", s.Jobs, s.Problems)
	}
	if j := s.Jobs[1]; j.State != "running" || j.PID == nil || *j.PID != 77 {
		t.Errorf("the lines after the array were not read as the job's: %+v", j)
	}
}

func TestServiceHeaders(t *testing.T) {
	for _, tc := range []struct {
		header, domainLine string
		label              string
		domain             *string
	}{
		{"gui/501/com.sanctum.a", "domain = gui/501 [100003]", "com.sanctum.a", ptr("gui/501")},
		{"system/com.sanctum.a", "domain = system", "com.sanctum.a", ptr("system")},
		{"user/501/com.sanctum.a", "domain = user/501", "com.sanctum.a", ptr("user/501")},
		{"com.sanctum.a", "domain = com.apple.xpc.launchd.domain.system", "com.sanctum.a", ptr("system")},
		{"com.sanctum.a", "domain = com.apple.xpc.launchd.domain.user.501", "com.sanctum.a", ptr("user/501")},
		{"com.sanctum.a", "domain = com.apple.xpc.launchd.domain.gui.501", "com.sanctum.a", ptr("gui/501")},
		{"com.sanctum.a", "domain = gui/501 [100015]", "com.sanctum.a", ptr("gui/501")},
		{"com.sanctum.a", "", "com.sanctum.a", nil},
		{"com.sanctum.a", "domain = pid/77", "com.sanctum.a", nil},
		{"pid/77/com.sanctum.a", "domain = pid/77", "com.sanctum.a", nil},
		// The header names the domain; a session id or another spelling
		// in the block does not change it.
		{"gui/501/com.sanctum.a", "domain = system", "com.sanctum.a", ptr("gui/501")},
		{"gui/0501/com.sanctum.a", "", "gui/0501/com.sanctum.a", nil},
	} {
		j := onlyJob(t, Parse([]byte(service(tc.header, "state = waiting", tc.domainLine)), "t"))
		if j.Label != tc.label || !reflect.DeepEqual(j.Domain, tc.domain) {
			t.Errorf("%q with %q: got label %q domain %v, want %q %v", tc.header, tc.domainLine, j.Label, deref(j.Domain), tc.label, deref(tc.domain))
		}
	}
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestServiceValues(t *testing.T) {
	for _, tc := range []struct {
		name  string
		lines []string
		check func(Job) bool
	}{
		{"exit code", []string{"last exit code = 78"}, func(j Job) bool { return eq(j.LastExitCode, 78) }},
		{"never exited", []string{"last exit code = (never exited)"}, func(j Job) bool { return j.LastExitCode == nil }},
		{"exit with text", []string{"last exit code = 0: Undefined error: 0"}, func(j Job) bool { return eq(j.LastExitCode, 0) }},
		{"exit with name", []string{"last exit code = 78: EX_CONFIG"}, func(j Job) bool { return eq(j.LastExitCode, 78) }},
		{"signal only", []string{"last terminating signal = Terminated: 15"}, func(j Job) bool { return eq(j.LastExitCode, -15) }},
		{"signal after never exited", []string{"last exit code = (never exited)", "last terminating signal = Killed: 9"}, func(j Job) bool { return eq(j.LastExitCode, -9) }},
		{"exit code wins over signal", []string{"last terminating signal = Killed: 9", "last exit code = 1"}, func(j Job) bool { return eq(j.LastExitCode, 1) }},
		{"annotated scalar", []string{"runs = 640 #<<------------ note", "pid = 88 #<<-- the new one", "state = running #<<-- yes"}, func(j Job) bool { return eq(j.PID, 88) && j.State == "running" }},
		{"no pid when not running", []string{"state = not running"}, func(j Job) bool { return j.PID == nil && j.State == "not running" }},
		{"bad pid", []string{"pid = twelve"}, func(j Job) bool { return j.PID == nil }},
		{"submitted path", []string{"path = (submitted by smd.500)"}, func(j Job) bool { return j.Path == nil }},
		{"program identifier is no program", []string{"program identifier = com.sanctum.menubar (mode: 1)"}, func(j Job) bool { return j.Program == nil }},
		{"program with a space and a hash", []string{"program = /Users/bert/My Apps/run #2"}, func(j Job) bool { return j.Program != nil && *j.Program == "/Users/bert/My Apps/run #2" }},
		{"properties", []string{"properties = keepalive | runatload | inferred program"}, func(j Job) bool {
			return reflect.DeepEqual(j.Properties, []string{"keepalive", "runatload", "inferred program"})
		}},
		{"no properties", []string{"state = waiting"}, func(j Job) bool { return j.Properties != nil && len(j.Properties) == 0 }},
		{"no arguments block", []string{"program = /bin/sh"}, func(j Job) bool { return j.Arguments == nil }},
		{"empty arguments block", []string{"arguments = {", "}"}, func(j Job) bool { return j.Arguments != nil && len(j.Arguments) == 0 }},
		{"arguments kept exactly", []string{"arguments = {", "\t/bin/sh", "\t-c", "\techo 'a = {' && exit 0 #done", "\t}x", "\t  indented", "\t...", "}"}, func(j Job) bool {
			return reflect.DeepEqual(j.Arguments, []string{"/bin/sh", "-c", "echo 'a = {' && exit 0 #done", "}x", "  indented"})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j := onlyJob(t, Parse([]byte(service("gui/501/com.sanctum.a", tc.lines...)), "t"))
			if !tc.check(j) {
				t.Errorf("%+v", j)
			}
		})
	}
}

func eq(p *int, v int) bool { return p != nil && *p == v }

// TestIndentation: the same print with tabs, or tabs expanded to 2, 4
// or 8 spaces, gives the same snapshot.
func TestIndentation(t *testing.T) {
	tabbed := service("system/com.sanctum.vm",
		"state = running",
		"program = /usr/local/bin/vm",
		"arguments = {",
		"\t/usr/local/bin/vm",
		"\t--name",
		"\t sanctum vm",
		"}",
		"environment = {",
		"\tstate => x",
		"}",
		"pid = 612",
	)
	want, err := Parse([]byte(tabbed), "t").Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(want), `" sanctum vm"`) {
		t.Fatalf("the argument's own leading space was lost:\n%s", want)
	}
	for _, n := range []int{2, 4, 8} {
		spaced := strings.ReplaceAll(tabbed, "\t", strings.Repeat(" ", n))
		got, err := Parse([]byte(spaced), "t").Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("%d spaces:\n%s\nwant\n%s", n, got, want)
		}
	}
}

func TestRows(t *testing.T) {
	for _, tc := range []struct {
		line       string
		pid        *int
		status     *int
		statusText string
		label      string
	}{
		{"-\t0\tcom.sanctum.a", nil, ptr(0), "", "com.sanctum.a"},
		{"4242\t-9\tcom.sanctum.a", ptr(4242), ptr(-9), "", "com.sanctum.a"},
		{"-\t78\tcom.sanctum.a", nil, ptr(78), "", "com.sanctum.a"},
		{"- 0 com.sanctum.a", nil, ptr(0), "", "com.sanctum.a"},
		{"88283   -15      com.sanctum.a", ptr(88283), ptr(-15), "", "com.sanctum.a"},
		{"\t\t    9682   (pe) \tcom.sanctum.a", ptr(9682), nil, "(pe)", "com.sanctum.a"},
		{"\t\t       0      - \tcom.sanctum.a", nil, nil, "", "com.sanctum.a"},
		{"3568\t0\tUIKitApplication:com.sanctum.mobile[0x287]", ptr(3568), ptr(0), "", "UIKitApplication:com.sanctum.mobile[0x287]"},
	} {
		s := Parse([]byte(tc.line+"\n"), "t")
		if len(s.List) != 1 || len(s.Problems) != 0 {
			t.Errorf("%q: rows %+v problems %+v", tc.line, s.List, s.Problems)
			continue
		}
		r := s.List[0]
		if !reflect.DeepEqual(r.PID, tc.pid) || !reflect.DeepEqual(r.Status, tc.status) || r.StatusText != tc.statusText || r.Label != tc.label || r.Line != 1 {
			t.Errorf("%q: got %v %v %q %q", tc.line, deref(r.PID), deref(r.Status), r.StatusText, r.Label)
		}
	}
	for _, line := range []string{"x\t0\tcom.sanctum.a", "-\tzero\tcom.sanctum.a", "-\t0", "12\t(p e)\tcom.sanctum.a", "99999999999\t0\tcom.sanctum.a"} {
		if s := Parse([]byte(line+"\n"), "t"); len(s.List) != 0 {
			t.Errorf("%q read as a row: %+v", line, s.List)
		}
	}
}

// TestDomainRows: a domain's services rows are rows and jobs of that
// domain; endpoints and other blocks of the domain give nothing.
func TestDomainRows(t *testing.T) {
	in := "gui/501 = {\n\tservices = {\n\t\t     887      - \tcom.sanctum.a\n\t\t       0     78 \tcom.sanctum.b\n\t}\n" +
		"\tendpoints = {\n\t\t       0    M   D   com.sanctum.port\n\t\t12 0 com.sanctum.not-a-row\n\t}\n}\n"
	s := Parse([]byte(in), "t")
	if len(s.List) != 2 || len(s.Jobs) != 2 || len(s.Problems) != 0 {
		t.Fatalf("%+v", s)
	}
	a, b := s.Jobs[0], s.Jobs[1]
	if a.Label != "com.sanctum.a" || *a.Domain != "gui/501" || a.State != "running" || !eq(a.PID, 887) || a.Line != 3 {
		t.Errorf("a: %+v", a)
	}
	if b.Label != "com.sanctum.b" || *b.Domain != "gui/501" || b.State != "" || b.PID != nil || b.Line != 4 {
		t.Errorf("b: %+v", b)
	}
}

func TestOverrides(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []Override
	}{
		{"true and false", "disabled services = {\n\t\"_dirty\" => true\n\t\"com.sanctum.a\" => true\n\t\"com.sanctum.b\" => false\n}\n",
			[]Override{{"", "com.sanctum.a", true, "t", 3}, {"", "com.sanctum.b", false, "t", 4}}},
		{"disabled and enabled", "disabled services = {\n\t\"com.sanctum.a\" => disabled\n\t\"com.sanctum.b\" => enabled\n}\n",
			[]Override{{"", "com.sanctum.a", true, "t", 2}, {"", "com.sanctum.b", false, "t", 3}}},
		{"excerpt without header", "\"com.sanctum.b\" => enabled\n\"com.sanctum.a\" => disabled\n...\n",
			[]Override{{"", "com.sanctum.a", true, "t", 2}, {"", "com.sanctum.b", false, "t", 1}}},
		{"login items skipped", "disabled services = {\n}\nlogin item associations = {\n\t\"com.sanctum.a\" => \"com.sanctum.app\"\n\t\"com.sanctum.b\" => true\n}\n",
			[]Override{}},
		{"in a domain print", "system = {\n\tdisabled services = {\n\t\t\"com.sanctum.a\" => disabled\n\t}\n}\n",
			[]Override{{"system", "com.sanctum.a", true, "t", 3}}},
		{"in an old domain print", "com.apple.xpc.launchd.domain.user.501 = {\n\tdisabled services = {\n\t\t\"com.sanctum.a\" => false\n\t}\n}\n",
			[]Override{{"user/501", "com.sanctum.a", false, "t", 3}}},
		{"other values", "disabled services = {\n\t\"com.sanctum.a\" => maybe\n\t\"com.sanctum.b\" => \"true\"\n}\n", []Override{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := Parse([]byte(tc.in), "t")
			if !reflect.DeepEqual(s.Disabled, tc.want) || len(s.Problems) != 0 {
				t.Errorf("got %+v problems %+v\nwant %+v", s.Disabled, s.Problems, tc.want)
			}
		})
	}
}

func TestStructureProblems(t *testing.T) {
	deep := strings.Repeat("a = {\n", maxDepth+5)
	for _, tc := range []struct {
		name, in string
		want     []Problem
		jobs     int
	}{
		{"truncated", "gui/501/com.sanctum.a = {\n\tstate = running\n\tpid = 4\n\tevent triggers = {\n\n", []Problem{{File: "t", Line: 1,
			Message: "ends inside a block (truncated?): the block this line opens is still open at line 4, the last; what was read is kept"}}, 1},
		{"stray closing brace", "}\ngui/501/com.sanctum.a = {\n}\n", []Problem{{File: "t", Line: 1,
			Message: "closes a block that was never opened; the lines after it may be read out of place"}}, 1},
		{"stray closing braces", "}\n\n}\n}\n", []Problem{{File: "t", Line: 1,
			Message: "closes a block that was never opened; the lines after it may be read out of place"}}, 0},
		{"too deep", deep, []Problem{{File: "t", Line: maxDepth + 1, Message: fmt.Sprintf("nests blocks more than %d deep; the rest is not read", maxDepth)}}, 1},
		{"empty", " \n\t\n", []Problem{{File: "t", Message: "is empty: it holds no launchctl output"}}, 0},
		{"blame", "\nnon-ipc demand\n", []Problem{{File: "t", Line: 2, Message: "is a launchctl blame output: it holds nothing driftmap reads"}}, 0},
		{"blame usage", "Usage: launchctl blame <service-target>\n", []Problem{{File: "t", Line: 1, Message: "is a launchctl blame output: it holds nothing driftmap reads"}}, 0},
		{"error", "Could not find service \"com.sanctum.a\" in domain for port\n", []Problem{{File: "t", Line: 1, Message: "is a launchctl error message, not an output: it holds nothing driftmap reads"}}, 0},
		{"procinfo", "program path = /usr/local/bin/x\nresponsible pid = 12\n", []Problem{{File: "t", Message: "is a launchctl procinfo output: it holds nothing driftmap reads"}}, 0},
		{"prose", "The Quick Brown fox\njumps\n", []Problem{{File: "t", Line: 1, Message: "is none of the launchctl outputs driftmap reads (print, list, list LABEL, print-disabled) nor a driftmap snapshot document"}}, 0},
		{"header only list", "PID\tStatus\tLabel\n", []Problem{}, 0},
		{"too large", strings.Repeat("x", MaxInput+1), []Problem{{File: "t", Message: "is larger than the 16 MiB driftmap reads from one launchctl output; nothing in it was read"}}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := Parse([]byte(tc.in), "t")
			if !reflect.DeepEqual(s.Problems, tc.want) || len(s.Jobs) != tc.jobs {
				t.Errorf("got problems %+v, %d jobs\nwant %+v, %d", s.Problems, len(s.Jobs), tc.want, tc.jobs)
			}
		})
	}
}

func TestTooManyItems(t *testing.T) {
	var b strings.Builder
	for i := range maxItems + 10 {
		fmt.Fprintf(&b, "-\t0\tcom.sanctum.a%d\n", i)
	}
	s := Parse([]byte(b.String()), "t")
	if len(s.List) != maxItems || len(s.Problems) != 1 || s.Problems[0].Line != maxItems+1 {
		t.Errorf("%d rows, problems %+v", len(s.List), s.Problems)
	}
}

func TestTooManyArguments(t *testing.T) {
	in := "{\n\"Label\" = \"com.sanctum.a\";\n\"ProgramArguments\" = (\n" + strings.Repeat("\"a\";\n", maxItems+5) + ");\n};\n"
	s := Parse([]byte(in), "t")
	j := onlyJob(t, s)
	// The dictionary counts as one item.
	if len(j.Arguments) != maxItems-1 || len(s.Problems) != 1 || s.Problems[0].Line != maxItems+3 {
		t.Errorf("%d arguments, problems %+v", len(j.Arguments), s.Problems)
	}
}

func TestWaitStatus(t *testing.T) {
	for _, tc := range []struct {
		w    int
		code int
		ok   bool
	}{
		{0, 0, true}, {256, 1, true}, {19968, 78, true}, {15, -15, true}, {9, -9, true},
		{134, -6, true},                      // SIGABRT with a core dump
		{0x7f, 0, false}, {0x137f, 0, false}, // stopped
		{-1, 0, false}, {1 << 16, 0, false},
	} {
		code, ok := exitFromWaitStatus(tc.w)
		if code != tc.code || ok != tc.ok {
			t.Errorf("exitFromWaitStatus(%d) = %d, %v; want %d, %v", tc.w, code, ok, tc.code, tc.ok)
		}
	}
}

func TestListLabel(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     Job
		problems []Problem
	}{
		{"exit 78", "{\n\t\"Label\" = \"com.sanctum.a\";\n\t\"LastExitStatus\" = 19968;\n\t\"ProgramArguments\" = (\n\t\t\"/bin/sh\";\n\t\t\"-c\";\n\t);\n};\n",
			Job{Label: "com.sanctum.a", LastExitCode: ptr(78), Arguments: []string{"/bin/sh", "-c"}, Properties: []string{}, File: "t", Line: 1}, []Problem{}},
		{"signalled and running", "{\n\t\"PID\" = 31;\n\t\"LastExitStatus\" = 15;\n\t\"Label\" = \"com.sanctum.a\";\n\t\"Program\" = \"/bin/a\";\n};\n",
			Job{Label: "com.sanctum.a", State: "running", PID: ptr(31), LastExitCode: ptr(-15), Program: ptr("/bin/a"), Properties: []string{}, File: "t", Line: 1}, []Problem{}},
		{"nested skipped", "{\n\t\"MachServices\" = {\n\t\t\"Label\" = \"com.sanctum.port\";\n\t\t\"PID\" = 5;\n\t};\n\t\"Label\" = \"com.sanctum.a\";\n};\n",
			Job{Label: "com.sanctum.a", Properties: []string{}, File: "t", Line: 1}, []Problem{}},
		{"truncated", "{\n\t\"Label\" = \"com.sanctum.a\";\n\t\"ProgramArguments\" = (\n\t\t\"/bin/sh\";\n",
			Job{Label: "com.sanctum.a", Arguments: []string{"/bin/sh"}, Properties: []string{}, File: "t", Line: 1},
			[]Problem{{File: "t", Line: 5, Message: "the list output ends inside its property list (truncated?); what was read before is kept"}}},
		{"broken", "{\n\t\"Label\" = \"com.sanctum.a\";\n\t\"PID\" = ;\n};\n",
			Job{Label: "com.sanctum.a", Properties: []string{}, File: "t", Line: 1},
			[]Problem{{File: "t", Line: 3, Message: "the list output's property list breaks on this line; the rest is not read"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := Parse([]byte(tc.in), "t")
			if got := onlyJob(t, s); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
			if !reflect.DeepEqual(s.Problems, tc.problems) {
				t.Errorf("problems %+v, want %+v", s.Problems, tc.problems)
			}
		})
	}
	s := Parse([]byte("{\n\t\"PID\" = 4;\n};\n"), "t")
	if len(s.Jobs) != 0 || len(s.Problems) != 1 || s.Problems[0].Line != 1 {
		t.Errorf("no label: %+v", s)
	}
}
