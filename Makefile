# Two commands for a newcomer: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PO_FILES := $(wildcard translations/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: run test test-fast browsers messages bench clean

run: $(VENV)/.runtime $(MO_FILES)
	APP_ENV=$${APP_ENV:-development} $(PY) app.py

test: $(VENV)/.test $(MO_FILES) browsers
	$(PY) -m pytest $(PYTEST_ARGS)

# Unit and route tests only, no browser: quick feedback while coding.
test-fast: $(VENV)/.test $(MO_FILES)
	$(PY) -m pytest -m "not browser" $(PYTEST_ARGS)

browsers:
	@bash scripts/ensure-chromium

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.test: requirements-test.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(VENV)/.runtime
	$(VENV)/bin/pybabel compile --statistics -i $< -o $@

# For developers: collect new strings into the catalogues after editing code or templates.
messages: $(VENV)/.runtime
	$(VENV)/bin/pybabel extract -F babel.cfg --no-location --sort-output -k _l -k lazy_gettext -o translations/messages.pot .
	$(VENV)/bin/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete

bench: $(VENV)/.test $(MO_FILES)
	$(PY) bench/quote.py

clean:
	rm -rf $(VENV) $(MO_FILES)
