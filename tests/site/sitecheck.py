"""Helpers of the website tests: where the built site is, its pages, the browser."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import site_browser  # noqa: E402  (scripts/ is not a package)

SITE = Path(os.environ.get("UNSUP_SITE", site_browser.SITE))
# The browser suite needs a built site and Chromium; `make test-site` builds the site,
# installs Chromium and sets this. Without it those tests are skipped, so that
# `pytest tests` stays fast and runs anywhere.
SITE_TESTS = os.environ.get("UNSUP_SITE_TESTS") == "1"

requires_site = pytest.mark.skipif(
    not SITE_TESTS, reason="browser suite: run `make test-site` (sets UNSUP_SITE_TESTS=1)"
)


def site_pages() -> list[str]:
    """Every HTML page of the built site, relative to its root (discovered, not listed)."""
    if not SITE.is_dir():
        return []
    skip = ("_static", "_sources", "_images")
    return sorted(
        p.relative_to(SITE).as_posix()
        for p in SITE.rglob("*.html")
        if not p.relative_to(SITE).parts[0] in skip
    )
