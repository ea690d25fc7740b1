// Package stagebench holds the per-stage benchmarks of an audit (`make
// bench` runs them): discovery, parsing per source kind, the graph
// build, each rule, each check format, and impact and why on a large
// graph. They run on a fleet internal/synth generates once per test run
// into a temporary directory, and on graphs built in memory. The package
// has no code outside its tests.
package stagebench
