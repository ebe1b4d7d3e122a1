"""Fixtures of the website tests: the built site, a local server, the browser."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sitecheck import SITE, site_browser  # noqa: E402


@pytest.fixture(scope="session")
def site() -> Path:
    if not (SITE / "index.html").exists():
        pytest.fail(f"no built site at {SITE}: run `make book` first")
    return SITE


@pytest.fixture(scope="session")
def served(site: Path):
    with site_browser.serve(site) as base:
        yield base


@pytest.fixture(scope="session")
def chromium():
    with site_browser.browser() as browser:
        yield browser
