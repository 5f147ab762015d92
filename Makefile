# The README's two commands are `make demo` and `make test`; the rest are their parts.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

PORT ?= 8000
# The demo: SQLite, tasks in-process, a development key (settings.py refuses to start without one otherwise);
# links in mails, feeds and calendars name the port it runs on; mails are written to files, not the console.
DEMO_MAIL := .cache/demo-mail
DEMO_ENV := DEBUG=1 SECRET_KEY=demo-only-not-secret DATABASE_URL= REDIS_URL= SITE_URL=http://127.0.0.1:$(PORT) \
	EMAIL_FILE_PATH=$(CURDIR)/$(DEMO_MAIL)
# The tests: PostgreSQL and Redis on this machine unless DATABASE_URL / REDIS_URL say otherwise.
DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/qogam
REDIS_URL ?= redis://127.0.0.1:6379/0
TEST_ENV := DEBUG=0 SECRET_KEY=tests-only-not-secret SITE_URL=http://testserver DATABASE_URL=$(DATABASE_URL) REDIS_URL=$(REDIS_URL)

AXE := .cache/axe/node_modules/axe-core/axe.min.js

.PHONY: demo test setup install messages lint format check-services browser faults bench-submit bench-seed

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
bench-seed: setup
	$(BIN)/python bench/seed_national.py --database-url $(BENCH_DATABASE_URL) --create-database --migrate \
		--skip-if-seeded $(SEED_ARGS)

# The end-to-end tests drive Debian's Chromium and audit pages with axe-core; poppler reads PDFs back.
browser: $(AXE)
	@scripts/require-system-packages chromium poppler-utils

$(AXE):
	@command -v npm >/dev/null || { echo "npm is needed to fetch axe-core for the accessibility audit." >&2; exit 1; }
	npm install --silent --no-audit --no-fund --prefix .cache/axe axe-core@4.14.1

setup: install messages

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@scripts/require-system-packages
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

messages:
	@$(DEMO_ENV) $(BIN)/python manage.py compilemessages --ignore=.venv -v0

lint: install
	$(BIN)/ruff check .

format: install
	$(BIN)/ruff format .

check-services:
	@scripts/check-services "$(DATABASE_URL)" "$(REDIS_URL)"
