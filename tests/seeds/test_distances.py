"""Multi-seed tests of the chapter 'Distances between distributions'.

Each test runs one of the chapter's Monte Carlo experiments for seeds 0 to 4 and applies
the notebook's rule to every claim on it, with room to spare (``assert_room``).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.stats import norm

from unsup import divergences as dv
from unsup.chapters import distances as ch
from unsup.density import memorizer_nll
from unsup.figures.distances import kde_experiment
from unsup.seeds import DEFAULT_SEEDS, assert_room

CHAPTER = "distances"


def test_guessing_game_accuracy_over_seeds(spreads) -> None:
    s = spreads(CHAPTER, ch.guessing_claims)
    p, q = ch.random_pair()
    standard_error = math.sqrt(0.25 / ch.GUESS_TRIALS)
    assert_room(s["accuracy"], 0.5 + 0.5 * dv.tv(p, q), atol=ch.SE_TOLERANCE * standard_error)


def test_sequential_test_stopping_times_over_seeds(spreads) -> None:
    s = spreads(CHAPTER, ch.sprt_claims)
    assert_room(s["wald_ratio_worst"], 1.0, atol=0.1)
    assert_room(s["wald_upper_ratio_min"], 1.0, relation=">=")
    assert_room(s["slope"], -1.0, atol=0.05)


def test_monte_carlo_kl_and_tv_of_a_shift_over_seeds(spreads) -> None:
    s = spreads(CHAPTER, ch.shift_claims)
    norm_mu = float(np.linalg.norm(ch.SHIFT_MU))
    assert_room(s["shift_kl"], norm_mu**2 / 2, atol=ch.SE_TOLERANCE * ch.shift_kl_se())
    assert_room(s["shift_tv"], 2 * norm.cdf(norm_mu / 2) - 1,
                atol=ch.SE_TOLERANCE * ch.shift_tv_se())


def test_monte_carlo_kl_of_a_covariance_over_seeds(spreads) -> None:
    s = spreads(CHAPTER, ch.covariance_claims)
    eigenvalues = np.linalg.eigvalsh(ch.random_covariance())
    half_formula = 0.5 * np.sum(1 / eigenvalues - 1 + np.log(eigenvalues))
    assert_room(s["covariance_kl"], half_formula, atol=ch.SE_TOLERANCE * ch.covariance_kl_se())


def test_kl_to_a_smoothed_discrete_distribution_over_seeds(spreads) -> None:
    s = spreads(CHAPTER, ch.smoothed_claims)
    assert_room(s["kl_min_step"], 0.0, relation=">")
    assert_room(s["limit_ratio"], 1.0, rtol=0.01)


def test_wasserstein_and_mmd_from_samples_over_seeds(spreads) -> None:
    s = spreads(CHAPTER, ch.ipm_claims)
    assert_room(s["w1"], ch.IPM_SHIFT, atol=0.05)
    assert_room(s["mmd2"], ch.mmd_closed_form(), atol=0.01)


def test_maximum_likelihood_is_minimum_kl_over_seeds(spreads) -> None:
    s = spreads(CHAPTER, ch.mle_claims)
    assert_room(s["worst_abs_z"], 0.0, atol=ch.SE_TOLERANCE)
    kl_grid, _ = ch.mle_grids(0)
    assert_room(s["argmax_loglik"], float(np.argmin(kl_grid)), atol=0)


def test_memorizer_and_kde_over_seeds(spreads) -> None:
    s = spreads(CHAPTER, ch.kde_claims)
    assert_room(s["memorizer_train_nll"], math.log(ch.KDE_N_TRAIN), rtol=1e-12)
    assert_room(s["train_nll_min_step"], 0.0, relation=">")
    assert_room(s["log10_test_excess_at_smallest"], math.log10(5), relation=">")
    assert_room(s["best_index_margin"], 0.0, relation=">")
    # The memorizer's infinite test NLL is no finite spread: check it for every seed.
    for seed in DEFAULT_SEEDS:
        train, test, _, _ = kde_experiment(seed)
        assert memorizer_nll(train, test) == math.inf
