"""Sphinx extension: small fixes to the built pages (no JavaScript errors, no dead weight).

- Some extensions register their inline configuration script once per build phase,
  so a page can carry the same ``<script>`` twice; for sphinx-thebe that is
  ``const THEBE_JS_URL = ...`` declared twice, a SyntaxError on every page. Identical
  scripts are kept once.
- myst-nb embeds the saved state of every ipywidget in a chapter page (for a widget
  manager that renders live widgets from it). This site shows each explorer's default
  figure as a PNG and loads no widget manager (``nb_ipywidgets_js: {}``), so the state,
  a copy of every explorer's figure as base64, is dead weight and is left out.
- pydata-sphinx-theme 0.17 draws a top bar with a second search field above
  sphinx-book-theme's layout; ``static/site-fixes.css`` hides it where the sidebar
  (which has the search field) is shown.
- pydata-sphinx-theme reads the template variable ``default_mode``; left empty, it
  logs "Got invalid theme mode" to the console on every page. It defaults to
  ``auto`` (follow the reader's system setting) here.

The browser suite (tests/site) fails on any such error, so a regression shows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def _script_key(script: Any) -> tuple:
    attributes = getattr(script, "attributes", {}) or {}
    # An inline script is registered with filename None or "": the same script either way.
    return (getattr(script, "filename", str(script)) or "", tuple(sorted(attributes.items())))


def fix_page_context(app: Sphinx, pagename: str, templatename: str, context: dict,
                     doctree: Any) -> None:
    if not context.get("default_mode"):
        context["default_mode"] = "auto"
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, kept = set(), []
    for script in scripts:
        key = _script_key(script)
        if (getattr(script, "attributes", None) or {}).get("type") == WIDGET_STATE:
            continue
        if key not in seen:
            seen.add(key)
            kept.append(script)
    scripts[:] = kept


def _add_css(app: Sphinx) -> None:
    static = str(Path(__file__).parent / "static")
    if static not in app.config.html_static_path:
        app.config.html_static_path.append(static)
    app.add_css_file("site-fixes.css")


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", _add_css)
    app.connect("html-page-context", fix_page_context, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
