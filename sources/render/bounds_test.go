package render

import (
	"fmt"
	"strings"
	"testing"
)

// TestManifestHostileYAML checks that a manifest whose fields render does
// not own hold an alias bomb, a merge-key bomb and deep nesting is still
// rewritten (the owned port differs) without expanding them: yaml.v3
// decodes a value for comparison with its own limit on aliasing, and
// every other walk is bounded in depth or copies (maxExpansion).
func TestManifestHostileYAML(t *testing.T) {
	var b strings.Builder
	b.WriteString("name: a\nport: 1\nx0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 10; i++ {
		fmt.Fprintf(&b, "x%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	b.WriteString("laughs: *a9\nbig: &big {")
	for i := range 1000 {
		fmt.Fprintf(&b, "k%d: %d, ", i, i)
	}
	b.WriteString("}\nhealth:\n")
	for i := range 2000 {
		fmt.Fprintf(&b, "  m%d: {<<: *big}\n", i)
	}
	b.WriteString("deep: " + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + "\n")
	src := b.String()
	out, diffs, err := Manifest([]byte(src), DesiredManifest{Service: "a", File: "/m/a.yaml", Port: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(diffs) != 1 || diffs[0].Field != "port" {
		t.Errorf("diffs = %+v", diffs)
	}
	if want := strings.Replace(src, "port: 1\n", "port: 2\n", 1); string(out) != want {
		t.Errorf("only the port line may change; got %d bytes, want %d", len(out), len(want))
	}
}
