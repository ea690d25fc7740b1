package sources

import (
	"strings"
	"testing"

	"github.com/driftmap/driftmap/sources/shell"
)

// TestMayBeScript: the first bytes of a program rule it out as a shell
// script exactly when the whole file would be ruled out by
// shell.IsScriptFile.
func TestMayBeScript(t *testing.T) {
	long := strings.Repeat("x", scriptHead)
	for _, tc := range []struct {
		name, data string
		want       bool
	}{
		{"/bin/app", "\x7fELF\x00\x01" + long, false},
		{"/bin/app", "#!/bin/bash\necho hi\n" + long, true},
		{"/bin/app", "#!/usr/bin/env python3\nprint(1)\n" + long, false},
		{"/bin/app", "#!/usr/bin/env bash\n" + long, true},
		{"/bin/app", "#!" + long, true}, // the #! line goes on: read on
		{"/bin/app", "echo hi\n" + long, false},
		{"/bin/app.sh", "echo hi\n" + long, true},
		{"/bin/app.sh", "echo hi\x00\n" + long, false},
	} {
		head := []byte(tc.data)[:scriptHead]
		if got := mayBeScript(tc.name, head); got != tc.want {
			t.Errorf("mayBeScript(%s, %.20q) = %v, want %v", tc.name, tc.data, got, tc.want)
		}
		// Never ruled out when the whole file is a script.
		if shell.IsScriptFile(tc.name, []byte(tc.data)) && !mayBeScript(tc.name, head) {
			t.Errorf("mayBeScript(%s, %.20q) rules out a script", tc.name, tc.data)
		}
	}
}
