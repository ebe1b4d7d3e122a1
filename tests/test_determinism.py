"""Determinism: a chapter executed twice in fresh kernels gives identical claim values.

Seeded experiments must not depend on global generator state, thread scheduling or the
order cells ran in. ``make test`` runs this on the cheap chapters below; ``make bench``
compares two executions of every chapter (``scripts/claim_values.py``).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHEAP_CHAPTERS = [
    "notebooks/essays/exponential_learning_rates.ipynb",
    "notebooks/essays/causal_partial_models.ipynb",
    "notebooks/essays/theorem_proving.ipynb",
]


def claim_values_module():
    spec = importlib.util.spec_from_file_location("claim_values", ROOT / "scripts/claim_values.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("notebook", CHEAP_CHAPTERS)
def test_two_executions_give_identical_claim_values(notebook: str) -> None:
    claim_values = claim_values_module()
    first, _ = claim_values.execute(ROOT / notebook)
    second, _ = claim_values.execute(ROOT / notebook)
    assert first, f"{notebook} displayed no claim results"
    assert not [r for r in first if "error" in r], f"{notebook} raised: {first}"
    assert claim_values.differences({notebook: first}, {notebook: second}) == []


def test_differences_name_the_claim_that_moved() -> None:
    claim_values = claim_values_module()
    a = {"nb": [{"cell": 3, "claim": "c", "measured": 1.0, "passed": True}]}
    b = {"nb": [{"cell": 3, "claim": "c", "measured": 1.5, "passed": True}]}
    (line,) = claim_values.differences(a, b)
    assert "nb cell 3: c" in line and "1.0 -> 1.5" in line
    assert claim_values.differences(a, a) == []
    assert claim_values.differences(a, {}) == ["nb: only in the first run"]
