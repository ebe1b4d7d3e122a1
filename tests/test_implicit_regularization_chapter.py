"""Unit tests of unsup.chapters.implicit_regularization: helpers and per-seed experiments."""

import numpy as np
import pytest

from unsup.chapters import implicit_regularization as ir
from unsup.dynamics import flows as fl


def test_tilts_sum_to_zero_so_the_batches_average_to_the_valley():
    np.testing.assert_allclose(np.sum(ir.TILTS, axis=0), 0.0, atol=1e-15)
    full, valley = fl.mean_loss(ir.valley_batches()), fl.valley_loss()
    for w in ir.probe_points(3)[:5]:
        assert full.value(w) == pytest.approx(valley.value(w), abs=1e-14)


def test_probe_points_are_seeded_and_in_the_square():
    a, b = ir.probe_points(0), ir.probe_points(1)
    assert a.shape == (ir.N_PROBES, 2) and np.abs(a).max() <= 1.5
    np.testing.assert_array_equal(a, ir.probe_points(0))
    assert not np.array_equal(a, b)


def test_variance_identity_holds_and_the_literal_form_fails():
    result = ir.variance_identity(0)
    assert set(result) == {"identity_error", "essay_form_log10_gap"}
    assert result["identity_error"] < 1e-12
    assert result["essay_form_log10_gap"] > 0     # off by more than the term itself


def test_share_se_and_run_seeds():
    assert ir.share_se(4000) == pytest.approx(0.5 / np.sqrt(4000))
    with pytest.raises(ValueError, match="n must be"):
        ir.share_se(0)
    assert ir.run_seeds(0) == ir.run_seeds(0)
    assert len(set(ir.run_seeds(0)) | set(ir.run_seeds(1))) == 4


def test_basin_boundary_is_a_root_right_of_the_barrier():
    problem = fl.TwoMinima()
    for eps in ir.RATES:
        w = ir.basin_boundary(problem, eps)
        assert 0 < w < 1.5
        assert abs(problem.sgd_modified_grad(w, eps)) < 1e-10


def test_two_minima_is_repeatable_and_consistent_with_its_runs():
    first = ir.two_minima(0)
    runs = ir.two_minima_runs(0)
    assert runs.starts.shape == (ir.N_RUNS,)
    assert first["gd_split_gap"] == np.abs(runs.share_gd() - np.mean(runs.starts < 0)).max()
    lead = (runs.share_sgd() - runs.share_gd()).min() / ir.share_se(ir.N_RUNS)
    assert first["smallest_sgd_lead"] == pytest.approx(lead)
    ir.two_minima_runs.cache_clear()
    assert ir.two_minima(0) == first
