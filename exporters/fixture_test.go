package exporters

import (
	"slices"
	"testing"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/queries"
)

// Evidence used by the fixture graph and findings.
var (
	evVoiceRequiresTTS = graph.Evidence{File: "instance.yaml", Line: 8, Key: "services.voice-agent.requires[0]", Token: "tts"}
	evManifestRequires = graph.Evidence{File: "manifests/voice-agent.yaml", Line: 5, Key: "requires[0]", Token: "tts"}
	evVoiceRequiresAPI = graph.Evidence{File: "instance.yaml", Line: 9, Key: "services.voice-agent.requires[1]", Token: "api"}
	evVoiceRequiresOld = graph.Evidence{File: "instance.yaml", Line: 10, Key: "services.voice-agent.requires[2]", Token: "legacy"}
	evAPIRequiresTTS   = graph.Evidence{File: "instance.yaml", Line: 16, Key: "services.api.requires[0]", Token: "tts"}
	evTTSLabel         = graph.Evidence{File: "instance.yaml", Line: 4, Key: "services.tts.label", Token: "com.acme.tts"}
	evAPILabel         = graph.Evidence{File: "instance.yaml", Line: 14, Key: "services.api.label", Token: "com.acme.api"}
	evTTSProgram       = graph.Evidence{File: "LaunchAgents/com.acme.tts.plist", Line: 9, Key: "ProgramArguments[0]", Token: "/Users/me/wrappers/tts-start"}
	evTTSWorkDir       = graph.Evidence{File: "LaunchAgents/com.acme.tts.plist", Line: 14, Key: "WorkingDirectory", Token: "/opt/tts"}
	evTTSLog           = graph.Evidence{File: "LaunchAgents/com.acme.tts.plist", Line: 16, Key: "StandardOutPath", Token: "/var/log/tts/out.log"}
	evAPIProgram       = graph.Evidence{File: "LaunchAgents/com.acme.api.plist", Line: 8, Key: "Program", Token: "/usr/local/bin/api-server"}
	evOldProgram       = graph.Evidence{File: "LaunchAgents/retired/com.acme.old.plist", Line: 7, Key: "Program", Token: "/opt/old/run.sh"}
	evWrapperExec      = graph.Evidence{File: "wrappers/tts-start", Line: 3, Key: "exec", Token: "/opt/tts/bin/run.sh"}
	evWrapperSource    = graph.Evidence{File: "wrappers/tts-start", Line: 2, Key: "source", Token: "/opt/tts/env.sh"}
	evManifestName     = graph.Evidence{File: "manifests/voice-agent.yaml", Line: 1, Key: "name", Token: "voice-agent"}
	evAPIPort          = graph.Evidence{File: "instance.yaml", Line: 15, Key: "services.api.port", Token: "8080"}
	evTTSPort          = graph.Evidence{File: "instance.yaml", Line: 5, Key: "services.tts.port", Token: "8080"}
)

// Node IDs of the fixture graph.
const (
	idVoice    = "service:voice-agent"
	idTTS      = "service:tts"
	idAPI      = "service:api"
	idLegacy   = "service:legacy"
	idJobTTS   = "job:com.acme.tts"
	idJobAPI   = "job:com.acme.api"
	idJobOld   = "job:com.acme.old"
	idWrapper  = "wrapper:tts-start"
	idRunSh    = "file:/opt/tts/bin/run.sh"
	idEnvSh    = "file:/opt/tts/env.sh"
	idAPIBin   = "file:/usr/local/bin/api-server"
	idOldRun   = "file:/opt/old/run.sh"
	idTTSDir   = "directory:/opt/tts"
	idLogDir   = "directory:/var/log/tts"
	idManifest = "manifest:voice-agent"
)

