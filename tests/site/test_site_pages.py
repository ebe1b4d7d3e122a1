"""The built site's special pages and buttons: claims ledger, execution statistics,
launch buttons (Binder, Colab, Thebe) and the download of each chapter's notebook.

Chapters are discovered from the built site (every page built from a notebook), and
checked against ``_toc.yml`` so that a chapter missing from the site fails.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import nbformat
import pytest
import yaml
from bs4 import BeautifulSoup

from sitecheck import ROOT, SITE, requires_site

pytestmark = requires_site
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


def toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [chapter["file"] for chapter in part.get("chapters", [])]
    return [f.removesuffix(".ipynb").removesuffix(".md") for f in files]


def chapter_docnames() -> list[str]:
    """Docnames of the chapters: table-of-contents entries that are notebooks."""
    return [f for f in toc_files() if (ROOT / f"{f}.ipynb").exists()]


CHAPTERS = chapter_docnames()


@cache
def soup(page: str) -> BeautifulSoup:
    path = SITE / page
    if not path.exists():
        pytest.fail(f"{page} is not in the built site {SITE}")
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_every_toc_entry_is_built():
    missing = [f for f in toc_files() if not (SITE / f"{f}.html").exists()]
    assert missing == []
    assert CHAPTERS, "no chapter notebooks in _toc.yml"


# --- claims ledger ---------------------------------------------------------------------


def claim_rows_on_page(page: str) -> list[tuple[str, str]]:
    """(claim, result) of every row of the claim-check tables a chapter page shows."""
    rows = []
    for table in soup(page).select("table.claim-check"):
        for tr in table.find_all("tr")[1:]:
            cells = [td.get_text(strip=True) for td in tr.find_all("td")]
            rows.append((cells[0], cells[-1]))
    return rows


def ledger_sections() -> dict[str, list[list[str]]]:
    """Chapter page -> rows of its ledger table (cells as text)."""
    page = soup("book/claims-ledger.html")
    found = {}
    for section in page.select("section[id^=ledger-]"):
        link = section.select_one("p a.reference")
        target = (SITE / "book" / link["href"]).resolve().relative_to(SITE.resolve()).as_posix()
        table = section.select_one("table.ledger-claims")
        rows = [] if table is None else [
            [td.get_text(" ", strip=True) for td in tr.find_all("td")]
            for tr in table.select("tbody tr")
        ]
        found[target] = rows
    return found


def test_ledger_has_a_section_per_chapter():
    assert sorted(ledger_sections()) == sorted(f"{c}.html" for c in CHAPTERS)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_ledger_lists_every_claim_the_chapter_shows(chapter):
    shown = claim_rows_on_page(f"{chapter}.html")
    listed = ledger_sections()[f"{chapter}.html"]
    bad = [f"{row[1]}: {row[2]} (in {row[3]})" for row in listed if row[1] != "pass"]
    assert bad == [], f"{chapter}: claim checks that failed or whose result is not shown"
    assert shown, f"{chapter} shows no claim check"
    assert [claim for claim, _ in shown] == [row[2] for row in listed]
    assert [result for _, result in shown] == [row[1] for row in listed]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_ledger_links_each_claim_to_its_section(chapter):
    section = next(s for s in soup("book/claims-ledger.html").select("section[id^=ledger-]")
                   if s.select_one("p a.reference")["href"].endswith(f"{chapter}.html"))
    links = [a["href"] for a in section.select("table.ledger-claims a.reference")]
    assert links and all(re.search(rf"{re.escape(Path(chapter).name)}\.html#\S+", h)
                         for h in links)


def test_ledger_totals_add_up():
    page = soup("book/claims-ledger.html")
    rows = [[td.get_text(strip=True) for td in tr.find_all("td")]
            for tr in page.select("table.ledger-totals tbody tr")]
    *sources, total = rows
    assert total[0] == "all sources"
    for column in range(1, 6):
        assert int(total[column]) == sum(int(r[column]) for r in sources)
    listed = sum(len(rows) for rows in ledger_sections().values())
    passed_on_pages = sum(result == "pass" for c in CHAPTERS
                          for _, result in claim_rows_on_page(f"{c}.html"))
    assert int(total[2]) == listed
    assert int(total[3]) == passed_on_pages
    summary = page.select_one("p.ledger-summary").get_text(" ", strip=True)
    assert summary.startswith(f"{listed} claim checks in {len(CHAPTERS)} chapter")
    for source in sources:
        assert re.fullmatch(r"\d{3}_[0-9a-f]+\.txt", source[0]), f"unknown source {source[0]}"


# --- execution statistics -------------------------------------------------------------


def test_execution_statistics_list_every_notebook_with_its_run_time():
    table = soup("book/execution-statistics.html").select_one("article table")
    header = [th.get_text(strip=True) for th in table.select("thead th")]
    rows = {}
    for tr in table.select("tbody tr"):
        cells = dict(zip(header, (td.get_text(strip=True) for td in tr.find_all("td"))))
        rows[cells["Document"]] = cells
    assert sorted(rows) == sorted(CHAPTERS)
    for docname, cells in rows.items():
        assert float(cells["Run Time (s)"]) > 0, docname
        assert cells["Status"] == "✅", docname


# --- launch and download buttons ------------------------------------------------------


def repository() -> tuple[str, str]:
    url = CONFIG["repository"]["url"].rstrip("/")
    return url.split("github.com/")[1], CONFIG["repository"].get("branch", "main")


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_launch_buttons_open_this_notebook(chapter):
    repo, branch = repository()
    page = soup(f"{chapter}.html")
    hrefs = [a["href"] for a in page.select(".dropdown-launch-buttons a")]
    binder = CONFIG["launch_buttons"]["binderhub_url"].rstrip("/")
    colab = CONFIG["launch_buttons"]["colab_url"].rstrip("/")
    assert f"{binder}/v2/gh/{repo}/{branch}?urlpath=lab/tree/{chapter}.ipynb" in hrefs
    assert f"{colab}/github/{repo}/blob/{branch}/{chapter}.ipynb" in hrefs
    assert (ROOT / f"{chapter}.ipynb").is_file()
    assert page.select_one(".dropdown-launch-buttons button.btn-launch-thebe") is not None
    thebe = page.select_one('script[type="text/x-thebe-config"]').get_text()
    assert f'repo: "{repo}"' in thebe and f'ref: "{branch}"' in thebe
    assert f'path: "./{Path(chapter).parent.as_posix()}"' in thebe


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_pages_carry_no_widget_state(chapter):
    """The static pages show PNGs; the saved widget state would be dead weight."""
    page = soup(f"{chapter}.html")
    assert page.select('script[type="application/vnd.jupyter.widget-state+json"]') == []
    assert page.select('script[src*="html-manager"], script[src*="require"]') == []


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_download_button_offers_the_notebook(chapter):
    link = soup(f"{chapter}.html").select_one(".dropdown-download-buttons a[href$='.ipynb']")
    assert link is not None, f"{chapter} offers no .ipynb download"
    target = (SITE / Path(chapter).parent / link["href"]).resolve()
    assert target == (SITE / "_sources" / f"{chapter}.ipynb").resolve()
    offered = nbformat.read(target, as_version=4)
    original = nbformat.read(ROOT / f"{chapter}.ipynb", as_version=4)
    assert [c.source for c in offered.cells] == [c.source for c in original.cells]
