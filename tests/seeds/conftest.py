"""Multi-seed tests: every claim on a trained or sampled result, over several seeds.

Each test runs a chapter's experiment for every seed in ``unsup.seeds.DEFAULT_SEEDS``,
checks with :func:`unsup.seeds.assert_room` that the chapter's rule holds for every seed
with room to spare, and compares the spread with the one stored for the chapter to quote
(``lib/unsup/spreads/<chapter>.json``). ``UNSUP_UPDATE_SPREADS=1`` rewrites the stored
spreads instead. Every test here is marked ``seeds``: ``make test-seeds`` runs them.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping

import pytest

from unsup.seeds import DEFAULT_SEEDS, Spread, load_spreads, measure_over_seeds, save_spreads


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/seeds/" in item.nodeid or item.nodeid.startswith("seeds/"):
            item.add_marker(pytest.mark.seeds)


def consistent(stored: Spread, fresh: Spread) -> bool:
    """Whether two measurements over the same seeds agree.

    On one machine they are identical. On another processor a trained value moves within
    its seed distribution, so the means must agree within three standard errors of their
    difference, sd * sqrt(2 / n), with the larger of the two sds.
    """
    if stored.seeds != fresh.seeds:
        return False
    if stored.values == fresh.values:
        return True
    sd = max(stored.sd, fresh.sd)
    return abs(stored.mean - fresh.mean) <= 3 * sd * math.sqrt(2 / fresh.n) + 1e-12


@pytest.fixture
def spreads() -> Callable[[str, Callable[[int], Mapping[str, float]]], dict[str, Spread]]:
    """``spreads(chapter, experiment)``: measure over seeds, then check or store them."""

    def measure(chapter: str, experiment: Callable[[int], Mapping[str, float]]) -> dict[str, Spread]:
        fresh = measure_over_seeds(experiment, DEFAULT_SEEDS)
        if os.environ.get("UNSUP_UPDATE_SPREADS") == "1":
            save_spreads(chapter, fresh)
            return fresh
        stored = load_spreads(chapter)
        for key, spread in fresh.items():
            assert key in stored, f"{chapter}: no stored spread {key!r} (UNSUP_UPDATE_SPREADS=1)"
            assert consistent(stored[key], spread), (
                f"{chapter}: {key} measured {spread}, stored {stored[key]}; "
                "rerun with UNSUP_UPDATE_SPREADS=1 if the experiment changed"
            )
        return fresh

    return measure
