# Two commands for a new user: `make run` and `make test`. Everything else is set up on the way.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

# Django 6 needs Python 3.12 or newer: take the first suitable interpreter on PATH or under pyenv.
PYTHON_CANDIDATES := python3.14 python3.13 python3.12 python3 \
	$(shell ls -d $(HOME)/.pyenv/versions/3.1[2-9]*/bin/python3 /usr/local/bin/python3.1[2-9] \
	  /usr/bin/python3.1[2-9] 2>/dev/null | sort -rV)
FIND_PYTHON = for p in $(PYTHON_CANDIDATES); do \
	  if command -v "$$p" >/dev/null 2>&1 && "$$p" -c 'import sys, venv; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; \
	  then command -v "$$p"; break; fi; done

.PHONY: help run test test-e2e lint format security bandit pip-audit api-fuzz bench demo clean

help:
	@echo "make run    set up, seed the demo board and serve http://127.0.0.1:8000"
	@echo "             (two-factor sign-in off; make run TWO_FACTOR=on to try it with an authenticator app)"
	@echo "make test   set up and run the whole test suite"
	@echo "make lint   ruff check and format check"
	@echo "make security  bandit (no medium or high finding) and pip-audit (no known vulnerability)"
	@echo "make api-fuzz  serve the demo and fuzz the API with schemathesis"
	@echo "make bench  run the benchmarks"

$(STAMP):
	@if [ ! -x $(BIN)/python ]; then \
	  py="$$($(FIND_PYTHON))"; \
	  if [ -z "$$py" ]; then \
	    echo "Casereview needs Python 3.12 or newer, and none was found (tried: $(PYTHON_CANDIDATES))." >&2; \
	    echo "Install Python 3.12 or newer (for example with pyenv), then run this command again." >&2; \
	    exit 1; \
	  fi; \
	  echo "Creating $(VENV) with $$py"; \
	  "$$py" -m venv $(VENV); \
	fi
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

var:
	@mkdir -p var

# The demo signs in with a password alone; `make run TWO_FACTOR=on` asks for an authenticator app as production does.
TWO_FACTOR ?= off

# The task worker (large chronology imports) runs beside the server; Ctrl-C or the server stopping stops it too.
run: $(STAMP) | var
	$(BIN)/casereview migrate --noinput
	CASEREVIEW_TWO_FACTOR=$(TWO_FACTOR) $(BIN)/casereview demo --if-empty
	@$(BIN)/casereview db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM; \
	CASEREVIEW_TWO_FACTOR=$(TWO_FACTOR) $(BIN)/casereview runserver 127.0.0.1:8000

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# pip-audit checks the installed environment against PyPI's advisories; --strict fails when a package could not
# be checked (for example when the vulnerability service is unreachable) instead of passing with nothing audited.
security: bandit pip-audit

bandit: $(STAMP)
	$(BIN)/bandit -r casereview scripts --quiet --severity-level medium

pip-audit: $(STAMP)
	$(BIN)/pip-audit --local --skip-editable --strict --vulnerability-service pypi --progress-spinner off

api-fuzz: $(STAMP)
	$(BIN)/python scripts/api_fuzz.py $(FUZZ_ARGS)

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP)
	@for script in benchmarks/*.py; do echo "== $$script"; $(BIN)/python "$$script" || exit 1; done

clean:
	rm -rf $(VENV) var/*.sqlite3
