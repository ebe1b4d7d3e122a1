"""Invalidate Jupyter Book's execution cache when lib/ or the installed packages change.

The cache keys each notebook on its code cells only, so without this a change to
the package (or to a dependency) would leave stale outputs on the website.
The fingerprint covers every file under lib/, requirements.txt, pyproject.toml and
the list of installed distributions with their versions.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "_build" / ".jupyter_cache"
KEY_FILE = ROOT / "_build" / ".jupyter_cache.fingerprint"


def fingerprint() -> str:
    digest = hashlib.sha256()
    files = sorted(p for p in (ROOT / "lib").rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for path in [*files, ROOT / "requirements.txt", ROOT / "pyproject.toml"]:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    installed = sorted(f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions())
    digest.update("\n".join(installed).encode())
    return digest.hexdigest()


def main() -> None:
    new = fingerprint()
    old = KEY_FILE.read_text().strip() if KEY_FILE.exists() else None
    if old != new and CACHE.exists():
        shutil.rmtree(CACHE)
        print("lib/ or the installed packages changed: cleared the execution cache")
    KEY_FILE.parent.mkdir(parents=True, exist_ok=True)
    KEY_FILE.write_text(new + "\n")


if __name__ == "__main__":
    main()
