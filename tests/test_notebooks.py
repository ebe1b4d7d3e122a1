"""Notebook hygiene: stored clean, listed in the table of contents, titled, checked, explorable."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
TOC = ROOT / "_toc.yml"
NOTEBOOKS = sorted(
    p for p in (ROOT / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
)
NOTEBOOK_IDS = [p.relative_to(ROOT).as_posix() for p in NOTEBOOKS]

CHECK_CALL = re.compile(r"\bcheck\(")
EXPLORE_CALL = re.compile(r"\bexplore\(")


def toc_entries(node) -> list[str]:
    """Every ``file:`` (and the ``root:``) of the table of contents, at any depth."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("file", "root") and isinstance(value, str):
                found.append(value)
            else:
                found += toc_entries(value)
    elif isinstance(node, list):
        for item in node:
            found += toc_entries(item)
    return found


def without_extension(path: str) -> str:
    return re.sub(r"\.(ipynb|md)$", "", path)


TOC_ENTRIES = toc_entries(yaml.safe_load(TOC.read_text(encoding="utf-8")))


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def source(cell: dict) -> str:
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else text


def code_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


# --- helpers ------------------------------------------------------------------------------


def test_toc_entries_are_found_recursively():
    toc = {"root": "a", "parts": [{"chapters": [{"file": "b.md", "sections": [{"file": "c"}]}]}]}
    assert toc_entries(toc) == ["a", "b.md", "c"]
    assert without_extension("x/y.ipynb") == "x/y" and without_extension("x/y") == "x/y"


def test_toc_lists_the_exemplar_chapter():
    assert "notebooks/lecture/distances" in {without_extension(e) for e in TOC_ENTRIES}


def test_at_least_one_notebook_exists():
    assert NOTEBOOKS, "no notebooks found under notebooks/"


@pytest.mark.parametrize("entry", TOC_ENTRIES)
def test_toc_entry_exists(entry):
    stem = ROOT / without_extension(entry)
    candidates = [stem.with_name(stem.name + ext) for ext in (".md", ".ipynb")]
    assert any(c.is_file() for c in candidates), f"_toc.yml lists {entry}: no .md or .ipynb"


# --- every notebook -----------------------------------------------------------------------


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_notebook_is_stored_without_outputs(path):
    for i, cell in enumerate(code_cells(load(path))):
        assert cell.get("outputs") == [], f"code cell {i} has stored outputs"
        assert cell.get("execution_count") is None, f"code cell {i} has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_notebook_kernel_is_python3(path):
    assert load(path)["metadata"]["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_notebook_is_in_toc(path):
    entry = without_extension(path.relative_to(ROOT).as_posix())
    listed = {without_extension(e) for e in TOC_ENTRIES}
    assert entry in listed, f"{entry} is not listed in _toc.yml"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_notebook_has_a_title(path):
    markdown = [c for c in load(path)["cells"] if c["cell_type"] == "markdown"]
    assert markdown, "the notebook has no markdown cell"
    title = source(markdown[0]).lstrip("\n")
    assert title.startswith("# "), "the first markdown cell must open with '# Title'"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_notebook_checks_a_claim_and_has_an_explorer(path):
    code = "\n".join(source(c) for c in code_cells(load(path)))
    assert CHECK_CALL.search(code), "no claim check: call check(...) in a code cell"
    assert EXPLORE_CALL.search(code), "no explorer: call explore(...) in a code cell"


DIRECT_TQDM = re.compile(r"^\s*(from tqdm\b|import tqdm\b)", re.MULTILINE)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_progress_bars_come_from_the_package(path):
    """tqdm's notebook bar ignores TQDM_DISABLE, so a chapter importing it directly would
    leave a bar frozen at 0% on the website; unsup.progress.tqdm honours the variable."""
    code = "\n".join(source(c) for c in code_cells(load(path)))
    assert not DIRECT_TQDM.search(code), "import tqdm from unsup.progress, not from tqdm"


DISPLAYING_CALLS = {"check", "claim_table", "display"}


def last_statement_displays_claims(cell_source: str) -> bool:
    """True when the cell's last statement is a bare check(...)/claim_table(...)/display(...).

    A claim table that is not the cell's last expression is never shown, so the
    reader (and the claims ledger) would not see the result.
    """
    import ast

    body = ast.parse(cell_source).body
    if not body or not isinstance(body[-1], ast.Expr) or not isinstance(body[-1].value, ast.Call):
        return False
    func = body[-1].value.func
    return isinstance(func, ast.Name) and func.id in DISPLAYING_CALLS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_every_claim_cell_ends_by_showing_its_claims(path):
    hidden = [
        source(cell).splitlines()[0]
        for cell in code_cells(load(path))
        if CHECK_CALL.search(source(cell)) and not last_statement_displays_claims(source(cell))
    ]
    assert not hidden, f"claim checks that are not the cell's last expression: {hidden}"
