// Package promtest holds the end-to-end test of check's prometheus
// format with the real parts: the driftmap binary runs check --format
// json --output prometheus=PATH once for each of three demo trees, three
// node_exporters serve the files through their textfile collector, and
// a Prometheus scrapes them; the test asks Prometheus's HTTP API for
// each host's error count and compares it with the same run's JSON. It skips
// without the prometheus and prometheus-node-exporter programs, unless
// DRIFTMAP_PROMETHEUS_TEST=1 (CI), where their absence fails. The
// package has no code outside its tests.
package promtest
