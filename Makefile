# One-command entry points. Everything lands in .venv; nothing is installed system-wide.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: demo test install dev lint typecheck check bench clean help

help:
	@echo "make demo       install, migrate, seed ~2,000 clients and serve on http://127.0.0.1:8000"
	@echo "make test       install dev dependencies and run the whole test suite"
	@echo "make check      ruff + mypy (strict) + tests"
	@echo "make bench      run the benchmarks in bench/"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || { echo "python3 -m venv failed: install python3-venv (Debian/Ubuntu: apt-get install python3-venv)"; exit 1; }
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install -q -e ".[dev]"
	@touch $@

install: $(VENV)/.installed

dev: $(VENV)/.installed-dev

demo: install
	$(BIN)/iwlz demo

test: dev
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

lint: dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: dev
	$(BIN)/mypy

check: lint typecheck test

bench: dev
	$(BIN)/python bench/ir_query.py
	$(BIN)/python bench/authz.py
	$(BIN)/python bench/notify.py --db sqlite
	$(BIN)/python bench/bemiddeling.py --db sqlite --bemiddelingen 300000 --reuse
	$(BIN)/python bench/keten.py
	$(BIN)/python bench/signalen.py --db sqlite
	$(BIN)/python bench/berichten.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis
