"""unsup.chapters.markov_factorizations: the chapter's sampled experiments and helpers."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import kstwo

from unsup.causal.mechanisms import factors
from unsup.chapters import markov_factorizations as mf
from unsup.figures.causal import FACTOR_NAMES, factor_shift


def test_random_joint_is_a_seeded_distribution():
    joint = mf.random_joint(3)
    assert joint.shape == mf.JOINT_SHAPE
    assert joint.min() > 0 and joint.sum() == pytest.approx(1.0)
    np.testing.assert_array_equal(joint, mf.random_joint(3))
    assert not np.array_equal(joint, mf.random_joint(4))


def test_chain_rule_orders_of_a_generic_joint():
    out = mf.chain_rule_orders(0)
    _, by_order = mf.joint_orders(0)
    assert len(by_order) == math.factorial(len(mf.JOINT_NAMES))
    assert out["fewest_edges"] == 6
    assert 0 <= out["worst_joint_error"] < 1e-14


def test_transfer_curves_shapes_and_repeatability():
    curves = mf.transfer_curves(2)
    assert list(curves) == list(FACTOR_NAMES)
    assert all(v.shape == (len(mf.SIZES),) and (v > 0).all() for v in curves.values())
    mf.transfer_curves.cache_clear()
    again = mf.transfer_curves(2)
    for k in curves:
        np.testing.assert_array_equal(curves[k], again[k])


def test_transfer_reads_the_curves():
    curves, out = mf.transfer_curves(1), mf.transfer(1)
    causal, anticausal = curves["p(T|A)"], curves["p(A|T)"]
    assert out["causal_ratio"] == causal[-1] / causal[0]
    assert out["largest_ratio"] == anticausal[-1] / causal[-1]
    assert out["worst_ratio"] == min(anticausal / causal)


def test_fitted_marginal_p_a_is_limited_by_the_shift():
    # with 64k pairs, p(A) fitted in country 1 is about as far from country 2's as country
    # 1's true p(A) is
    curves = mf.transfer_curves(0)
    shift = factor_shift(mf.AWAY_MEAN_ALTITUDE)["p(A)"]
    assert curves["p(A)"][-1] == pytest.approx(shift, rel=0.05)


def test_away_factors_are_country_twos():
    away = mf.away_factors()
    assert away["p(A)"].argmax() in (3, 4)
    joint = away["p(A)"][:, None] * away["p(T|A)"]
    np.testing.assert_allclose(factors(joint)["p(A|T)"], away["p(A|T)"])


def test_gaussian_counterfactuals_keep_or_flip_the_residual():
    s = mf.gaussian_sem_samples(0, n=500)
    assert all(v.shape == (500,) for v in s.values())
    np.testing.assert_allclose(s["cf_a"] - s["x_new"], s["y_a"] - s["x"])
    np.testing.assert_allclose(s["cf_b"] - s["x_new"], -(s["y_b"] - s["x"]))
    assert (np.sign(s["x_new"]) == -np.sign(s["x"])).all()


def test_ks_critical_matches_the_kolmogorov_tail():
    assert mf.ks_critical(1500, 1e-3) == pytest.approx(1.95 * math.sqrt(2 / 1500), rel=1e-3)
    # two samples of size n: the statistic scaled by sqrt(n/2) is Kolmogorov-distributed
    n = mf.N_KS
    exact = kstwo.isf(mf.KS_LEVEL, n // 2)
    assert mf.ks_critical(n) == pytest.approx(exact, rel=0.02)
    with pytest.raises(ValueError):
        mf.ks_critical(100, 0.0)


def test_ks_check_can_fail_on_different_laws():
    from scipy.stats import ks_2samp

    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((2, mf.N_KS))
    assert ks_2samp(a, 1.1 * b).statistic > mf.ks_critical()
    assert mf.gaussian_sems(0)["ks_statistic"] < mf.ks_critical()