// fixtureOps returns the builder steps of the fixture graph: node steps,
// then edge steps (edges need their nodes). Applying either list in any
// order must build the same graph.
func fixtureOps() (nodes, edges []func(*graph.Builder)) {
	node := func(k graph.Kind, name string, st graph.State, f func(*graph.Node)) func(*graph.Builder) {
		return func(b *graph.Builder) {
			n := b.Node(k, name)
			n.State = st
			if f != nil {
				f(n)
			}
		}
	}
	edge := func(from, to string, k graph.EdgeKind, ev ...graph.Evidence) func(*graph.Builder) {
		return func(b *graph.Builder) { b.AddEdge(from, to, k, ev...) }
	}
	nodes = []func(*graph.Builder){
		node(graph.Service, "voice-agent", graph.Enabled, func(n *graph.Node) {
			n.Origins = []string{"manifest", "instance"}
			n.Role = "agent"
		}),
		node(graph.Service, "tts", graph.Enabled, func(n *graph.Node) {
			n.Origins = []string{"instance", "catalog"}
			n.Aliases = []string{"xtts"}
			n.Ports = []graph.Port{{Port: 8080, Evidence: evTTSPort}}
		}),
		node(graph.Service, "api", graph.Enabled, func(n *graph.Node) {
			n.Origins = []string{"instance"}
			n.Ports = []graph.Port{{Port: 8080, Evidence: evAPIPort}}
		}),
		node(graph.Service, "legacy", graph.Undefined, nil),
		node(graph.Job, "com.acme.tts", graph.Live, func(n *graph.Node) {
			n.Label, n.Program = "com.acme.tts", "/Users/me/wrappers/tts-start"
			n.Defined = []graph.Evidence{{File: "LaunchAgents/com.acme.tts.plist", Line: 5, Key: "Label", Token: "com.acme.tts"}}
		}),
		node(graph.Job, "com.acme.api", graph.Live, func(n *graph.Node) {
			n.Label, n.Program = "com.acme.api", "/usr/local/bin/api-server"
		}),
		node(graph.Job, "com.acme.old", graph.Retired, func(n *graph.Node) { n.Label = "com.acme.old" }),
		node(graph.Wrapper, "tts-start", graph.Present, func(n *graph.Node) { n.Executable = true }),
		node(graph.File, "/opt/tts/bin/run.sh", graph.Missing, nil),
		node(graph.File, "/opt/tts/env.sh", graph.Present, nil),
		node(graph.File, "/usr/local/bin/api-server", graph.Present, func(n *graph.Node) { n.Executable = true }),
		node(graph.File, "/opt/old/run.sh", graph.Missing, nil),
		node(graph.Directory, "/opt/tts", graph.Present, nil),
		node(graph.Directory, "/var/log/tts", graph.Missing, nil),
		node(graph.Manifest, "voice-agent", graph.Present, nil),
	}
	edges = []func(*graph.Builder){
		edge(idVoice, idTTS, graph.Requires, evVoiceRequiresTTS),
		edge(idVoice, idTTS, graph.Requires, evManifestRequires), // merged: two pieces of evidence
		edge(idVoice, idAPI, graph.Requires, evVoiceRequiresAPI),
		edge(idVoice, idLegacy, graph.Requires, evVoiceRequiresOld),
		edge(idAPI, idTTS, graph.Requires, evAPIRequiresTTS),
		edge(idTTS, idJobTTS, graph.RunsAs, evTTSLabel),
		edge(idAPI, idJobAPI, graph.RunsAs, evAPILabel),
		edge(idJobTTS, idWrapper, graph.Exec, evTTSProgram),
		edge(idJobTTS, idTTSDir, graph.WorkingDir, evTTSWorkDir),
		edge(idJobTTS, idLogDir, graph.LogDir, evTTSLog),
		edge(idJobAPI, idAPIBin, graph.Exec, evAPIProgram),
		edge(idJobOld, idOldRun, graph.Exec, evOldProgram),
		edge(idWrapper, idRunSh, graph.Exec, evWrapperExec),
		edge(idWrapper, idEnvSh, graph.Source, evWrapperSource),
		edge(idManifest, idVoice, graph.Describes, evManifestName),
	}
	return nodes, edges
}

// buildFixture builds the fixture graph, applying the builder steps in
// order or, when reversed, backwards.
func buildFixture(reversed bool) *graph.Graph {
	nodes, edges := fixtureOps()
	if reversed {
		slices.Reverse(nodes)
		slices.Reverse(edges)
	}
	b := graph.NewBuilder()
	for _, op := range nodes {
		op(b)
	}
	for _, op := range edges {
		op(b)
	}
	return b.Build()
}

