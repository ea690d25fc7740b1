package systemd

import (
	"strings"
	"testing"

	"github.com/driftmap/driftmap/sources/record"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

const testFile = "/etc/systemd/system/x.service"

// ent is an Entry of testFile.
func ent(section, key, value string, line int) Entry {
	return Entry{Section: section, Key: key, Value: value, File: testFile, Line: line}
}

// prob is a parse Problem of testFile.
func prob(line int, msg string) record.Problem {
	return record.Problem{File: testFile, Line: line, Message: msg}
}

func TestParseFile(t *testing.T) {
	tests := []struct {
		name     string
		data     string
		entries  []Entry
		sections []Section
		probs    []record.Problem
	}{
		{
			name:     "comments with # and ;, indented too",
			data:     "# header\n; also a comment\n[Unit]\n  # indented\n\t; tab\nDescription=x # not a comment\n",
			entries:  []Entry{ent("Unit", "Description", "x # not a comment", 6)},
			sections: []Section{{"Unit", 3}},
		},
		{
			name: "comments inside a continuation are skipped",
			data: "[Service]\nExecStart=/bin/a \\\n# note\n  ; note\n  --flag\nUser=x\n",
			entries: []Entry{
				// "a", its space, the backslash read as a space, then the
				// continued line as written.
				ent("Service", "ExecStart", "/bin/a    --flag", 2),
				ent("Service", "User", "x", 6),
			},
			sections: []Section{{"Service", 1}},
		},
		{
			name: "continuation: backslash read as space, line of the first line",
			data: "[Service]\nExecStart=/bin/echo a\\\nb \\\n  c\nX=1\n",
			entries: []Entry{
				ent("Service", "ExecStart", "/bin/echo a b    c", 2),
				ent("Service", "X", "1", 5),
			},
			sections: []Section{{"Service", 1}},
		},
		{
			// systemd.service(5), "Command lines": the example that ends
			// in an escaped semicolon and a continuation.
			name:     "continuation after an escaped semicolon",
			data:     "[Service]\nExecStart=echo / >/dev/null & \\; \\\nls\n",
			entries:  []Entry{ent("Service", "ExecStart", `echo / >/dev/null & \;  ls`, 2)},
			sections: []Section{{"Service", 1}},
		},
		{
			name:     "an escaped backslash at the end does not continue",
			data:     "[Service]\nExecStart=/bin/echo a\\\\\nExecStop=/bin/true\n",
			entries:  []Entry{ent("Service", "ExecStart", `/bin/echo a\\`, 2), ent("Service", "ExecStop", "/bin/true", 3)},
			sections: []Section{{"Service", 1}},
		},
		{
			name:     "three backslashes: an escaped one, then a continuation",
			data:     "[Service]\nExecStart=/bin/echo a\\\\\\\nb\n",
			entries:  []Entry{ent("Service", "ExecStart", `/bin/echo a\\ b`, 2)},
			sections: []Section{{"Service", 1}},
		},
		{
			name:     "a blank line ends a continuation",
			data:     "[Service]\nExecStart=/bin/a \\\n\nUser=x\n",
			entries:  []Entry{ent("Service", "ExecStart", "/bin/a", 2), ent("Service", "User", "x", 4)},
			sections: []Section{{"Service", 1}},
		},
		{
			name:     "CRLF line ends",
			data:     "[Unit]\r\nDescription=x\r\n\r\n[Service]\r\nExecStart=/bin/a \\\r\n  b\r\n",
			entries:  []Entry{ent("Unit", "Description", "x", 2), ent("Service", "ExecStart", "/bin/a    b", 5)},
			sections: []Section{{"Unit", 1}, {"Service", 4}},
		},
		{
			name:     "byte order mark",
			data:     "\xef\xbb\xbf[Unit]\nDescription=x\n",
			entries:  []Entry{ent("Unit", "Description", "x", 2)},
			sections: []Section{{"Unit", 1}},
		},
		{
			name: "sections keep their first line and entries their section",
			data: "[Unit]\nA=1\n\n[Service]\nB=2\n[Unit]\nC=3\n[Install]  \nWantedBy=multi-user.target\n",
			entries: []Entry{
				ent("Unit", "A", "1", 2), ent("Service", "B", "2", 5), ent("Unit", "C", "3", 7),
				ent("Install", "WantedBy", "multi-user.target", 9),
			},
			sections: []Section{{"Unit", 1}, {"Service", 4}, {"Install", 8}},
		},
		{
			name:     "assignment outside a section",
			data:     "Description=x\n[Unit]\nA=1\n",
			entries:  []Entry{ent("Unit", "A", "1", 3)},
			sections: []Section{{"Unit", 2}},
			probs:    []record.Problem{prob(1, "assignment to Description outside of any section: systemd ignores it")},
		},
		{
			name:  "a key that does not look like one is not quoted",
			data:  "hunter2 p@ss=x\n",
			probs: []record.Problem{prob(1, "assignment to a key outside of any section: systemd ignores it")},
		},
		{
			name:     "line without '='",
			data:     "[Unit]\njunk here\nA=1\n",
			entries:  []Entry{ent("Unit", "A", "1", 3)},
			sections: []Section{{"Unit", 1}},
			probs:    []record.Problem{prob(2, "a line without '=' outside a comment: systemd ignores it")},
		},
		{
			name:     "assignment without a key",
			data:     "[Unit]\n  =value\n",
			sections: []Section{{"Unit", 1}},
			probs:    []record.Problem{prob(2, "an assignment without a key: systemd ignores it")},
		},
		{
			name:     "bad section header, and what follows has no section",
			data:     "[Unit\nA=1\n[Service] # c\n[]\n[Service]\nB=2\n",
			entries:  []Entry{ent("Service", "B", "2", 6)},
			sections: []Section{{"Service", 5}},
			probs: []record.Problem{
				prob(1, "invalid section header: systemd refuses the file"),
				prob(2, "assignment to A outside of any section: systemd ignores it"),
				prob(3, "invalid section header: systemd refuses the file"),
				prob(4, "invalid section header: systemd refuses the file"),
			},
		},
		{
			name:  "a NUL byte: one problem, nothing read",
			data:  "[Unit]\nDescription=x\x00\n",
			probs: []record.Problem{prob(0, "not a unit file: it holds binary data")},
		},
		{
			name: "a script under a unit's name: at most maxProblems, then a summary",
			data: "#!/bin/sh\nset -e\ncd /opt/app\n. ./env.sh\nmkdir -p /run/app\nchown app /run/app\nexec ./bin/server --port \"$PORT\"\necho started\necho done\n",
			probs: []record.Problem{
				prob(2, "a line without '=' outside a comment: systemd ignores it"),
				prob(3, "a line without '=' outside a comment: systemd ignores it"),
				prob(4, "a line without '=' outside a comment: systemd ignores it"),
				prob(5, "a line without '=' outside a comment: systemd ignores it"),
				prob(6, "a line without '=' outside a comment: systemd ignores it"),
				prob(6, "and 3 more lines that systemd ignores"),
			},
		},
		{
			name:  "exactly maxProblems: no summary",
			data:  "a\nb\nc\nd\ne\n",
			probs: []record.Problem{prob(1, msgNoEq), prob(2, msgNoEq), prob(3, msgNoEq), prob(4, msgNoEq), prob(5, msgNoEq)},
		},
		{
			name:     "a continuation at the end of the file ends the value",
			data:     "[Service]\nUser=x\nExecStart=/bin/a \\\n  --b \\",
			entries:  []Entry{ent("Service", "User", "x", 2), ent("Service", "ExecStart", "/bin/a    --b", 3)},
			sections: []Section{{"Service", 1}},
		},
		{
			name:     "a continuation at the end of the file, trailing newline",
			data:     "[Service]\nExecStart = /bin/a\\\n",
			entries:  []Entry{ent("Service", "ExecStart", "/bin/a", 2)},
			sections: []Section{{"Service", 1}},
		},
		{
			name:     "a continuation at the end of the file outside a section is dropped",
			data:     "A=1 \\\n",
			probs:    nil,
			entries:  nil,
			sections: nil,
		},
		{
			name: "empty values are kept (they reset lists)",
			data: "[Service]\nExecStart=\nEnvironment=   \nUser =\n",
			entries: []Entry{
				ent("Service", "ExecStart", "", 2), ent("Service", "Environment", "", 3), ent("Service", "User", "", 4),
			},
			sections: []Section{{"Service", 1}},
		},
		{
			name:     "whitespace around '=' and at the ends is trimmed, inside kept",
			data:     "[Unit]\n  Description \t=   hello   world \t\nA=b=c\n",
			entries:  []Entry{ent("Unit", "Description", "hello   world", 2), ent("Unit", "A", "b=c", 3)},
			sections: []Section{{"Unit", 1}},
		},
		{
			name:     "empty file",
			data:     "",
			entries:  nil,
			sections: nil,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, probs := ParseFile([]byte(tc.data), testFile)
			if f.Path != testFile {
				t.Errorf("Path = %q", f.Path)
			}
			if diff := cmp.Diff(tc.entries, f.Entries, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("entries (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.sections, f.Sections, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("sections (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.probs, probs, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

const msgNoEq = "a line without '=' outside a comment: systemd ignores it"

func TestParseFileSectionLine(t *testing.T) {
	f, _ := ParseFile([]byte("[Unit]\nA=1\n[Service]\nB=2\n[Unit]\n"), testFile)
	for name, want := range map[string]int{"Unit": 1, "Service": 3, "Install": 0} {
		if got := f.SectionLine(name); got != want {
			t.Errorf("SectionLine(%q) = %d, want %d", name, got, want)
		}
	}
}

// TestParseFileLongLines checks MaxLine: a longer logical line ends the
// parse there, with one problem at its first line.
func TestParseFileLongLines(t *testing.T) {
	long := strings.Repeat("x", MaxLine)
	tests := []struct {
		name    string
		data    string
		entries []Entry
		probs   []record.Problem
	}{
		{
			name:    "one long line",
			data:    "[Service]\nA=1\nB=" + long + "\nC=1\n",
			entries: []Entry{ent("Service", "A", "1", 2)},
			probs:   []record.Problem{prob(3, "a line longer than 1048576 bytes; the rest of the file is not read")},
		},
		{
			name:    "a long continuation",
			data:    "[Service]\nA=1\nB=" + long[:MaxLine/2] + "\\\n" + long[:MaxLine/2] + "\\\nC=1\n",
			entries: []Entry{ent("Service", "A", "1", 2)},
			probs:   []record.Problem{prob(3, "a line continued past 1048576 bytes; the rest of the file is not read")},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, probs := ParseFile([]byte(tc.data), testFile)
			if diff := cmp.Diff(tc.entries, f.Entries, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("entries (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.probs, probs, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}
