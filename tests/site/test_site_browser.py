"""The built website, as a reader's browser shows it, with the network off.

Every HTML page of ``_build/html`` (discovered, so new chapters are covered) is
opened in Debian's headless Chromium. Every request that leaves the local server is
aborted and recorded. For every page:

- it loads, and no JavaScript error occurs (a console message about a request the
  suite blocked is the only one allowed, and there should be no such request at all);
- every image has a non-zero natural size;
- every internal link points to a file of the site, and its anchor exists there;
- every explorer cell shows its default figure;
- math is typeset by MathJax served from the site itself, and no raw ``$$``, ``\\(``
  or ``\\[`` is left in the text.

The same checks of math, images and requests run once more on every page opened
from disk (``file://``), as a reader who downloaded ``_build/html`` would.
"""

from __future__ import annotations

import functools
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from sitecheck import SITE, requires_site, site_browser, site_pages

pytestmark = requires_site
PAGES = site_pages()

WAIT_FOR_PAGE = """async () => {
  const images = [...document.images];
  images.forEach(img => { img.loading = "eager"; });
  await Promise.all(images.map(img => img.complete ? null : new Promise(done => {
    img.addEventListener("load", done); img.addEventListener("error", done);
  })));
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
}"""

COLLECT = """() => {
  const main = document.querySelector("main") || document.body || document.documentElement;
  const text = main.cloneNode(true);
  text.querySelectorAll("pre, code, .highlight, script, style, textarea, mjx-container, "
                        + "mjx-assistive-mml").forEach(n => n.remove());
  const mathJax = document.querySelector('script[src*="mathjax"]');
  const explorers = [...document.querySelectorAll("div.cell")]
    .filter(cell => (cell.querySelector(".cell_input") || {textContent: ""})
                      .textContent.includes("explore("))
    .map(cell => ({
      source: cell.querySelector(".cell_input").textContent.trim().slice(0, 80),
      shown: [...cell.querySelectorAll(".cell_output img")].some(img => img.naturalWidth > 0),
    }));
  return {
    title: document.title,
    images: [...document.images].map(img => ({src: img.currentSrc || img.src,
                                              width: img.naturalWidth,
                                              height: img.naturalHeight})),
    links: [...document.querySelectorAll("a[href]")].map(a => a.href),
    mathNodes: document.querySelectorAll(".math").length,
    untypeset: [...document.querySelectorAll(".math")]
      .filter(n => !n.querySelector("mjx-container") && n.tagName !== "MJX-CONTAINER")
      .map(n => n.textContent.slice(0, 60)),
    typeset: document.querySelectorAll("mjx-container").length,
    mathJaxSrc: mathJax ? mathJax.src : null,
    text: text.textContent,
    explorers: explorers,
  };
}"""


def visit(chromium, url: str, base: str) -> dict:
    """Open one page with the network off; what it shows and what went wrong."""
    from playwright.sync_api import Error as PlaywrightError  # only where the suite runs
    blocked: list[str] = []
    context = site_browser.offline_context(chromium, base, blocked)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
    page.on("console", lambda msg: errors.append(f"console: {msg.text}")
            if msg.type == "error" else None)
    failed_local: list[str] = []
    page.on("response", lambda r: failed_local.append(f"{r.status} {r.url}")
            if r.status >= 400 and site_browser.is_local(r.url, base) else None)
    try:
        response = page.goto(url, wait_until="load")
        for attempt in range(3):  # a page may redirect (index.html does) after it loads
            try:
                page.wait_for_load_state("load")
                page.evaluate(WAIT_FOR_PAGE)
                page.wait_for_timeout(100)  # let late console messages arrive
                data = page.evaluate(COLLECT)
                break
            except PlaywrightError:
                if attempt == 2:
                    raise
                page.wait_for_timeout(500)
        data["final_url"] = page.url
    finally:
        context.close()
    data["status"] = response.status if response is not None else None
    data["blocked"] = blocked
    data["failed_local"] = failed_local
    # The one allowed JavaScript error: the console line of a request the suite blocked.
    data["errors"] = [e for e in errors if "ERR_BLOCKED_BY_CLIENT" not in e]
    return data