// fixtureFindings returns hand-made findings sorted by queries.Compare: a
// multi-evidence error, a finding with line 0, one without a file, and
// one whose location is not its first evidence.
func fixtureFindings() []queries.Finding {
	fs := []queries.Finding{
		{
			Rule: "missing-target", Severity: queries.Error, Subject: idRunSh,
			Message: "wrapper tts-start execs /opt/tts/bin/run.sh, which does not exist",
			File:    evWrapperExec.File, Line: evWrapperExec.Line,
			Evidence: []graph.Evidence{evWrapperExec},
		},
		{
			Rule: "port-conflict", Severity: queries.Error, Subject: idAPI,
			Message: "port 8080 is claimed by service:api and service:tts",
			File:    evTTSPort.File, Line: evTTSPort.Line,
			Evidence: graph.SortEvidence([]graph.Evidence{evAPIPort, evTTSPort}),
		},
		{
			Rule: "undefined-service", Severity: queries.Warning, Subject: idLegacy,
			Message: "service:voice-agent requires legacy, which is defined nowhere",
			File:    evVoiceRequiresOld.File, Line: evVoiceRequiresOld.Line,
			Evidence: []graph.Evidence{evVoiceRequiresOld},
		},
		{
			Rule: "retired-job", Severity: queries.Warning, Subject: idJobOld,
			Message: "job com.acme.old is retired but its plist is still installed",
			File:    "LaunchAgents/retired/com.acme.old.plist", // line 0: the format gives none
			Evidence: []graph.Evidence{
				{File: "LaunchAgents/retired/com.acme.old.plist"},
				evOldProgram,
			},
		},
		{
			Rule: "orphan-file", Severity: queries.Info, Subject: idEnvSh,
			Message: "sourced by wrapper:tts-start only",
		},
		{
			// Located at the manifest, evidence elsewhere: both shown.
			Rule: "duplicate-definition", Severity: queries.Info, Subject: idVoice,
			Message: "service voice-agent is defined twice",
			File:    "manifests/voice-agent.yaml", Line: 1,
			Evidence: []graph.Evidence{evVoiceRequiresTTS, evManifestRequires},
		},
	}
	slices.SortFunc(fs, queries.Compare)
	return fs
}

// pathOf returns the chain of edges along the node IDs, failing the test
// when an edge is missing.
func pathOf(t *testing.T, g *graph.Graph, ids ...string) []graph.Edge {
	t.Helper()
	var p []graph.Edge
	for i := 0; i+1 < len(ids); i++ {
		var found bool
		for _, e := range g.From(ids[i]) {
			if e.To == ids[i+1] {
				p = append(p, e)
				found = true
				break
			}
		}
		if !found {
			t.Fatalf("fixture: no edge %s -> %s", ids[i], ids[i+1])
		}
	}
	return p
}

// affected builds the impact entry of the first ID along the chain.
func affected(t *testing.T, g *graph.Graph, ids ...string) queries.Affected {
	t.Helper()
	n, ok := g.Node(ids[0])
	if !ok {
		t.Fatalf("fixture: no node %s", ids[0])
	}
	return queries.Affected{ID: n.ID, Kind: n.Kind, Distance: len(ids) - 1, Via: pathOf(t, g, ids...)[0]}
}

// fixtureImpact is the impact of removing the missing run.sh, named by its
// base name. The two nodes at distance 4 are deliberately not in ID order:
// the text tree must sort siblings itself, the JSON keeps the given order.
func fixtureImpact(t *testing.T, g *graph.Graph) *queries.Impact {
	t.Helper()
	return &queries.Impact{
		Target:       idRunSh,
		ResolvedFrom: "run.sh",
		Note:         `"run.sh" is the base name of file:/opt/tts/bin/run.sh`,
		Affected: []queries.Affected{
			affected(t, g, idWrapper, idRunSh),
			affected(t, g, idJobTTS, idWrapper, idRunSh),
			affected(t, g, idTTS, idJobTTS, idWrapper, idRunSh),
			affected(t, g, idVoice, idTTS, idJobTTS, idWrapper, idRunSh),
			affected(t, g, idAPI, idTTS, idJobTTS, idWrapper, idRunSh),
			affected(t, g, idManifest, idVoice, idTTS, idJobTTS, idWrapper, idRunSh),
		},
	}
}
