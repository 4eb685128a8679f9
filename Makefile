# Two commands for a newcomer: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PO_FILES := $(wildcard translations/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)

# The Nu HTML Checker for the browser tests, from the npm registry into a git-ignored cache.
VNU_VERSION := 26.9.27
VNU_JAR := .cache/vnu/vnu-jar-$(VNU_VERSION)/vnu.jar

.PHONY: run test test-fast test-clocks test-postgres lint dist browsers messages bench bench-scale clean

run: $(VENV)/.runtime $(MO_FILES)
	APP_ENV=$${APP_ENV:-development} $(PY) app.py

test: lint $(VENV)/.test $(MO_FILES) browsers $(VNU_JAR)
	VNU_JAR=$(VNU_JAR) $(PY) -m pytest $(PYTEST_ARGS)

# ruff's linter and formatter, configured in pyproject.toml: no finding, no file to reformat.
lint: $(VENV)/.test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Unit and route tests only, no browser and no build of the single file: quick feedback.
test-fast: $(VENV)/.test $(MO_FILES)
	$(PY) -m pytest -m "not browser and not dist" $(PYTEST_ARGS)

# The quick suite where Kuwait's day and UTC's differ: 00:30 on 1 March in Kuwait (21:30 UTC
# on 28 February 2027), and 23:59 on 31 December in Kuwait. The one clock (clock.py) starts
# there and runs on; CI runs this after `make test`.
test-clocks: $(VENV)/.test $(MO_FILES)
	TAMEEN_CLOCK=2027-02-28T21:30:00Z $(PY) -m pytest -m "not browser and not dist" $(PYTEST_ARGS)
	TAMEEN_CLOCK=2026-12-31T23:59:00+03:00 $(PY) -m pytest -m "not browser and not dist" $(PYTEST_ARGS)

# The tests that touch the database (routes, services, ops), again on PostgreSQL (CI does this after `make test`).
# TEST_DATABASE_URL=postgresql://user:password@host/database names a database the user may
# create schemas in; scripts/test-postgres starts a local one and prints its URL.
test-postgres: $(VENV)/.test $(MO_FILES)
	@test -n "$(TEST_DATABASE_URL)" || { echo "Set TEST_DATABASE_URL=postgresql://... (see scripts/test-postgres)"; exit 2; }
	TEST_DATABASE_URL="$(TEST_DATABASE_URL)" $(PY) -m pytest tests/routes tests/ops tests/unit/services -m "not browser and not dist" $(PYTEST_ARGS)

# The single file: dist/tameen.pyz (app, dependencies, templates, static, compiled translations).
dist: $(VENV)/.dist
	$(PY) scripts/build_dist.py --output dist/tameen.pyz

browsers:
	@bash scripts/ensure-chromium

$(VNU_JAR):
	@need=""; command -v java >/dev/null || need="default-jre-headless"; \
	command -v npm >/dev/null || need="$$need npm"; \
	if [ -n "$$need" ]; then \
	  echo "Installing$$need for the Nu HTML Checker..."; \
	  sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$need; \
	fi
	mkdir -p $(@D)
	cd $(@D) && npm pack --silent vnu-jar@$(VNU_VERSION) >/dev/null \
		&& tar -xzf vnu-jar-$(VNU_VERSION).tgz --strip-components=3 package/build/dist/vnu.jar \
		&& rm vnu-jar-$(VNU_VERSION).tgz

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dist: requirements-dist.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dist.txt
	touch $@

$(VENV)/.test: requirements-test.txt requirements-dist.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(VENV)/.runtime
	$(VENV)/bin/pybabel compile --statistics -i $< -o $@

# For developers: collect new strings into the catalogues after editing code or templates.
messages: $(VENV)/.runtime
	$(VENV)/bin/pybabel extract -F babel.cfg --no-location --sort-output -k _l -k lazy_gettext -o translations/messages.pot .
	$(VENV)/bin/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete

# Loopback only, fixed time, bounded clients; prints figures, fails on a missed target or
# any error. wrk (a C client, so the client leaves the CPU to the servers) from Debian.
bench: $(VENV)/.test $(MO_FILES)
	@command -v wrk >/dev/null || { echo "Installing Debian's wrk for the benchmarks..."; \
	  sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq wrk; }
	$(PY) bench/throughput.py
	$(PY) bench/load.py
	$(PY) bench/cache_memory.py

# National volume (issue 24): seeds N paid requests (1,000,000 unless BENCH_SCALE_ARGS says
# otherwise, e.g. "--requests 3000000"; PostgreSQL when DATABASE_URL names an empty one) and
# prints each page's p50/p95 and each command's time and peak memory. Figures, no target.
bench-scale: $(VENV)/.test $(MO_FILES)
	$(PY) bench/scale.py $(BENCH_SCALE_ARGS)

clean:
	rm -rf $(VENV) $(MO_FILES) .cache dist
