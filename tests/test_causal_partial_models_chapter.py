"""unsup.chapters.causal_partial_models: exact quantities, estimator helpers, experiments."""

from __future__ import annotations

import numpy as np
import pytest

from unsup.chapters import causal_partial_models as cpm
from unsup.figures.causal import PM_DATASETS, PM_FOLLOW_GRID, PM_MODEL, partial_model_sweep


@pytest.mark.parametrize("follow", [0.0, 0.05, 0.5, 0.8, 1.0])
def test_backdoor_value_is_the_true_value(follow):
    assert cpm.backdoor_value(follow) == pytest.approx(PM_MODEL.true_value(follow), abs=1e-12)


def test_predicted_is_sd_at_the_behaviour_policy_is_the_binomial_sd():
    # at pi~ = pi every weight is 1, so the estimate is a mean of n Bernoulli rewards
    v = PM_MODEL.true_value(PM_MODEL.behaviour_follow)
    n = 500
    assert cpm.predicted_is_sd(PM_MODEL.behaviour_follow, n) == pytest.approx(
        np.sqrt(v * (1 - v) / n))
    with pytest.raises(ValueError):
        cpm.predicted_is_sd(0.5, 0)


def test_predicted_is_sd_matches_simulated_weights():
    data = PM_MODEL.collect(400, 300, seed=11)
    estimates = PM_MODEL.importance_estimate(data, 0.3)
    assert estimates.std(ddof=1) == pytest.approx(cpm.predicted_is_sd(0.3, 400), rel=0.15)


def test_biases_and_z_scores():
    truth = np.array([0.5, 1.0])
    estimates = np.array([[0.4, 0.6, 0.5], [1.1, 1.3, 1.2]])
    np.testing.assert_allclose(cpm.biases(estimates, truth), [0.0, 0.2])
    se = 0.1 / np.sqrt(3)
    np.testing.assert_allclose(cpm.z_scores(estimates, truth), [0.0, 0.2 / se])
    with pytest.raises(ValueError):
        cpm.z_scores(np.ones((2, 1)), truth)


def test_grid_index():
    assert PM_FOLLOW_GRID[cpm.grid_index(0.8)] == 0.8
    assert cpm.grid_index(0.0) == 0
    assert cpm.grid_index(1.0) == len(PM_FOLLOW_GRID) - 1


def test_simulated_values_are_seeded():
    a = cpm.simulated_values(3)
    assert a.shape == (len(cpm.FOLLOWS),)
    np.testing.assert_array_equal(a, cpm.simulated_values(3))
    assert not np.array_equal(a, cpm.simulated_values(4))


def test_sweep_reads_the_explorers_sweep():
    out = cpm.sweep(0)
    s = partial_model_sweep(0)
    assert s["naive"].shape == (len(PM_FOLLOW_GRID), PM_DATASETS)
    i = cpm.grid_index(0.05)
    assert out["naive_bias_farthest"] == s["naive"][i].mean() - s["truth"][i]
    # the default seed of the explorer is the chapter's seed, and its cache is shared
    assert partial_model_sweep() is s
    assert all(np.isfinite(v) for v in out.values())
