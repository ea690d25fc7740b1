// Package exporters formats results: check reports, dependency graphs,
// impact and why answers as text, JSON and DOT, maps (queries.Map) as
// DOT, SVG and Mermaid, check reports also as a self-contained HTML page,
// as SARIF 2.1.0 (code scanning) and as GitHub Actions workflow commands
// (annotations), render reports as text, and a check's findings as a
// baseline (FormatBaseline). SVG is the map's DOT laid out in process by
// the Graphviz that github.com/goccy/go-graphviz embeds (SVG, InlineSVG);
// what a map folds or cuts is decided in package queries, never here. It
// only formats: it never loads sources, never evaluates rules, never
// writes a file, and never decides exit codes.
//
// There is one formatter interface per kind of document (CheckFormatter,
// GraphFormatter, MapFormatter, ImpactFormatter, WhyFormatter,
// RenderFormatter), and
// each format is a small value that implements the interfaces of the
// documents it can format. Check, Graph, Map, Impact, Why and Render look
// a format up by name in a registry sorted by name; an unknown name is an
// *UnknownFormatError listing the valid ones, which CheckFormats,
// GraphFormats, MapFormats, ImpactFormats, WhyFormats and RenderFormats
// also return.
//
// Data flows sources -> graph -> queries -> exporters. Every formatter
// takes values that are already sorted (a built graph.Graph, findings
// sorted by queries.Compare, answers from package queries, render's plan
// sorted by file) and renders them in the order given, or in an order
// derived only from sorted listings, so the same input always yields the
// same bytes. No formatter ranges over a map on the way to output without
// sorting its keys.
//
// Each formatter renders into memory and writes the result with a single
// Write, so a failing writer never receives half a document from a
// successful render, and the only error returned is the writer's (or the
// encoder's).
//
// JSON documents carry a "schema" member naming their shape and version
// (CheckSchema, GraphSchema, ImpactSchema, WhySchema, BaselineSchema);
// arrays are always arrays, never null, and are indented with two spaces
// and end with a newline. A SARIF log is JSON written the same way, with
// SARIF's own "$schema" and "version" instead.
package exporters
