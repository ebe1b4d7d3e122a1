"""Open the built website in Debian's headless Chromium, with the network off.

Shared by the browser suite (tests/site) and scripts/screenshots.py:

- :func:`serve` serves ``_build/html`` on 127.0.0.1 (a free port) from a thread;
- :func:`browser` starts the system Chromium through Playwright (no browser
  download: Playwright only drives the executable that apt installed) with a fresh
  profile and the flags that keep it from reaching for the network;
- :func:`offline_context` opens a browser context in which every request that does
  not go to the local server is aborted and recorded, so a page that needs the
  network shows it.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]
# The Debian wrapper /usr/bin/chromium only adds flags from /etc/chromium.d; the real
# executable is the one under /usr/lib.
CANDIDATES = ["/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser"]


def chromium_path() -> str | None:
    """The system Chromium: $CHROMIUM if set, else Debian's package."""
    if os.environ.get("CHROMIUM"):
        return os.environ["CHROMIUM"]
    for candidate in CANDIDATES:
        if os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("chromium")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(site: Path = SITE) -> Iterator[str]:
    """Serve ``site`` on 127.0.0.1; yields the base URL (ending in '/')."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextlib.contextmanager
def browser() -> Iterator[object]:
    """A headless system Chromium driven by Playwright.

    Playwright gives every launch a fresh temporary profile (its own --user-data-dir),
    so no state or first-run network traffic carries over between runs.
    """
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    if executable is None:
        raise RuntimeError("no Chromium found: `make test-site` installs Debian's chromium "
                           "(apt-get install chromium), or set $CHROMIUM")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True,
                                              args=CHROMIUM_FLAGS)
        try:
            yield chromium
        finally:
            chromium.close()


def is_local(url: str, base: str) -> bool:
    """Whether a request stays on this machine (the local server, a file, inline data)."""
    scheme = urlsplit(url).scheme
    if scheme in ("data", "blob", "file", "about"):
        return True
    return url.startswith(base)


def offline_context(chromium: object, base: str, blocked: list[str], **options: object) -> object:
    """A browser context with the network off: requests beyond ``base`` are aborted
    and appended to ``blocked``."""
    context = chromium.new_context(**options)  # type: ignore[attr-defined]

    def route(request_route: object) -> None:
        url = request_route.request.url  # type: ignore[attr-defined]
        if is_local(url, base):
            request_route.continue_()  # type: ignore[attr-defined]
        else:
            blocked.append(url)
            request_route.abort("blockedbyclient")  # type: ignore[attr-defined]

    context.route("**/*", route)
    return context
