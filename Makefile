# Luoshi — two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/luoshi
SCALE ?= district
# pytest-xdist workers for `make test`: one per core (at most 4; each has its own test database).
# TEST_WORKERS=0 runs in this process (needed for --pdb; recording query counts works either way).
TEST_WORKERS ?= auto
PYTEST_XDIST := -n $(TEST_WORKERS) --maxprocesses 4 --dist worksteal

.PHONY: vendor install pdf-deps system-deps run serve demo test test-sqlite test-postgres lint bench bench-tick mutation clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

# Install the Debian packages named in $$missing (when any), as root or through sudo.
APT_MISSING = if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO="sudo"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

# Debian packages the PDFs need (CJK fonts, pango), for `make run`; installed when missing.
pdf-deps:
	@missing=""; \
	fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing="$$missing fonts-noto-cjk"; \
	ldconfig -p 2>/dev/null | grep -q libpango-1.0 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	$(APT_MISSING)

# Besides those, the tests' browser (chromium) and PDF-to-image tool (poppler); installed when missing.
system-deps: pdf-deps
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	$(APT_MISSING)

run: install pdf-deps
	LUOSHI_DEBUG=1 $(PY) manage.py migrate --noinput -v0
	LUOSHI_DEBUG=1 $(PY) manage.py demo --if-empty
	@echo ""
	@echo "Luoshi 落实 — http://$(HOST):$(PORT)/"
	@LUOSHI_DEBUG=1 $(PY) manage.py demo --logins
	@# The job worker (large imports, the daily tick) runs beside the web server and stops with it.
	mkdir -p var; LUOSHI_DEBUG=1 $(PY) manage.py worker >var/worker.log 2>&1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	LUOSHI_DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check luoshi tests bench mutation
	$(BIN)/ruff format --check luoshi tests bench mutation
	$(BIN)/mypy luoshi

test: install system-deps lint
	$(PY) manage.py makemigrations --check --dry-run -v1
	@# When both databases run, the browser tests run on SQLite only, and the whole-district scenarios
	@# and the schema fuzz on PostgreSQL only (tests/conftest.py `_once_on`, tests/README.md "Speed").
	@if [ -n "$$CI" ] || [ -n "$$LUOSHI_TEST_POSTGRES" ]; then \
	  LUOSHI_BOTH_DATABASES=1 $(MAKE) test-sqlite && LUOSHI_BOTH_DATABASES=1 $(MAKE) test-postgres; \
	else $(MAKE) test-sqlite && echo "PostgreSQL run skipped (set LUOSHI_TEST_POSTGRES=1 or CI=1 to run it)"; fi

test-sqlite: install
	env -u DATABASE_URL LUOSHI_FAST_HASHER=1 LUOSHI_REQUIRE_BROWSER=1 $(BIN)/pytest $(PYTEST_XDIST)

# On PostgreSQL an unreachable server is a failure, not a skip.
test-postgres: install
	$(PY) -c "import psycopg,sys; psycopg.connect('$(PG_URL)'.rsplit('/',1)[0]+'/postgres', connect_timeout=5).close()" \
	  || { echo "PostgreSQL at $(PG_URL) is unreachable"; exit 1; }
	DATABASE_URL=$(PG_URL) LUOSHI_FAST_HASHER=1 LUOSHI_TEST_POSTGRES=1 LUOSHI_REQUIRE_BROWSER=1 $(BIN)/pytest $(PYTEST_XDIST)

bench: install
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/luoshi_bench} $(PY) bench/run.py --scale $(SCALE)

# The daily tick on a plan's day 1 and day 365 side by side (bench/tick_history.py).
bench-tick: install
	BENCH_DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/luoshi_bench} $(PY) bench/tick_history.py --scale $(SCALE) --history

# Mutation testing of the pure rules modules (minutes; not part of `make test`). The modules and their
# tests are listed under [tool.mutmut] in pyproject.toml, equivalent mutants in mutation/equivalents.txt.
MUTMUT_VERSION := 3.8.1
mutation: install
	$(PY) -m pip install -q --disable-pip-version-check mutmut==$(MUTMUT_VERSION)
	rm -rf mutants
	mkdir -p var; env -u DATABASE_URL $(BIN)/mutmut run >var/mutation.log 2>&1 || { tail -c 2000 var/mutation.log; exit 1; }
	$(PY) mutation/report.py

clean:
	rm -rf $(VENV) var mutants .pytest_cache .mypy_cache .ruff_cache

# Re-vendor the pinned front-end libraries (needs npm; the result is committed, so `make run` does not).
vendor:
	npm ci --no-audit --no-fund --ignore-scripts
	mkdir -p luoshi/web/static/vendor/{htmx,echarts,swagger-ui,axe}
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/htmx.org/LICENSE luoshi/web/static/vendor/htmx/
	cp node_modules/echarts/dist/echarts.min.js node_modules/echarts/LICENSE luoshi/web/static/vendor/echarts/
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css \
	   node_modules/swagger-ui-dist/LICENSE luoshi/web/static/vendor/swagger-ui/
	@# axe-core: only the browser tests inject it (tests/browser/test_axe_browser.py); no page loads it.
	cp node_modules/axe-core/axe.min.js node_modules/axe-core/LICENSE luoshi/web/static/vendor/axe/
