"""book/_ext/site_fixes.py: duplicate scripts, widget state and the theme mode."""

from __future__ import annotations

import sys
from pathlib import Path

from sphinx.builders.html._assets import _JavaScript

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "book" / "_ext"))

import site_fixes  # noqa: E402


def test_identical_scripts_are_kept_once_in_order():
    scripts = [
        _JavaScript(None, body="const A = 1"),
        _JavaScript("_static/a.js", priority=500),
        _JavaScript("", body="const A = 1"),  # the same inline script, registered again
        _JavaScript("_static/a.js", priority=500),
        _JavaScript("_static/b.js", priority=500, **{"async": "async"}),
        _JavaScript("_static/b.js", priority=500),  # different attributes: a different tag
    ]
    context = {"script_files": scripts}
    site_fixes.fix_page_context(None, "page", "page.html", context, None)
    assert [(s.filename, s.attributes) for s in context["script_files"]] == [
        (None, {"body": "const A = 1"}),
        ("_static/a.js", {}),
        ("_static/b.js", {"async": "async"}),
        ("_static/b.js", {}),
    ]
    assert context["script_files"] is scripts  # edited in place, as Sphinx renders it


def test_widget_state_is_left_out():
    state = _JavaScript(None, type=site_fixes.WIDGET_STATE, body='{"state": {}}')
    context = {"script_files": [state, _JavaScript("_static/a.js")]}
    site_fixes.fix_page_context(None, "page", "page.html", context, None)
    assert [s.filename for s in context["script_files"]] == ["_static/a.js"]


def test_theme_mode_defaults_to_auto_but_is_not_overridden():
    for context in ({}, {"default_mode": ""}):
        site_fixes.fix_page_context(None, "page", "page.html", context, None)
        assert context["default_mode"] == "auto"
    chosen = {"default_mode": "dark"}
    site_fixes.fix_page_context(None, "page", "page.html", chosen, None)
    assert chosen["default_mode"] == "dark"
