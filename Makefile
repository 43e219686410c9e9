# The two commands a new user needs, first in README.md:
#   make run    create the venv, install, migrate, seed demo data and sweep it, then serve http://127.0.0.1:5000
#               with gunicorn and the scheduler beside it (Ctrl-C stops both)
#   make test   install test dependencies (Python and, as root, Debian packages) and run every test on
#               SQLite and on a throwaway PostgreSQL
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
RUN_ENV := RW_INSTANCE_PATH=$(CURDIR)/instance
DEMO_CONTRACTS ?= 2000

.PHONY: run test install install-dev system-packages lint bench-demo clean translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

system-packages:
	@bash scripts/system-packages.sh

run: install
	$(RUN_ENV) $(BIN)/recruitment-watch db upgrade
	$(RUN_ENV) $(BIN)/recruitment-watch demo --contracts $(DEMO_CONTRACTS)
	$(RUN_ENV) $(BIN)/recruitment-watch serve --bind 127.0.0.1:5000

test: system-packages install-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check recruitment_watch tests

# Time the 1M-contract demo load (docs/benchmarks.md).
bench-demo: install
	rm -f /tmp/rw-bench-demo.sqlite3*
	RW_DATABASE_URL=sqlite:////tmp/rw-bench-demo.sqlite3 $(RUN_ENV) $(BIN)/recruitment-watch demo --contracts 1000000

clean:
	rm -rf $(VENV) .pytest_cache build dist *.egg-info

# Re-extract the translatable strings and merge them into the five catalogues (ur, ar, bn, ne, hi), then compile.
# New strings arrive untranslated (tests/web/test_translations.py then fails until each catalogue has them).
translations: install-dev
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ --no-location --sort-output \
	  --project recruitment_watch --copyright-holder "recruitment_watch contributors" \
	  -o recruitment_watch/translations/messages.pot .
	$(BIN)/pybabel update -i recruitment_watch/translations/messages.pot -d recruitment_watch/translations \
	  --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d recruitment_watch/translations --statistics
