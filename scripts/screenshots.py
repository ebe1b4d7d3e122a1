"""Screenshots of the built website at desktop and phone widths, for the README.

    python scripts/screenshots.py [--chapter notebooks/lecture/distances] [--out DIR]

Opens the introduction and one chapter (by default the first chapter in _toc.yml,
scrolled to its first explorer) in headless Chromium with the network off, and
writes ``intro-desktop.png``, ``intro-phone.png``, ``chapter-desktop.png`` and
``chapter-phone.png`` into ``book/images/screenshots``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

import site_browser  # noqa: E402

OUT = site_browser.ROOT / "book" / "images" / "screenshots"
SIZES = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}
READY = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
}"""
TO_FIRST_EXPLORER = """() => {
  const cell = [...document.querySelectorAll("div.cell")].find(
    c => (c.querySelector(".cell_input") || {textContent: ""}).textContent.includes("explore("));
  if (cell) { window.scrollTo(0, cell.getBoundingClientRect().top + window.scrollY - 80); }
}"""


def first_chapter() -> str:
    toc = yaml.safe_load((site_browser.ROOT / "_toc.yml").read_text(encoding="utf-8"))
    for part in toc.get("parts", []):
        for chapter in part.get("chapters", []):
            name = chapter["file"].removesuffix(".ipynb")
            if (site_browser.ROOT / f"{name}.ipynb").exists():
                return name
    raise SystemExit("no chapter notebook in _toc.yml")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chapter", default=None, help="docname of the chapter to show")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    chapter = args.chapter or first_chapter()
    if not (site_browser.SITE / "index.html").exists():
        print("no built site: run `make book` first", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    with site_browser.serve() as base, site_browser.browser() as chromium:
        for size, options in SIZES.items():
            blocked: list[str] = []
            context = site_browser.offline_context(chromium, base, blocked, **options)
            page = context.new_page()
            for name, docname, scroll in (("intro", "book/intro", False),
                                          ("chapter", chapter, True)):
                page.goto(f"{base}{docname}.html", wait_until="load")
                page.evaluate(READY)
                if scroll:
                    page.evaluate(TO_FIRST_EXPLORER)
                page.wait_for_timeout(300)
                path = args.out / f"{name}-{size}.png"
                page.screenshot(path=str(path))
                print(f"wrote {path.relative_to(site_browser.ROOT)}")
            context.close()
            if blocked:
                print(f"blocked requests: {blocked}", file=sys.stderr)
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
