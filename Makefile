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
# checkov in a venv of its own (its pins would fight ours): the deploy tests scan the template.
SCAN_VENV := .venv-scan
SCAN_STAMP := $(SCAN_VENV)/.installed

.PHONY: scan-install scan run test lint unit token reindex reprocess sweep duplicates redrive fuzz load soak scale scale-check clean-data install lock package layer bench bench-search bench-render bench-full bench-duplicates deploy destroy

# Every install reads a hash lock (requirements/*.lock, written by `make lock`): the pinned pip,
# setuptools and pyvips' build deps first, then the rest, pyvips built by those (no isolation).
# No --no-deps: in hash mode pip refuses any dependency a lock lacks, so an incomplete lock
# fails the install instead of leaving a venv without it.
PIP_INSTALL = $(PY) -m pip install --quiet --disable-pip-version-check --require-hashes

$(STAMP): requirements/build.lock requirements/dev.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) -r requirements/build.lock
	$(PIP_INSTALL) --no-build-isolation -r requirements/dev.lock
	touch $(STAMP)

install: $(STAMP)

# After editing requirements*.txt or requirements/build.in: re-resolve every lock with uv
# (UPGRADE=1: newest versions of everything an input does not pin), then commit both.
lock: $(STAMP)
	$(PY) -m infra.locks $(if $(filter 1,$(UPGRADE)),--upgrade)

$(SCAN_STAMP): requirements/build.lock requirements/scan.lock
	test -x $(SCAN_VENV)/bin/python || $(PYTHON) -m venv $(SCAN_VENV)
	$(SCAN_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/build.lock
	$(SCAN_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/scan.lock
	touch $(SCAN_STAMP)

scan-install: $(SCAN_STAMP)

# checkov over the built template (`make package` first): zero failed, skips in the template.
scan: $(SCAN_STAMP)
	$(SCAN_VENV)/bin/checkov -f build/sam.yaml --framework cloudformation --skip-download --compact --quiet

# HOST=<address> (`make run HOST=0.0.0.0`): listen beyond 127.0.0.1; only a HOST given on the
# command line counts (some shells set HOST to the machine's name).
run: $(STAMP)
	$(PY) -m infra.local --port $(PORT) --data-dir $(DATA_DIR) $(if $(filter 0,$(SEED)),--no-seed) \
		$(if $(filter command line,$(origin HOST)),--host $(HOST))

token: $(STAMP)
	@$(PY) -m infra.local.token --user $(TOKEN_USER) --group $(GROUP) --data-dir $(DATA_DIR) $(TOKEN_PORT)

reindex: $(STAMP)
	$(PY) -m infra.local.reindex --data-dir $(DATA_DIR)

# `make redrive QUEUE=ingest|render [DRY_RUN=1] [LIMIT=n]`: list a dead-letter queue of the local
# stack and move its messages back to the source queue; with STAGE=dev [REGION=...], the AWS stage.
redrive: $(STAMP)
	$(PY) -m infra.redrive --queue $(QUEUE) --data-dir $(DATA_DIR) $(if $(filter 1,$(DRY_RUN)),--dry-run) \
		$(if $(LIMIT),--limit $(LIMIT)) $(if $(filter command line environment,$(origin STAGE)),--stage $(STAGE)) \
		$(if $(REGION),--region $(REGION))

# The duplicate groups already in the running stack's catalogue: a dry run, changes nothing.
# `make duplicates HOLD=1` sends every copy but each group's oldest to the review queue;
# JSON=1 prints one JSON line per group.
duplicates: $(STAMP)
	$(PY) -m infra.local.duplicates --data-dir $(DATA_DIR) $(if $(filter 1,$(HOLD)),--hold) \
		$(if $(filter 1,$(JSON)),--json)

# Re-cut the running stack's older images for the current RENDITION_PROFILE through the render
# queue: `make reprocess DRY_RUN=1` counts them and estimates the cost; LIMIT=n stops after n
# images, RATE=r sends at most r images a second (default REPROCESS_RATE, 5). Resumable.
reprocess: $(STAMP)
	$(PY) -m infra.local.reprocess --data-dir $(DATA_DIR) $(if $(filter 1,$(DRY_RUN)),--dry-run) \
		$(if $(LIMIT),--limit $(LIMIT)) $(if $(RATE),--rate $(RATE))

# One full sweeper pass now over the running stack (it also runs every LOCAL_SWEEP_SECONDS).
sweep: $(STAMP)
	$(PY) -m infra.local.sweep --data-dir $(DATA_DIR)

# The fuzz suite's strategies over HTTP against the running stack (`make run` first) for SECONDS:
# every request and each failure (shrunk, with curl and Python reproducers) under
# artifacts/fuzz/<UTC time>/; exits 1 on any failure. PORT only when not the stack.json one.
SECONDS ?= 60
fuzz: $(STAMP)
	$(PY) -m infra.local.fuzz --seconds $(SECONDS) --data-dir $(DATA_DIR) $(TOKEN_PORT)

clean-data:
	rm -rf $(DATA_DIR)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy chalicelib app.py

test: lint $(SCAN_STAMP)
	$(VENV)/bin/pytest

unit: $(STAMP)
	$(VENV)/bin/pytest tests/unit

# Lambda architecture of the imaging layer and the vendored code: arm64 or x86_64.
ARCH ?= arm64

package: $(STAMP)
	$(PY) -m infra.package --out build --arch $(ARCH)

layer: $(STAMP)
	ARCH=$(ARCH) PYTHON=$(abspath $(PY)) bash layers/imaging/build.sh build

# `make deploy STAGE=prod [REGION=eu-west-1] [ARCH=x86_64] [ARTIFACT_BUCKET=...]
#  [PARAMS="SearchEngine=serverless AlarmEmail=ops@example.com ..."]`: needs only AWS
# credentials and the aws CLI. `make destroy STAGE=dev` (prod also needs CONFIRM=yes).
STAGE ?= dev
DEPLOY_ARGS = --stage $(STAGE) $(if $(REGION),--region $(REGION)) --arch $(ARCH) \
	$(if $(ARTIFACT_BUCKET),--artifact-bucket $(ARTIFACT_BUCKET))

deploy: $(STAMP)
	$(PY) -m infra.deploy deploy $(DEPLOY_ARGS) $(PARAMS)

destroy: $(STAMP)
	$(PY) -m infra.deploy destroy $(DEPLOY_ARGS) --confirm "$(CONFIRM)"

BENCH_STAMP := $(VENV)/.bench-installed

$(BENCH_STAMP): $(STAMP) requirements/bench.lock
	$(PIP_INSTALL) -r requirements/bench.lock
	touch $(BENCH_STAMP)

# Every benchmark of issue 6 in one run (render against sharp, end to end on the local stack,
# search, cold start, memory), about 15 minutes on 2 cores; writes bench/results/<date>-<host>.md.
# sharp is installed with npm into bench/node when node is present. BENCH_ARGS="--quick".
bench: $(BENCH_STAMP)
	$(PY) -m bench.all $(BENCH_ARGS)

# The scale model (issue 20, docs/scale.md): every size's pipeline simulated around the day's
# peak, each limit's use, the month's bill; seconds, no AWS. SIZE=small|medium|large|all (all).
scale: $(STAMP)
	$(PY) -m bench.scale --size $(or $(SIZE),all)

# The scale model checked against the local stack (issue 20, docs/scale.md section 8): a
# calibration, then `make soak`'s fault-free run at each of UPLOADS photos and the model fed the
# same arrivals; writes bench/results/<date>-<host>-scale-check.md, exits 1 outside MARGIN.
# About 30 minutes on 2 cores at the defaults; run it on a quiet machine.
UPLOADS ?= 50 500
MARGIN ?= 0.25
scale-check: $(STAMP)
	$(PY) -m bench.scale.check --uploads $(UPLOADS) --margin $(MARGIN) $(BENCH_ARGS)

# The local stack under faults (issue 14): N uploads over HTTP (good photos, broken files, bombs,
# one file again and again, deletes while processing) with fault injection on in the functions,
# CRASHES kills -9 of the whole stack about CRASH_AFTER seconds apart (0: none), each followed
# by a restart, the sweeper, then an audit of the stores; writes
# bench/results/<date>-<host>-soak.md, exits 1 unless nothing was lost.
N ?= 1000
CRASH_AFTER ?= 60
CRASHES ?= 1
soak: $(STAMP)
	$(PY) -m bench.soak --n $(N) --crash-after $(CRASH_AFTER) --crashes $(CRASHES) $(BENCH_ARGS)

# Search benchmark (issue 3): indexing docs/s, p50/p95/p99 of a fixed query mix on the
# embedded engine and through the local HTTP API; writes bench/results/. Not a test.
bench-search: $(BENCH_STAMP)
	$(PY) -m bench.search --size $(or $(SIZE),100000) $(BENCH_ARGS)

# Render benchmark (issue 6, items 1-2): our render path against sharp (installed with npm into
# bench/node when node is present) and our own candidates, same run; writes bench/results/.
bench-render: $(STAMP)
	$(PY) -m bench.render $(BENCH_ARGS)

# Full-download JPEG quality: Q 80-95 x 4:4:4 / 4:2:0 at full resolution on the sample photos
# and two 24 MP inputs (bytes, encode CPU, PSNR, luma SSIM, chroma PSNR, generation loss,
# mozjpeg options); about 10 minutes on 2 cores; writes bench/results/<date>-<host>-full-quality.md.
# Needs only pyvips and Pillow (the dev install). BENCH_ARGS="--quick" for the small photos alone.
bench-full: $(STAMP)
	$(PY) -m bench.full_quality $(BENCH_ARGS)

# Near-duplicate hashes (issue 16): dHash and pHash precision/recall at thresholds 0..20 on a
# labelled set built from real photos (edits, different photos, same-scene crops, mirrors);
# DUPLICATE_PHOTOS adds folders of photos (docs/decisions/duplicates.md says how to get them);
# writes bench/results/<date>-<host>-duplicates.md.
bench-duplicates: $(STAMP)
	$(PY) -m bench.duplicates_eval infra/local/samples $(DUPLICATE_PHOTOS) $(BENCH_ARGS)

# Load run (issue 14): its own local stack on free ports, the sample photos plus synthetic search
# documents, then searches, suggestions and image reads at 8, 32 and 64 concurrent clients for
# DURATION seconds in all; appends to bench/results/<date>-<host>-load.md; fails on any error.
DURATION ?= 60
load: $(STAMP)
	$(PY) -m bench.load --duration $(DURATION) $(BENCH_ARGS)