@functools.lru_cache(maxsize=None)
def anchors_of(path: Path) -> frozenset[str]:
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    ids = {tag["id"] for tag in soup.find_all(id=True)}
    names = {tag["name"] for tag in soup.find_all("a", attrs={"name": True})}
    return frozenset(ids | names)


def broken_internal_links(links: list[str], base: str, site: Path) -> list[str]:
    """Links into the site whose file or anchor does not exist."""
    broken = []
    for link in sorted(set(links)):
        if not link.startswith(base):
            continue  # external (not reachable here) or mailto:/javascript:
        parts = urlsplit(link)
        relative = unquote(parts.path)[len(urlsplit(base).path):]
        target = site / (relative or "index.html")
        if relative.endswith("/") or target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            broken.append(f"{link}: no file {target.relative_to(site)}")
        elif parts.fragment and target.suffix == ".html":
            if unquote(parts.fragment) not in anchors_of(target):
                broken.append(f"{link}: no anchor #{parts.fragment}")
    return broken


@pytest.fixture(scope="module")
def served_pages(chromium, served, site):
    """Visit every page once over HTTP; the tests below read the results."""
    return {page: visit(chromium, served + page, served) for page in PAGES}


def test_the_site_has_pages():
    assert PAGES, f"no HTML pages under {SITE}"
    assert "book/intro.html" in PAGES and "book/claims-ledger.html" in PAGES


@pytest.mark.parametrize("page", PAGES)
def test_page_loads_without_errors(served_pages, page):
    data = served_pages[page]
    assert data["status"] == 200 and data["title"]
    assert data["errors"] == [], f"JavaScript errors on {page}"
    assert data["failed_local"] == [], f"missing files requested by {page}"


@pytest.mark.parametrize("page", PAGES)
def test_page_needs_no_network(served_pages, page):
    assert served_pages[page]["blocked"] == [], f"{page} reached for the network"


@pytest.mark.parametrize("page", PAGES)
def test_every_image_has_a_size(served_pages, page):
    empty = [img["src"][:120] for img in served_pages[page]["images"]
             if not (img["width"] > 0 and img["height"] > 0)]
    assert empty == [], f"images that did not load on {page}"


@pytest.mark.parametrize("page", PAGES)
def test_internal_links_and_anchors_resolve(served_pages, served, site, page):
    broken = broken_internal_links(served_pages[page]["links"], served, site)
    assert broken == [], f"broken links on {page}"


@pytest.mark.parametrize("page", PAGES)
def test_explorers_show_their_default_figure(served_pages, page):
    missing = [e["source"] for e in served_pages[page]["explorers"] if not e["shown"]]
    assert missing == [], f"explorer cells without a figure on {page}"


@pytest.mark.parametrize("page", PAGES)
def test_math_is_typeset_from_the_site(served_pages, served, page):
    data = served_pages[page]
    if data["mathNodes"]:
        assert data["mathJaxSrc"] and data["mathJaxSrc"].startswith(served), \
            f"MathJax on {page} is not served by the site: {data['mathJaxSrc']}"
        assert data["typeset"] > 0 and data["untypeset"] == [], \
            f"math left untypeset on {page}: {data['untypeset'][:5]}"
    for raw in ("$$", "\\(", "\\["):
        assert raw not in data["text"], \
            f"raw {raw!r} in the text of {page}: ...{_around(data['text'], raw)}..."


def _around(text: str, needle: str, width: int = 60) -> str:
    at = text.find(needle)
    return text[max(0, at - width): at + width]


def test_chapters_have_explorers_with_figures(served_pages):
    """Each chapter shows at least one explorer (the chapters' contract), with its figure."""
    chapters = [p for p in PAGES if p.startswith("notebooks/")]
    assert chapters
    for page in chapters:
        explorers = served_pages[page]["explorers"]
        assert explorers, f"{page} has no explore( cell"


# --- read from disk, as a downloaded copy ------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_page_reads_offline_from_disk(chromium, site, page):
    url = (site / page).resolve().as_uri()
    data = visit(chromium, url, "file://")
    assert data["blocked"] == [], f"{page} from disk reached for the network"
    assert data["errors"] == [], f"JavaScript errors on {page} opened from disk"
    assert all(img["width"] > 0 for img in data["images"]), f"images missing on {page}"
    if data["mathNodes"]:
        assert data["typeset"] > 0 and data["untypeset"] == [], f"math untypeset on {page}"
