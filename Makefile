# Two commands a newcomer needs: `make run` and `make test`. Each installs what it needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
DATA_DIR ?= .data
GROUP ?= contributors
# SEED=0: do not upload the sample photos into an empty stack.
SEED ?= 1
# USER is also the shell's login name: only a USER given on the command line names the token's user.
TOKEN_USER := $(if $(filter command line,$(origin USER)),$(USER),alice)
# The token tool finds the stack through .data/stack.json; --port only when one was asked for.
TOKEN_PORT := $(if $(filter command line environment,$(origin PORT)),--port $(PORT))
STAMP := $(VENV)/.installed

.PHONY: run test lint unit token reindex clean-data install package layer bench-search

$(STAMP): requirements.txt requirements-dev.txt layers/imaging/requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(PY) -m infra.local --port $(PORT) --data-dir $(DATA_DIR) $(if $(filter 0,$(SEED)),--no-seed)

token: $(STAMP)
	@$(PY) -m infra.local.token --user $(TOKEN_USER) --group $(GROUP) --data-dir $(DATA_DIR) $(TOKEN_PORT)

reindex: $(STAMP)
	$(PY) -m infra.local.reindex --data-dir $(DATA_DIR)

clean-data:
	rm -rf $(DATA_DIR)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy chalicelib app.py

test: lint
	$(VENV)/bin/pytest

unit: $(STAMP)
	$(VENV)/bin/pytest tests/unit

package: $(STAMP)
	$(PY) -m infra.package --out build

layer: $(STAMP)
	bash layers/imaging/build.sh build

SIZE ?= 100000
BENCH_STAMP := $(VENV)/.bench-installed

$(BENCH_STAMP): $(STAMP) requirements-bench.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-bench.txt
	touch $(BENCH_STAMP)

# Search benchmark (issue 3): indexing docs/s, p50/p95/p99 of a fixed query mix on the
# embedded engine and through the local HTTP API; writes bench/results/. Not a test.
bench-search: $(BENCH_STAMP)
	$(PY) -m bench.search --size $(SIZE) $(BENCH_ARGS)
