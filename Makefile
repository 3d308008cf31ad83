# workteam: the two commands of the README's quick start are `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
DEMO_HOME ?= demo-home

.PHONY: demo test lint bench system-deps venv clean

## demo: set everything up, fill a demo county (once) and open the app on it
demo: venv
	@if [ ! -f "$(DEMO_HOME)/workteam.sqlite3" ]; then $(BIN)/workteam demo --home "$(DEMO_HOME)"; fi
	$(BIN)/workteam --home "$(DEMO_HOME)"

## test: set everything up and run the whole test suite (lint, layering contracts, tests)
test: venv
	$(BIN)/ruff check src tests
	$(BIN)/lint-imports
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

## bench: run the benchmarks (not part of `make test`; results go in BENCHMARKS.md)
bench: venv
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest tests/bench -p no:cacheprovider -s -o addopts=""

system-deps:
	bash packaging/system-deps.sh

venv: system-deps $(STAMP)

$(STAMP):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[test]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache
