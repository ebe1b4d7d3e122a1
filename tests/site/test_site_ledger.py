"""The claims ledger extension (book/_ext/claims_ledger.py): reading records out of
executed notebooks, spotting failed and missing checks, totals, and a real Sphinx
build of a small book whose notebook passes, fails and forgets to show its checks.

These tests need no built site and no browser; they run with `make test`.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from IPython.core.formatters import DisplayFormatter

from unsup.claims import MIME_TYPE, ClaimFailed, check, claim_table

EXT = Path(__file__).resolve().parents[2] / "book" / "_ext"
sys.path.insert(0, str(EXT))

import claims_ledger as ledger  # noqa: E402


def display_output(obj) -> nbformat.NotebookNode:
    """The execute_result IPython would store for ``obj``."""
    data, metadata = DisplayFormatter().format(obj)
    return nbformat.v4.new_output("execute_result", data=data, metadata=metadata,
                                  execution_count=1)


def failed_output(claim: str) -> nbformat.NotebookNode:
    with pytest.raises(ClaimFailed) as info:
        check(claim, 1.0, 3.0, atol=0.5)
    message = str(info.value)
    return nbformat.v4.new_output(
        "error", ename="ClaimFailed", evalue=message,
        traceback=["Traceback (most recent call last)", f"ClaimFailed: {message}"],
    )


def code(source: str, *outputs) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    cell.outputs = list(outputs)
    return cell


def sample_notebook() -> nbformat.NotebookNode:
    passed = claim_table(check("one = one", 1.0, 1.0, atol=0),
                         check("KL is infinite", float("inf"), float("inf"), atol=0.1))
    single = check("sum <= 2", 2.0, [1.0, 1.5, 2.0], relation="<=", source="Paper, Thm 1")
    return nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell(
            "# A chapter\n\n```{admonition} Source\n**Document:** `004_abcdef.txt`, notes.\n```"),
        nbformat.v4.new_markdown_cell("## First section"),
        code("import numpy as np\nfrom unsup.claims import check, claim_table"),
        code("claim_table(\n    check('one = one', 1, 1, atol=0), ...)", display_output(passed)),
        code("result = check('never shown', 1, 1, atol=0)"),
        nbformat.v4.new_markdown_cell("## Second section"),
        code("check('sum <= 2', 2, x, relation='<=')", display_output(single)),
        code("check('three is one', 1, 3, atol=0.5)", failed_output("three is one")),
        code("def my_check(x):\n    return x\nmy_check(2)"),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                "language": "python"}})


# --- pure functions ---------------------------------------------------------------------


def test_source_document_comes_from_the_source_note():
    assert ledger.source_document(sample_notebook()) == "004_abcdef.txt"
    no_note = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Title")])
    assert ledger.source_document(no_note) == ledger.UNKNOWN_SOURCE


def test_rows_pass_fail_and_missing_in_cell_order():
    chapter = ledger.read_chapter("ch", "004_abcdef.txt",
                                  ledger.cells_of_notebook(sample_notebook()))
    got = [(r.claim, r.status, r.cell_index) for r in chapter.rows]
    assert got == [
        ("one = one", "pass", 3),
        ("KL is infinite", "pass", 3),
        ("no result shown by the cell starting with: result = check('never shown', 1, 1, atol=0)",
         "missing", 4),
        ("sum <= 2", "pass", 6),
        ("three is one", "FAIL", 7),
    ]
    inf_row, bound_row, failed_row = chapter.rows[1], chapter.rows[3], chapter.rows[4]
    assert (inf_row.predicted, inf_row.measured) == ("inf", "inf")
    assert (bound_row.predicted, bound_row.measured, bound_row.count) == ("2", "2", 3)
    assert bound_row.reference == "Paper, Thm 1" and bound_row.rule == "measured <= predicted"
    assert (failed_row.predicted, failed_row.measured) == ("1", "3")
    assert failed_row.rule == "|measured − predicted| ≤ 0.5"
    assert chapter.tally() == {"pass": 3, "FAIL": 1, "missing": 1}


@pytest.mark.parametrize("source, calls", [
    ("check(1, 2)", True), ("claims.check('a', 1, 1, atol=0)", True),
    ("claim_table(*rows)", True), ("x = check (1)", True),
    ("my_check(1)", False), ("self.check(2)", False), ("recheck(3)", False),
    ("# nothing to see", False),
])
def test_which_cells_call_a_claim_check(source, calls):
    assert bool(ledger.CHECK_CALL.search(source)) is calls


def test_totals_by_source():
    a = ledger.Chapter("a", "001_x.txt", [ledger.Row("c", "pass", 0), ledger.Row("d", "FAIL", 1)])
    b = ledger.Chapter("b", "001_x.txt", [ledger.Row("e", "missing", 0)])
    c = ledger.Chapter("c", "000_y.txt", [ledger.Row("f", "pass", 0)])
    assert ledger.totals_by_source([a, b, c]) == {
        "000_y.txt": {"chapters": 1, "checks": 1, "pass": 1, "FAIL": 0, "missing": 0},
        "001_x.txt": {"chapters": 2, "checks": 3, "pass": 1, "FAIL": 1, "missing": 1},
    }


def test_records_stored_as_text_are_read_too():
    nb = nbformat.v4.new_notebook(cells=[code("check('a', 1, 1, atol=0)")])
    record = claim_table(check("a", 1.0, 1.0, atol=0))._repr_mimebundle_()[MIME_TYPE]
    import json

    nb.cells[0].outputs = [nbformat.v4.new_output("display_data",
                                                  data={MIME_TYPE: json.dumps(record)})]
    rows = ledger.cell_rows(ledger.cells_of_notebook(nb)[0])
    assert [(r.claim, r.status) for r in rows] == [("a", "pass")]


# --- a real Sphinx build ----------------------------------------------------------------


@pytest.fixture(scope="module")
def built_ledger(tmp_path_factory) -> BeautifulSoup:
    from sphinx.cmd.build import build_main

    src = tmp_path_factory.mktemp("book")
    out = src / "_build"
    (src / "conf.py").write_text(textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(EXT)!r})
        extensions = ["myst_nb", "claims_ledger"]
        nb_execution_mode = "off"
        exclude_patterns = ["_build"]
    """))
    (src / "index.md").write_text("# Book\n\n```{toctree}\nch\nclaims-ledger\n```\n")
    (src / "claims-ledger.md").write_text("# Claims ledger\n\n```{claims-ledger}\n```\n")
    nbformat.write(sample_notebook(), src / "ch.ipynb")
    status = build_main(["-b", "html", "-W", "-q", str(src), str(out)])
    assert status == 0, "the sample book did not build without warnings"
    page = BeautifulSoup((out / "claims-ledger.html").read_text(encoding="utf-8"), "html.parser")
    chapter = BeautifulSoup((out / "ch.html").read_text(encoding="utf-8"), "html.parser")
    return page, chapter


