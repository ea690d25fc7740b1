package sanctum

import (
	"testing"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources/record"
	"github.com/google/go-cmp/cmp"
)

func TestDefaultArtifacts(t *testing.T) {
	got := DefaultArtifacts()
	want := []ArtifactSpec{
		{Kind: ArtifactCopy, Input: "sanctum/agent_capabilities.yaml", Output: "~/.sanctum/config/agent-capabilities.yaml", Default: true,
			Evidence: graph.Evidence{File: "~/.sanctum/config/agent-capabilities.yaml", Key: "artifacts (default)"}},
		{Kind: ArtifactJSONCache, Input: "~/.sanctum/instance.yaml", Output: "~/.sanctum/.instance.json", Default: true,
			Evidence: graph.Evidence{File: "~/.sanctum/.instance.json", Key: "artifacts (default)"}},
		{Kind: ArtifactTemplate, Input: "~/.sanctum/templates/launchagents", Output: "~/Library/LaunchAgents", Default: true,
			Evidence: graph.Evidence{File: "~/Library/LaunchAgents", Key: "artifacts (default)"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
	got[0].Input = "changed"
	if DefaultArtifacts()[0].Input != "sanctum/agent_capabilities.yaml" {
		t.Error("DefaultArtifacts shares state between calls")
	}
}

func TestParseArtifactSpecs(t *testing.T) {
	const file = "/w/driftmap.yaml"
	parse := func(t *testing.T, src string) ([]ArtifactSpec, bool, []record.Problem) {
		t.Helper()
		root, probs := yamlDoc([]byte(src), file)
		if root == nil {
			t.Fatalf("no document: %v", probs)
		}
		specs, present := parseArtifactSpecs(topMap(root, file, &probs), "artifacts")
		return specs, present, probs
	}

	specs, present, probs := parse(t, `artifacts:
  - kind: copy
    input: sanctum/agent_capabilities.yaml
    output: ~/.sanctum/config/agent-capabilities.yaml
  - {kind: template, input: ~/.sanctum/templates/launchagents, output: $HOME/Library/LaunchAgents}
`)
	want := []ArtifactSpec{
		{Kind: ArtifactCopy, Input: "sanctum/agent_capabilities.yaml", Output: "~/.sanctum/config/agent-capabilities.yaml",
			Evidence: graph.Evidence{File: file, Line: 2, Key: "artifacts[0]", Token: "~/.sanctum/config/agent-capabilities.yaml"}},
		{Kind: ArtifactTemplate, Input: "~/.sanctum/templates/launchagents", Output: "$HOME/Library/LaunchAgents",
			Evidence: graph.Evidence{File: file, Line: 5, Key: "artifacts[1]", Token: "$HOME/Library/LaunchAgents"}},
	}
	if diff := cmp.Diff(want, specs); diff != "" || !present || len(probs) > 0 {
		t.Errorf("specs (-want +got):\n%s\npresent %v, problems %v", diff, present, probs)
	}

	specs, present, probs = parse(t, `artifacts:
  - kind: copy
    input: a.yaml
    output: ~/a.yaml
  - kind: render
    input: b
    output: ~/b
  - kind: [copy]
    input: c
    output: ~/c
  - {kind: copy, output: ~/d}
  - {kind: copy, input: "", output: ~/e}
  - {kind: copy, input: ../f, output: ~/f}
  - {kind: copy, input: $TMP/g, output: ~/g, mode: 0644}
  - just a string
  - {input: h, output: ~/h}
  - {kind: copy, input: x.yaml, output: ~/a.yaml}
  - {kind: json-cache, input: {a: 1}, output: [7]}
`)
	want = []ArtifactSpec{
		{Kind: ArtifactCopy, Input: "a.yaml", Output: "~/a.yaml", Evidence: graph.Evidence{File: file, Line: 2, Key: "artifacts[0]", Token: "~/a.yaml"}},
	}
	if diff := cmp.Diff(want, specs); diff != "" || !present {
		t.Errorf("specs (-want +got):\n%s", diff)
	}
	wantProbs := []record.Problem{
		{File: file, Line: 5, Key: "artifacts[1].kind", Message: `artifacts[1].kind "render" is not one of copy, json-cache, template`},
		{File: file, Line: 8, Key: "artifacts[2].kind", Message: "artifacts[2].kind must be a string, found a list"},
		{File: file, Line: 11, Key: "artifacts[3]", Message: "artifacts[3] has no input"},
		{File: file, Line: 12, Key: "artifacts[4].input", Message: "artifacts[4].input is empty"},
		{File: file, Line: 13, Key: "artifacts[5].input", Message: `artifacts[5].input "../f" leaves the workspace (write a path inside it, or start it with ~ or / for a path inside root)`},
		{File: file, Line: 14, Key: "artifacts[6].mode", Message: `unknown key "mode" in artifacts[6] (known keys: kind, input, output)`},
		{File: file, Line: 14, Key: "artifacts[6].input", Message: `artifacts[6].input "$TMP/g" holds an expansion other than ~ and $HOME`},
		{File: file, Line: 15, Key: "artifacts[7]", Message: "artifacts[7] must be a mapping with kind, input and output, found a string"},
		{File: file, Line: 16, Key: "artifacts[8]", Message: "artifacts[8] has no kind (copy, json-cache or template)"},
		{File: file, Line: 17, Key: "artifacts[9]", Message: "artifacts[9] repeats artifacts[0] (same kind and output); it is ignored"},
		{File: file, Line: 18, Key: "artifacts[10].input", Message: "artifacts[10].input must be a string, found a mapping"},
		{File: file, Line: 18, Key: "artifacts[10].output", Message: "artifacts[10].output must be a string, found a list"},
	}
	if diff := cmp.Diff(wantProbs, probs); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}

	for src, wantPresent := range map[string]bool{"other: 1\n": false, "artifacts:\n": true, "artifacts: []\n": true} {
		specs, present, probs := parse(t, src)
		if len(specs) != 0 || present != wantPresent || len(probs) > 0 {
			t.Errorf("%q: specs %v, present %v, problems %v", src, specs, present, probs)
		}
	}
	_, present, probs = parse(t, "artifacts: {kind: copy}\n")
	if !present || len(probs) != 1 || probs[0].Message != "artifacts must be a list of {kind, input, output} mappings, found a mapping" || probs[0].Line != 1 {
		t.Errorf("not a list: present %v, problems %v", present, probs)
	}
}
