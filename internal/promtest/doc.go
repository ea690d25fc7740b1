// Package promtest holds the end-to-end test of check's prometheus
// format with the real parts: the driftmap binary writes
// --output prometheus=PATH for three demo trees, three node_exporters
// serve the files through their textfile collector, and a Prometheus
// scrapes them; the test asks Prometheus's HTTP API for each host's
// error count and compares it with check --format json. It skips
// without the prometheus and prometheus-node-exporter programs, unless
// DRIFTMAP_PROMETHEUS_TEST=1 (CI), where their absence fails. The
// package has no code outside its tests.
package promtest
