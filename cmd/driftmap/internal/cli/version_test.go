package cli

import (
	"runtime"
	"runtime/debug"
	"testing"
)

func TestVersionLine(t *testing.T) {
	for _, tc := range []struct {
		bi   *debug.BuildInfo
		ok   bool
		want string
	}{
		{&debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/driftmap/driftmap", Version: "v1.2.3"}}, true, "driftmap v1.2.3 (go1.26.8)"},
		{&debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20260101120000-0123456789ab+dirty"}}, true, "driftmap v0.0.0-20260101120000-0123456789ab+dirty (go1.26.8)"},
		{&debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}}, true, "driftmap (devel) (go1.26.8)"},
		{&debug.BuildInfo{GoVersion: "go1.26.8"}, true, "driftmap (devel) (go1.26.8)"},
		{nil, false, "driftmap (devel) (" + runtime.Version() + ")"},
	} {
		if got := versionLine(tc.bi, tc.ok); got != tc.want {
			t.Errorf("versionLine(%+v) = %q, want %q", tc.bi, got, tc.want)
		}
	}
}
