# facturier — the two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT
PG_URL ?= postgres://postgres@127.0.0.1:5432/facturier

.PHONY: run test test-sqlite test-postgres test-dates install chromium faketime bench bench-validate bench-ingest messages clean

$(BIN)/.installed: pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e '.[test]'
	touch $@

## Bytecode is compiled ahead, as a wheel install does (pip compiles at install time): the editable
## install does not, and where PYTHONDONTWRITEBYTECODE is set (containers, CI) every process would
## otherwise compile the sources again at start. Stale files are ignored by Python (mtime check).
install: $(BIN)/.installed
	$(BIN)/python -m compileall -q -j 0 facturier config benchmarks >/dev/null

## make run: install, migrate, load the demo data, then serve on HOST:PORT with gunicorn.
run: install
	$(BIN)/facturier migrate --noinput
	$(BIN)/facturier collectstatic --noinput --verbosity 0
	$(BIN)/facturier load_demo --base-url http://$(HOST):$(PORT)
	$(BIN)/facturier serve --host $(HOST) --port $(PORT)

## make test: the whole suite on SQLite; with CI=true also on PostgreSQL and through Redis.
test: install chromium
	$(MAKE) --no-print-directory test-sqlite
ifeq ($(CI),true)
	$(MAKE) --no-print-directory test-postgres
endif

test-sqlite:
	$(BIN)/python -m pytest

test-postgres:
	@$(BIN)/python -c "import psycopg,sys; psycopg.connect('$(PG_URL)'.replace('/facturier','/postgres'), connect_timeout=5).close()" \
	  || { echo "PostgreSQL is unreachable at $(PG_URL): CI=true needs it." >&2; exit 1; }
	DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest

## Debian's chromium for the browser tests (never a downloaded browser).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing: run 'sudo apt-get install chromium' (browser tests need it)"; fi; \
	fi

## make test-dates: the SQLite suite at instants where the local date (Europe/Paris) is not the UTC
## date, under Debian's faketime: the days summer time starts and ends, a winter evening whose 45 days
## back were summer time, the end of a year. About 6 minutes each; never part of `make test`.
## TEST_DATES (UTC instants) and PYTEST_ARGS narrow it.
TEST_DATES ?= 2026-03-28T23:30:00 2026-10-24T22:30:00 2026-11-27T22:30:00 2026-12-31T23:30:00
test-dates: install chromium faketime
	@for at in $(TEST_DATES); do \
	  echo "== the suite at $$at UTC"; \
	  TZ=UTC faketime -f "@$${at/T/ }" $(BIN)/python -m pytest -q -p no:cacheprovider $(PYTEST_ARGS) || exit 1; \
	done

## Debian's faketime for make test-dates.
faketime:
	@if ! command -v faketime >/dev/null; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installing Debian's faketime for make test-dates"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq faketime >/dev/null; \
	  else echo "faketime is missing: run 'sudo apt-get install faketime'" >&2; exit 1; fi; \
	fi

## Benchmarks are never part of `make test`.
bench: bench-validate bench-ingest

bench-validate: install
	$(BIN)/python -m benchmarks.validate

## Deposit -> MISE_A_DISPOSITION throughput (SQLite eager, PostgreSQL + 1 and 2 workers on Redis) and
## peak memory of a 1 GB flow; needs PostgreSQL and Redis (FACTURIER_BENCH_PG, FACTURIER_BENCH_REDIS).
## BENCH_ARGS=--quick for a smoke run.
bench-ingest: install
	$(BIN)/python -m benchmarks.ingest $(BENCH_ARGS)

messages: install
	cd facturier && ../$(BIN)/facturier makemessages -l en --ignore 'einvoice/*' && ../$(BIN)/facturier compilemessages

clean:
	rm -rf $(VENV) var test-artifacts
