"""After `make book`: every explorer on the built website shows its figure.

On the static site there is no kernel, so each `explore(...)` cell must carry the
explorer's default figure as an image. This walks the built HTML of every chapter,
finds the code cells that call `explore(`, and fails if one has no <img> output.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bs4 import BeautifulSoup

SITE = Path(__file__).resolve().parent.parent / "_build" / "html" / "notebooks"


def explorer_cells(page: Path) -> list[tuple[str, bool]]:
    """(source of the cell, whether its output holds an image) for each explore( cell."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    found = []
    for cell in soup.select("div.cell"):
        source = cell.select_one("div.cell_input")
        if source is None or "explore(" not in source.get_text():
            continue
        output = cell.select_one("div.cell_output")
        found.append((source.get_text().strip(), output is not None and output.find("img") is not None))
    return found


def main() -> int:
    pages = sorted(SITE.rglob("*.html"))
    if not pages:
        print(f"no chapter pages under {SITE}; run `make book` first", file=sys.stderr)
        return 1
    missing, total = [], 0
    for page in pages:
        for source, has_image in explorer_cells(page):
            total += 1
            if not has_image:
                missing.append(f"{page.relative_to(SITE)}: {source}")
    if missing:
        print("explorers without a static figure on the website:\n  " + "\n  ".join(missing), file=sys.stderr)
        return 1
    print(f"{total} explorers checked on {len(pages)} chapter pages: each shows its default figure")
    return 0


if __name__ == "__main__":
    sys.exit(main())