def test_build_lists_every_row_with_its_result(built_ledger):
    page, _ = built_ledger
    rows = [[td.get_text(" ", strip=True) for td in tr.find_all("td")]
            for tr in page.select("table.ledger-claims tbody tr")]
    assert [(r[2], r[1]) for r in rows] == [
        ("one = one", "pass"), ("KL is infinite", "pass"),
        ("no result shown by the cell starting with: result = check('never shown', 1, 1, atol=0)",
         "missing"),
        ("sum <= 2 (Paper, Thm 1)", "pass"), ("three is one", "FAIL"),
    ]
    assert [r[3] for r in rows] == ["First section"] * 3 + ["Second section"] * 2
    assert rows[3][5] == "2 (worst of 3)"
    summary = page.select_one("p.ledger-summary").get_text(" ", strip=True)
    assert summary == ("5 claim checks in 1 chapter from 1 source document: 3 passed, "
                       "1 failed, 1 missing.")
    totals = [[td.get_text(strip=True) for td in tr.find_all("td")]
              for tr in page.select("table.ledger-totals tbody tr")]
    assert totals == [["004_abcdef.txt", "1", "5", "3", "1", "1"],
                      ["all sources", "1", "5", "3", "1", "1"]]


def test_build_links_resolve_to_sections(built_ledger):
    page, chapter = built_ledger
    ids = {tag["id"] for tag in chapter.find_all(id=True)}
    links = [a["href"] for a in page.select("table.ledger-claims a.reference")]
    assert len(links) == 5
    for href in links:
        target, anchor = href.split("#")
        assert target == "ch.html" and anchor in ids


def test_build_keeps_records_out_of_the_chapter(built_ledger):
    _, chapter = built_ledger
    assert chapter.select("table.claim-check")  # the HTML view is shown
    assert "claims-record" not in str(chapter) and '"version": 1' not in chapter.get_text()
