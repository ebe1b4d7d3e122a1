"""Unit tests of unsup.chapters.exponential_learning_rates (the chapter's helpers)."""

import numpy as np
import pytest

from unsup.chapters import exponential_learning_rates as ch


def test_finite_difference_grad_matches_closed_form():
    w = np.array([[0.3, -1.1], [2.0, 0.5]])
    assert np.allclose(ch.finite_difference_grad(w), ch.LOSS.grad(w), rtol=1e-6, atol=1e-9)
    with pytest.raises(ValueError):
        ch.finite_difference_grad(w, h=0.0)


def test_finite_difference_grad_detects_a_wrong_gradient():
    w = np.array([[0.3, -1.1]])
    assert not np.allclose(ch.finite_difference_grad(w), 1.01 * ch.LOSS.grad(w), rtol=1e-6)


def test_gradient_identities_is_repeatable_and_seed_dependent():
    a, b, c = ch.gradient_identities(0, 200), ch.gradient_identities(0, 200), ch.gradient_identities(1, 200)
    assert a == b
    assert a != c
    assert set(a) == {"fd_relative_error", "orthogonality", "scaling_tolerance_used",
                      "norm_relative_error"}


def test_jittered_starts_are_close_and_distinct():
    starts = ch.jittered_starts(3, 4)
    assert starts.shape == (4, 2)
    assert np.allclose(starts, ch.START, rtol=1e-7)
    assert len({tuple(s) for s in starts}) == 4
    assert np.array_equal(starts, ch.jittered_starts(3, 4))


def test_schedule_gaps_exact_small_off_by_one_large():
    assert ch.schedule_gaps(ch.START, ch.WILD, 5).max() < 1e-12
    assert ch.schedule_gaps(ch.START, ch.WILD, 5, offset=0)[1] > 1e-3
    assert ch.schedule_gaps(ch.START, ch.WILD, 5).shape == (6,)


def test_horizon_ratio_prediction():
    # 80-bit: 64-bit mantissa, float64: 53 bits; the ratio of log(gap / u) is above 1.
    u64, u80 = 2.0**-53, 2.0**-64
    expected = np.log(1e-3 / u80) / np.log(1e-3 / u64)
    assert ch.horizon_ratio_prediction() == pytest.approx(expected, rel=1e-12)
    assert ch.horizon_ratio_prediction(1e-6) > ch.horizon_ratio_prediction(1e-3)


def test_rounding_gaps_seed_zero_is_the_essay_start():
    # Seed 0 must equal a direct computation from the essay's start.
    direct = ch.schedule_gaps(np.asarray(ch.START), ch.WILD, 50).max()
    assert ch.rounding_gaps(0)["wild_gap_50"] == direct
