"""Unit tests of unsup.chapters.theorem_proving and the chapter's search runs."""

from __future__ import annotations

import numpy as np
import pytest

from unsup import search as se
from unsup.chapters import theorem_proving as ch
from unsup.figures.search import DEPTHS, N_TARGETS, WEIGHTS, search_grid, search_runs


def test_attempt_target_is_a_depth_three_theorem_with_an_exact_rate():
    target = ch.attempt_target()
    assert target in se.levels(3, ch.MAX_LEN)[3]
    p, standard_error = ch.exact_success()
    assert 0 < p < 1
    assert standard_error == pytest.approx(np.sqrt(p * (1 - p) / ch.ATTEMPTS))


def test_sampling_claims_are_repeatable_and_depend_on_the_seed():
    first = ch.sampling_claims.__wrapped__(3)
    assert first == ch.sampling_claims.__wrapped__(3)
    assert first != ch.sampling_claims.__wrapped__(4)
    assert list(first) == ["success_rate"] and 0 <= first["success_rate"] <= 1


def test_search_runs_cover_every_depth_and_weight():
    expanded, length = search_runs(0)
    assert len(expanded) == len(length) == len(DEPTHS)
    for d, e, n in zip(DEPTHS, expanded, length):
        level = len(se.levels(d, 20)[d])
        assert e.shape == n.shape == (len(WEIGHTS), min(N_TARGETS, level))
        assert (n >= d).all()  # no proof is shorter than the shortest one
    means, lengths = search_grid(0)
    assert means.shape == lengths.shape == (len(DEPTHS), len(WEIGHTS))
    assert means[-1, 0] == pytest.approx(expanded[-1][0].mean())


def test_search_claims_keys_and_ranges():
    out = ch.search_claims(0)
    assert list(out) == [f"expanded_ratio_d{d}" for d in ch.CLAIM_DEPTHS] + [
        "bfs_length_error", "longer_fraction_w3"]
    assert out["bfs_length_error"] == 0.0
    assert all(0 < out[f"expanded_ratio_d{d}"] for d in ch.CLAIM_DEPTHS)
    assert 0 <= out["longer_fraction_w3"] <= 1
