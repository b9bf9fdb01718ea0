# gilgo: build, install, run and test. GNU make.
#
#   make run    build, install the kernelspec for you, install Jupyter from
#               Debian if missing, build JupyterLab's web app from npm (once),
#               start JupyterLab on notebooks/ (en/, zh/ and the
#               instructors' solutions/; make run-classic: the
#               classic Notebook)
#   make test   go vet, go test, then the Jupyter suites in tests/ against
#               bin/gilgo installed into a temporary prefix
#
# Other targets: build, install, lab, run-classic, bench, corpus, soak, abuse,
# handouts, e2e, e2e-browser, e2e-lab, e2e-hub, test-network, lint, clean,
# help.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build

GO ?= $(shell command -v go 2>/dev/null || echo /usr/local/go/bin/go)
PYTHON ?= /usr/bin/python3
BIN := bin/gilgo
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
GO_TEST_TIMEOUT ?= 5m
GO_TEST_FLAGS ?=
BENCH ?= .
BENCHTIME ?= 1s
NOTEBOOK_DIR ?= notebooks

ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: deps build install lab run run-classic test test-go test-race test-python test-e2e test-network bench corpus soak abuse handouts e2e e2e-browser e2e-lab e2e-hub lint clean help

help:
	@sed -n '3,9p' Makefile | sed 's/^# \{0,1\}//'

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/gilgo

install: build
	$(BIN) install --user

# Debian packages the tests need (scripts/debian-packages.sh skips what is
# installed), so that `make test` works on a fresh machine.
deps:
	scripts/debian-packages.sh all

# JupyterLab 3.6's web app, built from npm into lab/build (lab/README.md):
# npm ci and webpack run again only when the inputs change.
LAB_INPUTS := lab/package.json lab/package-lock.json lab/index.js lab/webpack.config.js
lab: lab/build/.built

lab/build/.built: $(LAB_INPUTS)
	cd lab && npm ci --no-fund --no-audit --silent && npx webpack --stats errors-warnings
	touch $@

run: install lab
	scripts/debian-packages.sh run
	mkdir -p $(NOTEBOOK_DIR)
	$(PYTHON) lab/main.py --notebook-dir=$(NOTEBOOK_DIR) $(ALLOW_ROOT)

run-classic: install
	scripts/debian-packages.sh run
	mkdir -p $(NOTEBOOK_DIR)
	jupyter notebook --notebook-dir=$(NOTEBOOK_DIR) $(ALLOW_ROOT)

# Every step runs even when an earlier one fails, so one run shows all
# failures; the exit status is non-zero when any failed.
test: deps
	@status=0; \
	$(MAKE) --no-print-directory lint || status=1; \
	$(MAKE) --no-print-directory test-go || status=1; \
	$(MAKE) --no-print-directory test-race || status=1; \
	$(MAKE) --no-print-directory test-python || status=1; \
	$(MAKE) --no-print-directory test-e2e || status=1; \
	if [ $$status -ne 0 ]; then echo "make test: FAILED"; else echo "make test: ok"; fi; \
	exit $$status

test-go:
	$(GO) test -count=1 -timeout $(GO_TEST_TIMEOUT) $(GO_TEST_FLAGS) ./...

# The GIL's invariant 1 under the race detector: interpreted goroutines
# mutating shared maps and slices with the GIL on, and the lock itself.
test-race:
	$(GO) test -race -count=1 -timeout $(GO_TEST_TIMEOUT) ./gil/ ./kernel/ ./worker/ ./coroutine/
	$(GO) test -race -count=1 -timeout $(GO_TEST_TIMEOUT) -run 'SharedMap|Interrupt|Disable' ./gilrt/

# The Jupyter suites run bin/gilgo installed into a temporary prefix that
# JUPYTER_PATH points at; the user's own kernelspecs and runtime directory
# are not touched.
test-python: build
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(BIN) install --prefix "$$tmp" --log-level error >/dev/null; \
	export JUPYTER_PATH="$$tmp/share/jupyter" JUPYTER_RUNTIME_DIR="$$tmp/runtime" \
		PYDEVD_DISABLE_FILE_VALIDATION=1 XDG_DATA_HOME="$$tmp/data"; \
	status=0; \
	for t in tests/test_kernel_suite.py tests/test_protocol.py tests/test_nbconvert.py tests/test_notebooks.py; do \
		echo "== $$t"; \
		timeout 600 $(PYTHON) $$t || status=1; \
	done; \
	echo "== bench/test_*.py"; \
	$(PYTHON) -m unittest discover -s bench -p 'test_*.py' || status=1; \
	exit $$status

# The browser and JupyterHub tests run in make test when their programs are
# installed (.ci/run installs them).
test-e2e:
	@if command -v chromium >/dev/null 2>&1 && command -v jupyterhub >/dev/null 2>&1; then \
		$(MAKE) --no-print-directory e2e; \
	else echo "test-e2e: chromium or jupyterhub missing, skipped (CI installs them)"; fi

