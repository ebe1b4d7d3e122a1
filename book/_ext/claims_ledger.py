"""Sphinx extension: the claims ledger, generated from the executed notebooks.

Every displayed claim check (``unsup.claims.check`` / ``claim_table``) carries a
machine-readable record under the mime type ``application/vnd.unsup.claims+json``.
myst-nb keeps every mime type of every output in the parsed doctree of a notebook
(it picks one per output only when it writes the page). The ``{claims-ledger}``
directive reads the records from those doctrees and renders: totals per source
document, then one table per chapter with each claim,
the section where it is checked (linked), predicted and measured values, the rule
and the result.

Nothing is typed by hand, and gaps show up:

- a code cell that calls ``check(`` / ``claim_table(`` but whose outputs carry no
  record (its result was never displayed, or the cell did not run) is listed as
  **missing**;
- a cell that raised ``ClaimFailed`` is listed as **FAIL** with the message;
- a record whose ``passed`` is false is listed as **FAIL**.

The ledger page is read after every other document (``env-before-read-docs``) and
on every build (``env-get-outdated``), so it always reflects this build.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

MIME_TYPE = "application/vnd.unsup.claims+json"
DOCUMENT = re.compile(r"\*\*Document:\*\*\s*`([^`]+)`")
CHECK_CALL = re.compile(r"(?:(?<![\w.])|(?<=claims\.))(?:check|claim_table)\s*\(")
FAILED = re.compile(
    r"\[FAIL\] (?P<claim>.*): predicted (?P<predicted>\S+), measured (?P<measured>.+?), "
    r"rule (?P<rule>.*)$",
    re.S,
)
UNKNOWN_SOURCE = "(no source named)"

logger = logging.getLogger(__name__)


# --- reading executed notebooks (pure functions, unit-tested in tests/site) ------------


@dataclass
class Row:
    """One line of the ledger: a claim check, a failed one, or a missing one."""

    claim: str
    status: str  # "pass", "FAIL" or "missing"
    cell_index: int
    predicted: str = ""
    measured: str = ""
    rule: str = ""
    count: int = 1
    reference: str | None = None  # the claim's own source, if check(..., source=) named one


@dataclass
class Chapter:
    docname: str
    source: str
    rows: list[Row] = field(default_factory=list)

    def tally(self) -> dict[str, int]:
        counts = {"pass": 0, "FAIL": 0, "missing": 0}
        for row in self.rows:
            counts[row.status] += 1
        return counts


@dataclass
class Cell:
    """What the ledger needs from one executed code cell."""

    index: int
    source: str
    records: list[dict] = field(default_factory=list)  # claim records among its outputs
    errors: list[str] = field(default_factory=list)  # "ClaimFailed: ..." lines of tracebacks


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _record(value: Any) -> dict:
    return json.loads(value) if isinstance(value, str) else value


def fmt(value: Any) -> str:
    """A recorded number as the claim tables show it (4 significant digits)."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    return f"{float(value):.4g}"


def source_document(notebook: dict) -> str:
    """The source file named in the "Source" note of the first markdown cell."""
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "markdown":
            match = DOCUMENT.search(_text(cell.get("source", "")))
            return match.group(1) if match else UNKNOWN_SOURCE
    return UNKNOWN_SOURCE


