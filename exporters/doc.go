// Package exporters formats results (findings, graphs, impact and why
// answers) as text, JSON and DOT. It only formats: it never loads sources,
// never evaluates rules, and never decides exit codes.
//
// Data flows sources -> graph -> queries -> exporters. Every exporter takes
// values that are already sorted (a built graph.Graph, findings sorted by
// queries.Compare, answers from package queries) and renders them in the
// order given, or in an order derived only from sorted listings, so the
// same input always yields the same bytes. No exporter ranges over a map
// on the way to output.
//
// Each exporter renders into memory and writes the result with a single
// Write, so a failing writer never receives half a document from a
// successful render, and the only error returned is the writer's (or the
// encoder's).
//
// JSON documents carry a "schema" member naming their shape and version
// (CheckSchema, GraphSchema, ImpactSchema, WhySchema); arrays are always
// arrays, never null, and are indented with two spaces and end with a
// newline.
package exporters
