# driftmap: make demo runs the audit on the bundled demo trees; make test
# runs vet and the whole suite. Only Go is needed; the browser test of
# check --format html also drives Chromium when there is one (it skips
# without, except on CI: see .ci/run).
GO        ?= go
BIN       := bin/driftmap
DEMO      := testdata/demo
DEMO_HOME := /Users/bert

.PHONY: all build demo test vet fmt bench bench-go bench-fleet fuzz clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/driftmap

# demo audits the broken tree (findings expected, so its exit status 1 is
# not a failure) and writes its HTML report and its service map as SVG
# (no Graphviz needed), shows its Prometheus metrics, prints the remediation plan driftmap fix proposes
# for it (a dry run), then audits the remediated tree, which
# must check clean and need no render, then the tree laid out as
# Sanctum publishes it (findings expected again), and last a Linux
# machine with systemd units only (findings expected).
demo: build
	@mkdir -p bin
	@echo "== driftmap check: the broken tree ($(DEMO)/broken)"
	@$(BIN) check --root $(DEMO)/broken/root --home $(DEMO_HOME) --workspace $(DEMO)/broken/workspace \
	  --output html=bin/demo-broken.html; \
	  status=$$?; if [ $$status -gt 1 ]; then exit $$status; fi
	@$(BIN) graph --format svg --root $(DEMO)/broken/root --home $(DEMO_HOME) --workspace $(DEMO)/broken/workspace > bin/demo-broken.svg
	@echo
	@echo "   report written to bin/demo-broken.html, service map to bin/demo-broken.svg (open either in a browser)"
	@echo
	@echo "== driftmap check --format prometheus: the broken tree's metrics (its nonzero findings and the run)"
	@$(BIN) check --format prometheus --root $(DEMO)/broken/root --home $(DEMO_HOME) --workspace $(DEMO)/broken/workspace \
	  > bin/demo-broken.prom; \
	  status=$$?; grep -E '^driftmap_findings\{.*\} [1-9][0-9]*$$|^driftmap_last_run_' bin/demo-broken.prom; \
	  if [ $$status -gt 1 ]; then exit $$status; fi
	@echo "   (every metric in bin/demo-broken.prom, as node_exporter's textfile collector reads it)"
	@echo
	@echo "== driftmap check --live: the broken tree's files beside what its launchd had loaded ($(DEMO)/broken/live)"
	@$(BIN) check --root $(DEMO)/broken/root --home $(DEMO_HOME) --workspace $(DEMO)/broken/workspace \
	  --live $(DEMO)/broken/live/launchctl-list.txt --live $(DEMO)/broken/live/watchdog.print.txt \
	  --live $(DEMO)/broken/live/print-disabled-gui.txt > bin/demo-live.txt; \
	  status=$$?; grep -E '\[(ghost-job|stale-load|not-loaded|override-conflict|flapping)\]|^[0-9]+ errors' bin/demo-live.txt; \
	  if [ $$status -gt 1 ]; then exit $$status; fi
	@echo "   (the 5 findings of the rules that compare launchd with the files; all of them in bin/demo-live.txt)"
	@echo
	@echo "== driftmap fix: the remediation plan for the broken tree (a dry run: nothing is written)"
	@$(BIN) fix --root $(DEMO)/broken/root --home $(DEMO_HOME) --workspace $(DEMO)/broken/workspace
	@echo
	@echo "== driftmap check --fail-on warning, then render --check: the remediated tree ($(DEMO)/clean)"
	@$(BIN) check --fail-on warning --root $(DEMO)/clean/root --home $(DEMO_HOME) --workspace $(DEMO)/clean/workspace
	@$(BIN) render --check --root $(DEMO)/clean/root --home $(DEMO_HOME) --workspace $(DEMO)/clean/workspace
	@echo
	@echo "== driftmap check, then impact of the shared shell library: a machine as Sanctum lays it out ($(DEMO)/real)"
	@$(BIN) check --root $(DEMO)/real/root --home $(DEMO_HOME) --workspace $(DEMO)/real/workspace; \
	  status=$$?; if [ $$status -gt 1 ]; then exit $$status; fi
	@$(BIN) impact '~/.sanctum/lib/config.sh' --root $(DEMO)/real/root --home $(DEMO_HOME) --workspace $(DEMO)/real/workspace
	@echo
	@echo "== driftmap check, then impact of a masked unit: bert's Linux gateway VM, systemd units only ($(DEMO)/linux)"
	@$(BIN) check --root $(DEMO)/linux/root --home /home/bert --workspace $(DEMO)/linux; \
	  status=$$?; if [ $$status -gt 1 ]; then exit $$status; fi
	@$(BIN) impact ollama.service --root $(DEMO)/linux/root --home /home/bert --workspace $(DEMO)/linux

# vet also vets for macOS, where driftmap snapshot runs launchctl.
vet:
	$(GO) vet ./...
	GOOS=darwin $(GO) vet ./...
	GOOS=darwin $(GO) build -o /dev/null ./cmd/driftmap

test: vet
	$(GO) test ./...

fmt:
	gofmt -l -w .

# bench runs the Go benchmarks, then the fleet benchmark: for each size
# in BENCH_SIZES, a synthetic fleet (driftmap synth, kept in
# $${TMPDIR:-/tmp}/driftmap-bench/N-SEED or BENCH_DIR/N-SEED and reused),
# audited with check --format json against a plain read of its files,
# BENCH_RUNS times each; one table row per size, and exit 1 unless check
# reports exactly the planted findings (see docs/performance.md).
BENCH_SIZES ?= 1000 10000 100000
BENCH_RUNS  ?= 3
BENCH_SEED  ?= 1
BENCH_DIR   ?=

bench: bench-go bench-fleet

bench-go:
	$(GO) test -run '^$$' -bench . -benchmem ./...

bench-fleet: build
	$(GO) run ./internal/fleetbench -driftmap $(BIN) -sizes "$(BENCH_SIZES)" -runs $(BENCH_RUNS) -seed $(BENCH_SEED) $(if $(BENCH_DIR),-dir "$(BENCH_DIR)")

# fuzz runs every fuzz target briefly (FUZZTIME=1m for longer). Minimizing
# a new input is capped at 2s: an uncapped one can still be running when
# FUZZTIME ends, and go test then fails with "context deadline exceeded".
FUZZTIME ?= 15s
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 2s $$pkg || exit 1; \
	  done; \
	done

clean:
	rm -rf bin
