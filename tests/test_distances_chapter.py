"""Unit tests of the chapter module of 'Distances between distributions'."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import logsumexp
from scipy.stats import norm

from unsup import divergences as dv
from unsup.chapters import distances as ch
from unsup.figures.distances import kde_experiment, kde_seeds


def test_all_tests_enumerates_every_binary_function() -> None:
    tests = ch.all_tests(4)
    assert tests.shape == (16, 4)
    assert len({tuple(t) for t in tests}) == 16
    with pytest.raises(ValueError):
        ch.all_tests(0)


def test_random_pair_is_fixed_and_normalized() -> None:
    p, q = ch.random_pair()
    p2, q2 = ch.random_pair()
    assert np.array_equal(p, p2) and np.array_equal(q, q2)
    assert p.sum() == pytest.approx(1) and q.sum() == pytest.approx(1)
    assert not np.array_equal(p, q)


def test_smoothed_log_density_matches_the_mixture() -> None:
    x = np.linspace(-2, 2, 7)
    atoms = np.array([-1.0, 0.2, 1.5])
    for sigma in (0.5, 0.05):
        expected = logsumexp(norm.logpdf(x[:, None], atoms[None, :], sigma), axis=1) - np.log(3)
        np.testing.assert_allclose(ch.smoothed_log_density(x, atoms, sigma), expected, rtol=1e-12)
    with pytest.raises(ValueError):
        ch.smoothed_log_density(x, atoms, 0.0)


def test_block_mmd_with_one_block_is_the_library_estimate() -> None:
    rng = np.random.default_rng(0)
    xs, ys = rng.standard_normal(300), rng.standard_normal(300) + 0.5
    assert ch.block_mmd(xs, ys, 1.0, 1) == pytest.approx(dv.mmd(xs, ys, 1.0), rel=1e-12)
    with pytest.raises(ValueError):
        ch.block_mmd(xs, ys, 1.0, 0)


def test_exact_standard_errors_match_the_samples() -> None:
    rng = np.random.default_rng(1)
    # 5-D shift: the summands' sd over fresh samples equals the exact se times sqrt(n).
    mu = np.asarray(ch.SHIFT_MU)
    x = rng.standard_normal((200_000, mu.size))
    log_ratio = -x @ mu + mu @ mu / 2
    tv_terms = np.clip(1 - np.exp(-log_ratio), 0, None)
    n = ch.SHIFT_SAMPLES
    assert log_ratio.std() / np.sqrt(n) == pytest.approx(ch.shift_kl_se(), rel=0.01)
    assert tv_terms.std() / np.sqrt(n) == pytest.approx(ch.shift_tv_se(), rel=0.01)
    # 6-D covariance.
    v = ch.random_covariance()
    y = rng.standard_normal((200_000, v.shape[0]))
    quad = 0.5 * np.einsum("ij,jk,ik->i", y, np.linalg.inv(v) - np.eye(v.shape[0]), y)
    assert quad.std() / np.sqrt(ch.COVARIANCE_SAMPLES) == pytest.approx(ch.covariance_kl_se(), rel=0.02)
    # Log-likelihood of N(m, s^2) under N(0, 1), for one model of the grid.
    m, s = ch.MLE_MEANS[3], ch.MLE_SCALES[2]
    loglik = norm.logpdf(y[:, 0], m, s)
    assert loglik.std() / np.sqrt(ch.MLE_SAMPLES) == pytest.approx(ch.mle_loglik_se()[3, 2], rel=0.02)


def test_experiments_repeat_bit_for_bit() -> None:
    first = ch.ipm_claims.__wrapped__(3)
    assert ch.ipm_claims.__wrapped__(3) == first
    assert ch.sprt.__wrapped__(2).slope == ch.sprt.__wrapped__(2).slope
    assert ch.shift_monte_carlo.__wrapped__(1) == ch.shift_monte_carlo.__wrapped__(1)


def test_kde_seeds_are_distinct_and_seed_zero_keeps_the_explorer_draws() -> None:
    assert kde_seeds(0) == (1, 2)
    pairs = [kde_seeds(s) for s in range(20)]
    assert len({x for pair in pairs for x in pair}) == 40
    with pytest.raises(ValueError):
        kde_seeds(-1)
    train, test, _, _ = kde_experiment(0)
    assert train.size == 40 and test.size == 1000


def test_claim_functions_return_finite_numbers() -> None:
    for fn in (ch.guessing_claims, ch.sprt_claims, ch.shift_claims, ch.covariance_claims,
               ch.kde_claims):
        values = fn(0)
        assert values and all(np.isfinite(v) for v in values.values())
