"""unsup.chapters.beta_vae_infomax, the quantities the claims of its chapter are about.

These tests use made-up sweep tables (no training); tests/seeds/test_beta_vae_infomax.py runs
the real experiments over seeds.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from unsup.chapters import beta_vae_infomax as chapter

BETAS = np.array([0.25, 0.5, 1.0, 2.0, 4.0, 8.0])
N = 576


def table(rng: np.random.Generator | None = None, split_error: float = 0.0) -> dict:
    """A plausible sweep: information and KL fall with beta, the KL split off by split_error."""
    rng = rng or np.random.default_rng(0)
    mi = np.linspace(6.0, 0.6, 6) + 0.01 * rng.standard_normal(6)
    akl = np.array([6.6, 3.8, 1.6, 0.5, 0.14, 0.06])
    return {
        "beta": BETAS.copy(),
        "reconstruction": np.linspace(-20.0, -43.0, 6),
        "KL": mi + akl - split_error,
        "I(X;Z)": mi,
        "I(X;Z) se": np.full(6, 0.03),
        "KL(q(z)||p(z))": akl,
        "KL(q(z)||p(z)) se": np.full(6, 0.04),
        "MIG": np.array([0.05, 0.06, 0.03, 0.12, 0.20, 0.11]),
    }


def test_split_residual_is_zero_when_the_identity_holds_and_scales_with_the_error() -> None:
    assert chapter.split_residual_z(4.0, 0.03, 1.5, 0.04, 5.5) == pytest.approx(0.0)
    # residual 0.1 nats over a standard error of hypot(0.03, 0.04) = 0.05
    assert chapter.split_residual_z(4.0, 0.03, 1.6, 0.04, 5.5) == pytest.approx(2.0)
    assert chapter.split_residual_z(4.0, 0.03, 1.4, 0.04, 5.5) == pytest.approx(-2.0)


def test_split_residual_rejects_a_zero_standard_error() -> None:
    with pytest.raises(ValueError, match="standard errors"):
        chapter.split_residual_z(4.0, 0.0, 1.5, 0.0, 5.5)


@given(st.floats(-0.5, 0.5), st.integers(0, 2**32 - 1))
def test_infomax_slack_is_the_barber_agakov_gap_scaled_plus_the_split_residual(
        error: float, seed: int) -> None:
    """Eq. (eq-bvae-beta): (1+l) L_beta - [InfoMax + (1+l) H(X)] = (1+l) BA gap - residual,
    where the residual KL(q(z)||p) + I - E KL is that of the KL split (zero when it holds)."""
    t = table(np.random.default_rng(seed), split_error=error)
    c = chapter.sweep_checks(t, N)
    lam = 1 / BETAS - 1
    residual = t["KL(q(z)||p(z))"] - t["KL"] + t["I(X;Z)"]
    np.testing.assert_allclose(c["infomax_slack"],
                               (1 + lam) * c["barber_agakov_gap"] - residual, atol=1e-9)
    np.testing.assert_allclose(c["split_abs_z"], abs(error) / 0.05, atol=1e-9)


def test_sweep_checks_on_a_made_up_table() -> None:
    t = table()
    c = chapter.sweep_checks(t, N)
    np.testing.assert_allclose(c["mi_steps"], np.diff(t["I(X;Z)"]))
    np.testing.assert_allclose(c["aggregate_kl_steps"], [-2.8, -2.2, -1.1, -0.36])  # beta <= 4
    np.testing.assert_allclose(c["aggregate_kl_last_step"], [-0.08])
    np.testing.assert_allclose(c["barber_agakov_gap"],
                               t["I(X;Z)"] - math.log(N) - t["reconstruction"])
    np.testing.assert_allclose(c["info_fraction"], t["I(X;Z)"] / math.log(N))
    np.testing.assert_array_equal(c["mig_below_1"], [0.05, 0.06])
    np.testing.assert_array_equal(c["mig_above_1"], [0.12, 0.20, 0.11])


def test_sweep_quantities_report_the_worst_case_of_each_check() -> None:
    t = table()
    t["I(X;Z)"][3] = t["I(X;Z)"][2] + 0.2  # one step up: the worst step is positive
    t["KL"] = t["I(X;Z)"] + t["KL(q(z)||p(z))"]
    q = chapter.sweep_quantities(chapter.sweep_checks(t, N))
    assert q["mi_largest_step"] == pytest.approx(0.2)
    assert q["aggregate_kl_largest_step"] == pytest.approx(-0.36)
    assert q["split_max_abs_z"] == pytest.approx(0.0, abs=1e-9)
    assert q["info_fraction_smallest_beta"] == pytest.approx(t["I(X;Z)"][0] / math.log(N))
    assert (q["mig_best_below_1"], q["mig_best_above_1"]) == (0.06, 0.20)
    assert q["mig_best_gap"] == pytest.approx(0.14)
    gap = t["I(X;Z)"] - math.log(N) - t["reconstruction"]
    assert q["barber_agakov_min_gap"] == pytest.approx(gap.min())


def test_sweep_checks_need_increasing_beta() -> None:
    t = table()
    t["beta"] = t["beta"][::-1]
    with pytest.raises(ValueError, match="beta must increase"):
        chapter.sweep_checks(t, N)
