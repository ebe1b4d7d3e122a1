"""unsup.chapters.rethinking_generalization: the per-seed experiments that need no training."""

from __future__ import annotations

import numpy as np
import pytest

from unsup import generalization as gen
from unsup.chapters import rethinking_generalization as rg


def test_chance_tolerance_is_binomial_standard_deviations():
    assert rg.chance_tolerance(900) == pytest.approx(5 * 0.3 / 30)
    assert rg.chance_tolerance(900, sds=2.0) == pytest.approx(2 * 0.01)
    # wider than one run's central 99.9% interval, which it replaces
    low, high = gen.binomial_interval(359, 0.1, level=0.999)
    assert rg.chance_tolerance(359) > max(0.1 - low, high - 0.1)
    for bad in ({"n_test": 0}, {"n_test": 10, "sds": 0.0}):
        with pytest.raises(ValueError):
            rg.chance_tolerance(**bad)


def test_mean_start_mse_averages_the_gd_limits():
    problem = gen.interpolation_problem(seed=2)
    starts = rg.random_starts(2)
    assert starts.shape == (rg.N_STARTS, 200)
    base, means = rg.mean_start_mse(2)
    w_dagger = gen.min_norm_solution(problem.phi_train, problem.y_train)
    assert base == pytest.approx(gen.mse(problem.phi_test, w_dagger, problem.y_test))
    s = rg.GD_SCALES[1]
    direct = np.mean([gen.mse(problem.phi_test, gen.gd_limit(problem.phi_train, problem.y_train,
                                                              s * g), problem.y_test)
                      for g in starts])
    assert means[1] == pytest.approx(direct, rel=1e-9)


def test_interpolant_candidates_interpolate_and_use_the_first_start():
    problem, candidates = rg.interpolant_candidates(1)
    for w in candidates.values():
        assert gen.mse(problem.phi_train, w, problem.y_train) < 1e-20
    g = rg.random_starts(1)[0]
    assert np.allclose(candidates["GD from w0 = 1 g"],
                       gen.gd_limit(problem.phi_train, problem.y_train, g))
    norms = {k: np.linalg.norm(w) for k, w in candidates.items()}
    assert min(norms, key=norms.get) == "minimum norm (GD from 0)"


def test_interpolants_depend_on_the_seed_and_repeat():
    a, b = rg.interpolants(3), rg.interpolants(4)
    assert a == rg.interpolants(3)
    assert a["log10_test_mse_ratio"] != b["log10_test_mse_ratio"]


def test_memorizer_means_at_no_corruption_is_the_clean_accuracy():
    means, expected = rg.memorizer_means(0)
    assert means[0] == pytest.approx(expected[0], abs=1e-15)  # no label changes at p = 0
    assert expected[-1] == pytest.approx(0.1)
    with pytest.raises(ValueError):
        means[0] = 0.0  # cached arrays are read-only
    assert rg.memorizer(1)["largest_deviation"] < 0.05


def test_sliver_accuracies_obey_no_free_lunch():
    sliver, everything = rg.sliver_accuracies(2)
    assert set(sliver) == set(rg.learners())
    assert all(v == 0.5 for v in everything.values())
    assert sliver["Find-S"] + sliver["anti-Find-S"] == pytest.approx(1.0, abs=1e-12)
    sliver["Find-S"] = 0.0  # a copy: the cache is untouched
    assert rg.sliver_accuracies(2)[0]["Find-S"] > 0.5
