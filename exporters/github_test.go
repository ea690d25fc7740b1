package exporters

import (
	"testing"

	"github.com/driftmap/driftmap/queries"
)

func TestGitHubEscaping(t *testing.T) {
	for _, tc := range []struct{ in, data, prop string }{
		{"plain", "plain", "plain"},
		{"100% done", "100%25 done", "100%25 done"},
		{"a\nb\r\nc", "a%0Ab%0D%0Ac", "a%0Ab%0D%0Ac"},
		{"file:/x,y", "file:/x,y", "file%3A/x%2Cy"},
		{"::error::forged", "::error::forged", "%3A%3Aerror%3A%3Aforged"},
		{"%0A is not a newline", "%250A is not a newline", "%250A is not a newline"},
		{"esc \x1b[31m bidi \u202e", `esc \x1b[31m bidi \u202e`, `esc \x1b[31m bidi \u202e`},
		{"tool --password=SECRET", "tool --password=<redacted>", "tool --password=<redacted>"},
	} {
		if got := githubData(tc.in); got != tc.data {
			t.Errorf("githubData(%q) = %q, want %q", tc.in, got, tc.data)
		}
		if got := githubProperty(tc.in); got != tc.prop {
			t.Errorf("githubProperty(%q) = %q, want %q", tc.in, got, tc.prop)
		}
	}
}

func TestGitHubCheck(t *testing.T) {
	fs := []queries.Finding{
		{Rule: "missing-target", Severity: queries.Error, Message: "runs /x, which\ndoes not exist", File: "/Library/A,b:c.plist", Line: 9},
		{Rule: "unmanaged", Severity: queries.Warning, Message: "w", File: "sanctum/x.yaml"},
		{Rule: "orphan-wrapper", Severity: queries.Info, Subject: "wrapper:/w", Message: "i"},
		{Rule: "parse-error", Severity: queries.Info, Message: "no subject"},
	}
	got := string(formatted(t, check("github", Options{}, &Report{Findings: fs, Ignored: 1, Baselined: 2})))
	want := `::error file=/Library/A%2Cb%3Ac.plist,line=9,title=missing-target::runs /x, which%0Adoes not exist
::warning file=sanctum/x.yaml,title=unmanaged::w
::notice title=orphan-wrapper::wrapper:/w: i
::notice title=parse-error::no subject
1 error, 1 warning, 2 info, 1 ignored, 2 baselined in 0 nodes, 0 edges
`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}