def cells_of_notebook(notebook: dict) -> list[Cell]:
    """The code cells of an executed notebook (nbformat dict), with their claim outputs."""
    cells = []
    for index, cell in enumerate(notebook.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        found = Cell(index, _text(cell.get("source", "")))
        for output in cell.get("outputs", []):
            if MIME_TYPE in output.get("data", {}):
                found.records.append(_record(output["data"][MIME_TYPE]))
            elif output.get("output_type") == "error" and output.get("ename") == "ClaimFailed":
                found.errors.append(f"ClaimFailed: {output.get('evalue', '')}")
        cells.append(found)
    return cells


def cell_rows(cell: Cell) -> list[Row]:
    """The ledger rows of one code cell."""
    rows: list[Row] = []
    for record in cell.records:
        for r in record.get("results", []):
            rows.append(Row(
                claim=r["claim"], status="pass" if r["passed"] else "FAIL",
                cell_index=cell.index, predicted=fmt(r["predicted"]), measured=fmt(r["measured"]),
                rule=r.get("rule", ""), count=int(r.get("count", 1)), reference=r.get("source"),
            ))
    for error in cell.errors:
        message = error.split("ClaimFailed: ", 1)[-1].strip()
        match = FAILED.match(message)
        parts = match.groupdict() if match else {"claim": message, "predicted": "",
                                                 "measured": "", "rule": ""}
        rows.append(Row(status="FAIL", cell_index=cell.index, **parts))
    if not rows and CHECK_CALL.search(cell.source):
        first_line = cell.source.strip().splitlines()[0]
        rows.append(Row(claim=f"no result shown by the cell starting with: {first_line[:80]}",
                        status="missing", cell_index=cell.index))
    return rows


def read_chapter(docname: str, source: str, cells: list[Cell]) -> Chapter:
    """Every ledger row of one executed notebook, in cell order."""
    return Chapter(docname, source, [row for cell in cells for row in cell_rows(cell)])


def totals_by_source(chapters: list[Chapter]) -> dict[str, dict[str, int]]:
    """Per source document: chapters, checks, passed, failed, missing."""
    table: dict[str, dict[str, int]] = {}
    for chapter in chapters:
        line = table.setdefault(chapter.source, {"chapters": 0, "checks": 0, "pass": 0,
                                                 "FAIL": 0, "missing": 0})
        line["chapters"] += 1
        for status, n in chapter.tally().items():
            line[status] += n
            line["checks"] += n
    return dict(sorted(table.items()))


# --- the directive -------------------------------------------------------------------


def _para(*children: nodes.Node | str) -> nodes.paragraph:
    para = nodes.paragraph()
    for child in children:
        para += nodes.Text(child) if isinstance(child, str) else child
    return para


def _table(header: list[str], rows: list[list[Any]], classes: list[str]) -> nodes.table:
    table = nodes.table(classes=classes)
    # Show claims exactly as the notebooks state them ("..." stays three dots).
    table["support_smartquotes"] = False
    group = nodes.tgroup(cols=len(header))
    table += group
    for _ in header:
        group += nodes.colspec(colwidth=1)
    head = nodes.thead()
    group += head
    row = nodes.row()
    for text in header:
        row += nodes.entry("", _para(text))
    head += row
    body = nodes.tbody()
    group += body
    for cells in rows:
        row = nodes.row()
        for cell in cells:
            entry = cell if isinstance(cell, nodes.entry) else nodes.entry("", _para(cell))
            row += entry
        body += row
    return table


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _status_entry(status: str) -> nodes.entry:
    return nodes.entry("", _para(nodes.strong(text=status)), classes=[f"ledger-{status.lower()}"])


def notebook_docnames(app: Sphinx) -> list[str]:
    """Notebook documents of the book, in table-of-contents order."""
    env = app.env
    order: list[str] = []
    site_map = getattr(env, "external_site_map", None)
    if site_map is not None:
        stack = [site_map.root.docname]
        while stack:
            docname = stack.pop(0)
            if docname in order or docname not in site_map:
                continue
            order.append(docname)
            children = [str(i) for sub in site_map[docname].subtrees for i in sub.items]
            stack = [c for c in children if c in site_map] + stack
    order += sorted(d for d in env.found_docs if d not in order)
    return [d for d in order if d in env.found_docs and env.doc2path(d).endswith(".ipynb")]


def cells_of_doctree(doctree: nodes.document) -> tuple[list[Cell], dict[int, tuple[str, str]]]:
    """Code cells of a notebook's doctree (as myst-nb parsed it, every mime type still
    present), and for each cell index the (title, id) of the section holding it."""
    cells, sections = [], {}
    for node in doctree.findall(nodes.container):
        if node.get("nb_element") != "cell_code" or node.get("cell_index") is None:
            continue
        cell = Cell(int(node["cell_index"]), "")
        for part in node.findall(nodes.container):
            if part.get("nb_element") == "cell_code_source":
                cell.source = part.astext()
            elif part.get("mime_type") == MIME_TYPE:
                cell.records.append(_record(part.astext()))
        for block in node.findall(nodes.literal_block):
            if "traceback" in block["classes"]:
                cell.errors += [line for line in block.astext().splitlines()
                                if line.startswith("ClaimFailed: ")]
        cells.append(cell)
        parent = node.parent
        while parent is not None and not isinstance(parent, nodes.section):
            parent = parent.parent
        if parent is not None and parent["ids"]:
            sections[cell.index] = (parent[0].astext(), parent["ids"][0])
    return cells, sections


class ClaimsLedger(SphinxDirective):
    """Render the ledger of every claim check in the book."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        env = self.env
        chapters: list[Chapter] = []
        self.sections: dict[str, dict[int, tuple[str, str]]] = {}
        for docname in notebook_docnames(env.app):
            notebook = json.loads(Path(env.doc2path(docname)).read_text(encoding="utf-8"))
            cells, self.sections[docname] = cells_of_doctree(env.get_doctree(docname))
            chapters.append(read_chapter(docname, source_document(notebook), cells))

        result: list[nodes.Node] = []
        all_rows = [row for ch in chapters for row in ch.rows]
        n_fail = sum(r.status == "FAIL" for r in all_rows)
        n_missing = sum(r.status == "missing" for r in all_rows)
        n_sources = len(totals_by_source(chapters))
        summary = _para(
            nodes.strong(text=_count(len(all_rows), "claim check")),
            f" in {_count(len(chapters), 'chapter')} from {_count(n_sources, 'source document')}: "
            f"{len(all_rows) - n_fail - n_missing} passed, {n_fail} failed, {n_missing} missing.",
        )
        summary["classes"].append("ledger-summary")
        result.append(summary)

        totals = totals_by_source(chapters)
        rows = [[src, str(t["chapters"]), str(t["checks"]), str(t["pass"]), str(t["FAIL"]),
                 str(t["missing"])] for src, t in totals.items()]
        rows.append(["all sources", str(len(chapters)), str(len(all_rows)),
                     str(len(all_rows) - n_fail - n_missing), str(n_fail), str(n_missing)])
        result.append(_table(["source document", "chapters", "claim checks", "passed", "failed",
                              "missing"], rows, ["ledger-totals"]))

        for chapter in chapters:
            result.append(self._chapter_section(chapter))
        return result

    def _chapter_section(self, chapter: Chapter) -> nodes.section:
        app, env = self.env.app, self.env
        page = app.builder.get_relative_uri(self.env.docname, chapter.docname)
        known = chapter.docname in env.titles
        title = env.titles[chapter.docname].astext() if known else chapter.docname
        section = nodes.section(ids=[f"ledger-{nodes.make_id(chapter.docname)}"])
        section += nodes.title(text=title)
        tally = chapter.tally()
        section += _para(
            "Source document ", nodes.literal(text=chapter.source), "; chapter ",
            nodes.reference(text=title, refuri=page),
            f": {_count(len(chapter.rows), 'claim check')}, {tally['pass']} passed, "
            f"{tally['FAIL']} failed, {tally['missing']} missing.",
        )
        sections = self.sections[chapter.docname]
        rows = []
        for number, row in enumerate(chapter.rows, start=1):
            name, anchor = sections.get(row.cell_index, (title, ""))
            link = nodes.reference(text=name, refuri=f"{page}#{anchor}" if anchor else page)
            claim = _para(row.claim)
            if row.reference:
                claim += nodes.Text(f" ({row.reference})")
            measured = row.measured + (f" (worst of {row.count})" if row.count > 1 else "")
            rows.append([str(number), _status_entry(row.status), nodes.entry("", claim),
                         nodes.entry("", _para(link)), row.predicted, measured, row.rule])
        if rows:
            section += _table(["#", "result", "claim", "checked in", "predicted", "measured",
                               "rule"], rows, ["ledger-claims"])
        return section


# --- wiring --------------------------------------------------------------------------


def _ledger_docs(app: Sphinx) -> list[str]:
    return [d for d in app.env.found_docs if d.endswith("claims-ledger")]


def _read_last(app: Sphinx, env: Any, docnames: list[str]) -> None:
    """Read the ledger after every notebook, so their executed copies are current."""
    for docname in _ledger_docs(app):
        if docname in docnames:
            docnames.remove(docname)
            docnames.append(docname)


def _always_outdated(app: Sphinx, env: Any, added: set, changed: set, removed: set) -> list[str]:
    return _ledger_docs(app)


def _add_static(app: Sphinx) -> None:
    static = str(Path(__file__).parent / "static")
    if static not in app.config.html_static_path:
        app.config.html_static_path.append(static)
    app.add_css_file("claims-ledger.css")


def _keep_claim_records() -> None:
    """Teach myst-nb the claims mime type: keep the record as JSON text in the doctree.

    myst-nb renders every mime type of an output while parsing (and warns about one it
    does not know, which fails a --warningiserror build); the stored doctree keeps them
    all, which is where the ledger reads the records. When the page is written, myst-nb
    picks one mime type per output by priority (text/html here), so the record never
    shows in a chapter.
    """
    from myst_nb.core.render import NbElementRenderer

    original = NbElementRenderer.render_mime_type
    if getattr(original, "_skips_claims", False):
        return

    def render_mime_type(self: Any, data: Any) -> list:
        if data.mime_type == MIME_TYPE:
            content = data.content if isinstance(data.content, str) else json.dumps(data.content)
            return [nodes.literal_block(content, content, classes=["claims-record"])]
        return original(self, data)

    render_mime_type._skips_claims = True  # type: ignore[attr-defined]
    NbElementRenderer.render_mime_type = render_mime_type


def setup(app: Sphinx) -> dict[str, Any]:
    _keep_claim_records()
    app.add_directive("claims-ledger", ClaimsLedger)
    app.connect("env-before-read-docs", _read_last)
    app.connect("env-get-outdated", _always_outdated)
    app.connect("builder-inited", _add_static)
    return {"version": "1.0", "parallel_read_safe": False, "parallel_write_safe": True}