e2e: e2e-browser e2e-lab e2e-hub

e2e-browser: build
	e2e/browser/run.sh e2e/browser/testdata/smoke.ipynb e2e/out/smoke
	e2e/browser/run.sh notebooks/en/02-the-gil.ipynb e2e/out/02-the-gil --no-default-expect --expect-line 3 --expect-selector 'svg'

# The same in gilgo's JupyterLab build: every bundled notebook, in English
# and in Chinese, runs without
# an error output (02 renders its SVG timelines, and its sliders redraw
# one), a slider and a button of package widgets work in the page, and
# what a Lab user does (stop, restart from the menu, completion, tooltip,
# input box, rich displays, 100,000 lines) works (lab-e2e.js --ui), and
# the debugger panel stops at a gutter breakpoint, steps and continues
# (--debug).
e2e-lab: build lab
	E2E_UI=lab e2e/browser/run.sh e2e/browser/testdata/widgets.ipynb e2e/out/lab-widgets --widgets
	E2E_UI=lab e2e/browser/run.sh e2e/browser/testdata/lab-ui.ipynb e2e/out/lab-ui --ui
	E2E_UI=lab e2e/browser/run.sh e2e/browser/testdata/debug.ipynb e2e/out/lab-debug --debug
	for nb in notebooks/en/*.ipynb notebooks/zh/*.ipynb; do \
		extra=(); case $$nb in *02-the-gil*) extra=(--expect-selector 'img[src^="data:image/svg+xml"]' \
			--expect-selector '.widget-output img[src^="data:image/svg+xml"]' --slide-expect '4 goroutines') ;; esac; \
		lang=$$(basename $$(dirname $$nb)); \
		E2E_UI=lab e2e/browser/run.sh $$nb e2e/out/lab-$$lang-$$(basename $$nb .ipynb) "$${extra[@]}" || exit 1; \
	done

e2e-hub: build
	deploy/jupyterhub/test/run.sh

# Go's own `// run` programs and testdata/idiomatic, each run with go run
# and as a gilgo cell (docs/corpus.md), and the idiomatic corpus as notebook
# cells (docs/corpus-cells.md); not part of make test: about 5 minutes on 2
# cores.
corpus: build
	$(GO) run ./internal/corpus -gilgo $(BIN) -list -o docs/corpus.md
	$(GO) run ./internal/corpus -gilgo $(BIN) -set idiomatic -fragments -list -o docs/corpus-cells.md

SOAK_CELLS ?= 10000

# Modules from the real module proxy (gonum, gonum/plot, x/sync): needs the
# network, so not part of make test, whose module tests use a local proxy.
test-network:
	GILGO_NETWORK_TESTS=1 $(GO) test -count=1 -run 'TestRealModules' -v ./tiers/

bench: build
	$(GO) test -run '^$$' -bench '$(BENCH)' -benchtime $(BENCHTIME) -timeout 20m ./... | tee bench/go-bench.txt
	$(GO) build -o bin/gilgo-null ./bench/nullkernel
	$(PYTHON) bench/compare.py --gilgo $(BIN) --null-kernel bin/gilgo-null --go-bench bench/go-bench.txt

HANDOUTS_DIR ?= handouts

# HTML handouts of the bundled notebooks in both languages
# (handouts/en, handouts/zh), run headless (gilgo run) in a temporary copy,
# their SVG pictures kept (scripts/handouts.py).
handouts: build
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	for lang in en zh; do \
		mkdir -p "$$tmp/$$lang"; \
		for nb in notebooks/$$lang/*.ipynb; do \
			cp "$$nb" "$$tmp/$$lang/"; $(BIN) run "$$tmp/$$lang/$$(basename "$$nb")" >/dev/null; \
		done; \
		$(PYTHON) scripts/handouts.py $(HANDOUTS_DIR)/$$lang "$$tmp/$$lang"/*.ipynb; \
	done

# The heavy reliability probes (tests/abuse.py): goroutine floods, blocked
# goroutines, an output flood with a stalled subscriber, introspection
# floods, oversized cells; minutes, up to a few GiB; not part of make test.
abuse: build
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(BIN) install --prefix "$$tmp" --log-level error >/dev/null; \
	JUPYTER_PATH="$$tmp/share/jupyter" JUPYTER_RUNTIME_DIR="$$tmp/runtime" \
		$(PYTHON) tests/abuse.py

soak: build
	$(PYTHON) tests/soak.py --gilgo $(BIN) --cells $(SOAK_CELLS)

lint:
	@out=$$(find . -name '*.go' -not -path './.git/*' -not -path '*/testdata/*' -print0 | xargs -0 gofmt -l); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

clean:
	rm -rf bin build tests/out e2e/out bench/go-bench.txt lab/build
