package queries

import "github.com/driftmap/driftmap/graph"

// ParseError reports sources that cannot be read or parsed.
var ParseError = &Rule{
	Name:     "parse-error",
	Severity: Error,
	Title:    "a source file cannot be parsed",
	Doc: `A plist, YAML file or wrapper script could not be read or parsed: a
syntax error, a value of the wrong type (for example ProgramArguments
written as a string) or out of range (a port of 65536), a file that is
not a regular file, or one beyond a size or nesting limit. driftmap
reports the file and line when the format gives one and audits
everything else; whatever the broken file would have contributed is
missing from the graph, so fix it first. (A YAML key repeated in one
mapping is not a parse error: see duplicate-key.)`,
	Example: `/Users/bert/Library/LaunchAgents/com.sanctum.proxy.plist:9: error: ProgramArguments must be an array of strings, found a string [parse-error]`,
	// A problem that names a rule is that rule's (duplicate-key,
	// invalid-unit); parse-error reports those that name none.
	Run: func(p *Pass) { reportProblems(p, "") },
}

// reportProblems reports, without a subject, each of the snapshot's
// problems whose Rule is rule, at its file and line.
func reportProblems(p *Pass, rule string) {
	for _, pr := range p.Problems {
		if pr.Rule == rule {
			p.Report("", pr.Message, graph.Evidence{File: pr.File, Line: pr.Line, Key: pr.Key})
		}
	}
}
