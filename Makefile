# Commands a maintainer uses. Every target sets up .venv from requirements.txt first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.requirements-installed
export PYDEVD_DISABLE_FILE_VALIDATION := 1
# Debian's Chromium for the browser suite (Playwright drives it; it downloads no browser).
CHROMIUM_PACKAGES := chromium fonts-dejavu-core fonts-liberation
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: setup book test test-lib test-notebooks test-seeds test-site browser screenshots lab bench clean

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

## make book: execute the notebooks (with the execution cache) and build _build/html
book: setup
	$(BIN)/python scripts/exec_cache_guard.py
	TQDM_DISABLE=1 $(BIN)/jupyter-book build . --warningiserror --keep-going
	$(BIN)/python scripts/check_site.py
	@echo "The website is in $(CURDIR)/_build/html (open _build/html/index.html)"

## make test: package tests (with the claims-ledger and widget round-trip tests),
## then every notebook end to end under nbval
test: test-lib test-notebooks

test-lib: setup
	$(BIN)/python -m pytest tests

test-notebooks: setup
	$(BIN)/python -m pytest --nbval-lax notebooks

## make test-site: build the website, then open every page in headless Chromium with
## the network off (tests/site); installs Debian's chromium first if it is missing
test-site: browser book
	UNSUP_SITE_TESTS=1 $(BIN)/python -m pytest tests/site/test_site_browser.py tests/site/test_site_pages.py

## make browser: Debian's chromium, installed once (quietly; skipped when present)
browser:
	@if [ -x /usr/lib/chromium/chromium ] || command -v chromium >/dev/null 2>&1; then \
	  true; \
	else \
	  echo "installing Debian's chromium for the browser suite"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(CHROMIUM_PACKAGES) >/dev/null; \
	fi

## make screenshots: the introduction and one chapter at desktop and phone widths
screenshots: browser book
	$(BIN)/python scripts/screenshots.py

## make lab: JupyterLab on the notebooks, with live sliders (ipywidgets front end)
lab: setup
	$(BIN)/jupyter lab notebooks

## make bench: notebook times, slider latencies, package speed against scipy/torch
bench: setup
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf _build .pytest_cache .hypothesis

## make test-seeds: every trained or sampled claim over five seeds (tests/seeds), checking
## that its rule holds for every seed with room to spare and that the spreads the chapters
## quote (lib/unsup/spreads/) are current; UNSUP_UPDATE_SPREADS=1 rewrites them
test-seeds: setup
	$(BIN)/python -m pytest -m seeds -n auto --durations=0 tests/seeds
