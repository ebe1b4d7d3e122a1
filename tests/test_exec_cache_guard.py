"""The execution-cache guard clears Jupyter Book's cache when lib/ or requirements change."""

import importlib.util
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def guard(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("guard", REPO / "scripts" / "exec_cache_guard.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    shutil.copytree(REPO / "lib" / "unsup", tmp_path / "lib" / "unsup",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("requirements.txt", "pyproject.toml"):
        shutil.copy(REPO / name, tmp_path / name)
    monkeypatch.setattr(module, "ROOT", tmp_path)
    monkeypatch.setattr(module, "CACHE", tmp_path / "_build" / ".jupyter_cache")
    monkeypatch.setattr(module, "KEY_FILE", tmp_path / "_build" / ".jupyter_cache.fingerprint")
    return module


def make_cache(guard) -> None:
    guard.CACHE.mkdir(parents=True, exist_ok=True)
    (guard.CACHE / "entry").write_text("cached outputs")


def test_cache_survives_when_nothing_changed(guard):
    guard.main()
    make_cache(guard)
    guard.main()
    assert guard.CACHE.exists()


@pytest.mark.parametrize("changed", ["lib/unsup/divergences.py", "requirements.txt", "pyproject.toml"])
def test_cache_is_cleared_when_an_input_changes(guard, changed):
    guard.main()
    make_cache(guard)
    path = guard.ROOT / changed
    path.write_text(path.read_text() + "\n# edited\n")
    guard.main()
    assert not guard.CACHE.exists()


def test_new_module_in_lib_changes_the_fingerprint(guard):
    before = guard.fingerprint()
    (guard.ROOT / "lib" / "unsup" / "new_module.py").write_text("X = 1\n")
    assert guard.fingerprint() != before
