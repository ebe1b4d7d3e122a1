# Commands a maintainer uses. Every target sets up .venv from requirements.txt first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.requirements-installed
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: setup book test test-lib test-notebooks lab bench clean

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

## make book: execute the notebooks (with the execution cache) and build _build/html
book: setup
	$(BIN)/python scripts/exec_cache_guard.py
	$(BIN)/jupyter-book build . --warningiserror --keep-going
	$(BIN)/python scripts/check_site.py
	@echo "The website is in $(CURDIR)/_build/html (open _build/html/index.html)"

## make test: package tests, then every notebook end to end under nbval
test: test-lib test-notebooks

test-lib: setup
	$(BIN)/python -m pytest tests

test-notebooks: setup
	$(BIN)/python -m pytest --nbval-lax notebooks

## make lab: JupyterLab on the notebooks
lab: setup
	$(BIN)/jupyter lab notebooks

## make bench: notebook times, slider latencies, package speed against scipy/torch
bench: setup
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf _build .pytest_cache .hypothesis
