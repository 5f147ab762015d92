# The README's two commands are `make demo` and `make test`; the rest are their parts.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

PORT ?= 8000
# The demo: SQLite, tasks in-process, a development key (settings.py refuses to start without one otherwise);
# links in mails, feeds and calendars name the port it runs on; mails are written to files, not the console.
DEMO_MAIL := .cache/demo-mail
DEMO_ENV := PYTHONDONTWRITEBYTECODE= DEBUG=1 SECRET_KEY=demo-only-not-secret DATABASE_URL= REDIS_URL= \
	SITE_URL=http://127.0.0.1:$(PORT) EMAIL_FILE_PATH=$(CURDIR)/$(DEMO_MAIL)
# The tests: PostgreSQL and Redis on this machine unless DATABASE_URL / REDIS_URL say otherwise.
DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/qogam
REDIS_URL ?= redis://127.0.0.1:6379/0
TEST_ENV := PYTHONDONTWRITEBYTECODE= DEBUG=0 SECRET_KEY=tests-only-not-secret SITE_URL=http://testserver \
	DATABASE_URL=$(DATABASE_URL) REDIS_URL=$(REDIS_URL)

AXE := .cache/axe/node_modules/axe-core/axe.min.js
# The suite runs on every core (pytest-xdist: each process has its own test database, the worker tests their own
# Redis) and names its 20 slowest tests; e.g. make test PYTEST_ARGS="-n0 tests/proposals" for one process.
PYTEST_ARGS ?= --numprocesses=auto --dist worksteal --durations=20

.PHONY: demo test setup install messages lint format check-services browser faults bench-submit bench-seed bench

# One line per stage; the address and the accounts come last, once the server listens (demo_server).
demo: setup
	@echo "Database: migrating (SQLite, db.sqlite3)…"
	@$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput -v0
	@$(DEMO_ENV) $(BIN)/python manage.py seed_demo --no-welcome
	@$(DEMO_ENV) $(BIN)/python manage.py demo_server 127.0.0.1:$(PORT)

test: setup browser check-services lint
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS)

# The fault drill (BENCHMARKS.md): its own PostgreSQL, Redis, gunicorn, worker and beat on free ports, never the
# machine's; e.g. make faults FAULTS_ARGS="--clients 8 --seconds 90". Not part of `make test` (it takes minutes).
faults: setup
	@scripts/require-system-packages postgresql redis-server
	$(BIN)/python bench/faults.py $(FAULTS_ARGS)

# Proposals a second through the portal's form (BENCHMARKS.md, "Submission"): its own PostgreSQL, Redis and
# gunicorn on free ports, wrk as the browsers; e.g. make bench-submit BENCH_SUBMIT_ARGS="--mode session".
bench-submit: setup
	@scripts/require-system-packages postgresql redis-server wrk
	$(BIN)/python bench/submission.py $(BENCH_SUBMIT_ARGS)

# National-scale data for the benchmarks (BENCHMARKS.md): creates the database if missing, migrates, and seeds
# 300 councils, 20,000 consultations and 1,000,000 proposals by COPY in about three minutes (nothing if seeded
# already); e.g. make bench-seed SEED_ARGS="--scale 0.1".
BENCH_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/qogam_bench
BENCH_SCALE ?= 1.0
bench-seed: setup
	$(BIN)/python bench/seed_national.py --database-url $(BENCH_DATABASE_URL) --create-database --migrate \
		--skip-if-seeded --scale $(BENCH_SCALE) $(SEED_ARGS)

# Issue 16's figures, each against its target (BENCHMARKS.md): the seeded database (as bench-seed), then the
# load benchmark (gunicorn + PostgreSQL + Redis under wrk, every page beside the bare Django view; about 10
# minutes), then the other benchmarks present. A Redis database of its own (BENCH_REDIS_URL, emptied); e.g.
# make bench BENCH_SCALE=0.1 LOAD_ARGS="--seconds 5 --rounds 1". Exits 1 if any figure misses its target.
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/15
BENCH_ENV := BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) BENCH_REDIS_URL=$(BENCH_REDIS_URL) \
	DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL)
bench: setup
	@scripts/require-system-packages wrk
	@scripts/check-services "$(BENCH_DATABASE_URL)" "$(BENCH_REDIS_URL)"
	@started=$$(date +%s); status=0; \
	$(BIN)/python bench/seed_national.py --database-url $(BENCH_DATABASE_URL) --create-database --migrate \
		--skip-if-seeded --scale $(BENCH_SCALE) $(SEED_ARGS) || exit 1; \
	$(BENCH_ENV) $(BIN)/python bench/load.py --database-url $(BENCH_DATABASE_URL) --redis-url $(BENCH_REDIS_URL) \
		--scale $(BENCH_SCALE) $(LOAD_ARGS) || status=1; \
	if [ -f bench/large_consultations.py ]; then echo; echo "== bench/large_consultations.py"; \
		$(BENCH_ENV) $(BIN)/python bench/large_consultations.py --database-url $(BENCH_DATABASE_URL) || status=1; fi; \
	if [ -f bench/proposals_pdf.py ]; then echo; echo "== bench/proposals_pdf.py"; \
		$(BENCH_ENV) $(BIN)/python bench/proposals_pdf.py --database-url $(BENCH_DATABASE_URL) --seeded || status=1; fi; \
	if [ -f bench/compliance_matrix.py ]; then echo; echo "== bench/compliance_matrix.py"; \
		$(BENCH_ENV) $(BIN)/python bench/compliance_matrix.py || status=1; fi; \
	if [ -f bench/submission.py ]; then echo; echo "== bench/submission.py"; \
		$(BENCH_ENV) $(BIN)/python bench/submission.py || status=1; fi; \
	echo; echo "make bench: $$(( ($$(date +%s) - started) / 60 )) min $$(( ($$(date +%s) - started) % 60 )) s" \
		"in all (seeding included), load average $$(cut -d' ' -f1-3 /proc/loadavg)"; \
	exit $$status

# The end-to-end tests drive Debian's Chromium and audit pages with axe-core; poppler reads PDFs back; wrk is
# the load benchmark's, whose report tests/bench/test_load.py reads.
browser: $(AXE)
	@scripts/require-system-packages chromium poppler-utils wrk

$(AXE):
	@command -v npm >/dev/null || { echo "npm is needed to fetch axe-core for the accessibility audit." >&2; exit 1; }
	npm install --silent --no-audit --no-fund --prefix .cache/axe axe-core@4.14.1

setup: install messages

install: $(STAMP)

# uv installs the pinned packages (constraints.txt) in 9 s where pip took 40 (733 MB of wheels); uv itself is
# pinned too, and installed by the venv's pip. It compiles nothing ahead (another 7–10 s for every module of every
# package): the demo and the tests write the bytecode of what they import (PYTHONDONTWRITEBYTECODE emptied in
# DEMO_ENV and TEST_ENV, where a machine sets it), so each later process — a test worker, a Celery worker, a
# server — does not compile scikit-learn, Django… anew.
UV_VERSION := 0.13.9
$(STAMP): pyproject.toml constraints.txt
	@scripts/require-system-packages
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet uv==$(UV_VERSION)
	$(BIN)/uv pip install --quiet --python $(BIN)/python -c constraints.txt -e ".[dev]"
	touch $(STAMP)

messages:
	@$(DEMO_ENV) $(BIN)/python manage.py compilemessages --ignore=.venv -v0

lint: install
	$(BIN)/ruff check .

format: install
	$(BIN)/ruff format .

check-services:
	@scripts/check-services "$(DATABASE_URL)" "$(REDIS_URL)"
