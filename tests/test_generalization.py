"""unsup.generalization: label corruption, fitting to zero error, interpolants, no-free-lunch."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from unsup import generalization as gen

# --- labels and the memorization experiment -------------------------------------------------


def test_corrupt_labels_extremes_and_rate():
    y = np.arange(10).repeat(500)
    assert np.array_equal(gen.corrupt_labels(y, 0.0, seed=3), y)
    random = gen.corrupt_labels(y, 1.0, seed=3)
    # a random class equals the true one with probability 1/10
    assert abs(np.mean(random == y) - 0.1) < 0.02
    assert set(np.unique(random)) == set(range(10))
    half = gen.corrupt_labels(y, 0.5, seed=3)
    # P(label changes) = p (1 - 1/K) = 0.45
    assert abs(np.mean(half != y) - 0.45) < 0.03


def test_corrupt_labels_are_nested_across_fractions():
    y = np.random.default_rng(0).integers(0, 10, 2000)
    low, high = gen.corrupt_labels(y, 0.3, seed=5), gen.corrupt_labels(y, 0.7, seed=5)
    changed_low = low != y
    # every label changed at fraction 0.3 is changed, to the same class, at 0.7
    assert np.array_equal(high[changed_low], low[changed_low])


@pytest.mark.parametrize("bad, match", [
    (dict(fraction=1.5), "fraction"),
    (dict(fraction=-0.1), "fraction"),
    (dict(labels=np.array([0, 10])), "labels"),
    (dict(labels=np.zeros((2, 2), int)), "labels"),
    (dict(labels=np.array([0.5, 1.0])), "labels"),
])
def test_corrupt_labels_rejects_bad_input(bad, match):
    args = dict(labels=np.array([0, 1, 2]), fraction=0.5) | bad
    with pytest.raises(ValueError, match=match):
        gen.corrupt_labels(**args)


def test_mlp_init_scale_multiplies_every_parameter():
    a, b = gen.mlp(seed=4), gen.mlp(init_scale=3.0, seed=4)
    for pa, pb in zip(a.parameters(), b.parameters()):
        assert torch.allclose(3.0 * pa, pb)
    with pytest.raises(ValueError, match="init_scale"):
        gen.mlp(init_scale=0.0)


def _toy(n=60, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 8)).astype(np.float32)
    return x, (x[:, 0] > 0).astype(np.int64)


def test_fit_until_interpolation_reaches_zero_error_on_any_labels():
    x, y = _toy()
    xt, yt = _toy(40, seed=1)
    real = gen.fit_until_interpolation(x, y, xt, yt, hidden=64, seed=0)
    rand = gen.fit_until_interpolation(x, gen.corrupt_labels(y, 1.0, n_classes=2, seed=2), xt,
                                       yt, hidden=64, seed=0)
    for h in (real, rand):
        assert h.epochs_to_fit is not None and h.final_train_error == 0.0
        assert len(h.train_error) == len(h.test_accuracy) == h.epochs_to_fit + 1
        assert h.train_predictions.shape == (60,) and h.test_predictions.shape == (40,)
    assert np.array_equal(real.train_predictions, y)
    assert real.final_test_accuracy == np.mean(real.test_predictions == yt)
    assert real.final_test_accuracy > 0.8
    # deterministic given the seed
    again = gen.fit_until_interpolation(x, y, xt, yt, hidden=64, seed=0)
    assert again.epochs_to_fit == real.epochs_to_fit
    assert np.array_equal(again.train_loss, real.train_loss)


def test_fit_until_interpolation_reports_a_budget_that_ran_out():
    x, y = _toy()
    h = gen.fit_until_interpolation(x, gen.corrupt_labels(y, 1.0, n_classes=2, seed=2), x, y,
                                    hidden=4, max_epochs=3)
    assert h.epochs_to_fit is None and len(h.train_error) == 4 and h.final_train_error > 0


def test_fit_until_interpolation_rejects_bad_input():
    x, y = _toy()
    with pytest.raises(ValueError, match="one row per label"):
        gen.fit_until_interpolation(x, y[:-1], x, y)
    with pytest.raises(ValueError, match="columns"):
        gen.fit_until_interpolation(x, y, x[:, :3], y)
    with pytest.raises(ValueError, match="labels must lie"):
        gen.fit_until_interpolation(x, y + 5, x, y, n_classes=3)
    with pytest.raises(ValueError, match="lr"):
        gen.fit_until_interpolation(x, y, x, y, lr=0.0)


def test_nearest_neighbour_memorizes_and_matches_a_direct_search():
    rng = np.random.default_rng(0)
    x, xt = rng.standard_normal((50, 3)), rng.standard_normal((20, 3))
    y, yt = rng.integers(0, 4, 50), rng.integers(0, 4, 20)
    assert gen.nearest_neighbour_accuracy(x, y, x, y) == 1.0  # zero training error
    idx = gen.nearest_neighbour_index(x, xt)
    direct = [np.argmin(((x - row) ** 2).sum(1)) for row in xt]
    assert np.array_equal(idx, direct)
    assert gen.nearest_neighbour_accuracy(x, y, xt, yt) == np.mean(y[direct] == yt)
    with pytest.raises(ValueError, match="columns"):
        gen.nearest_neighbour_index(x, xt[:, :2])


def test_nearest_neighbour_expected_accuracy_under_corruption():
    """E[acc] = (1 - p) a0 + p / K, averaged over many corruption draws."""
    rng = np.random.default_rng(1)
    x, xt = rng.standard_normal((300, 2)), rng.standard_normal((200, 2))
    y, yt = (x[:, 0] > 0).astype(int) * 2, (xt[:, 0] > 0).astype(int) * 2  # classes 0 and 2 of K=4
    a0 = gen.nearest_neighbour_accuracy(x, y, xt, yt)
    idx = gen.nearest_neighbour_index(x, xt)
    p = 0.6
    draws = [np.mean(gen.corrupt_labels(y, p, n_classes=4, seed=s)[idx] == yt) for s in range(300)]
    assert np.mean(draws) == pytest.approx((1 - p) * a0 + p / 4, abs=0.01)


def test_label_noise_sweep_on_a_toy_problem():
    x, y = _toy()
    sweep = gen.label_noise_sweep(x, y, x, y, (0.0, 1.0), hidden=64)
    assert sweep.fractions == (0.0, 1.0) and len(sweep.histories) == 2
    assert np.isfinite(sweep.epochs_to_fit).all() and sweep.test_accuracy[0] == 1.0
    assert sweep.nearest_neighbour[0] == 1.0
    assert np.array_equal(sweep.train_labels[1], gen.corrupt_labels(y, 1.0, seed=1))
    with pytest.raises(ValueError, match="fractions"):
        gen.label_noise_sweep(x, y, x, y, ())


def test_binomial_interval_contains_the_mean_and_shrinks():
    low, high = gen.binomial_interval(359, 0.1)
    assert low < 0.1 < high
    low2, high2 = gen.binomial_interval(3590, 0.1)
    assert high2 - low2 < high - low
    with pytest.raises(ValueError, match="level"):
        gen.binomial_interval(10, 0.1, level=1.0)


def test_parity_signs_are_uniform_for_uniform_labels():
    y = np.random.default_rng(0).integers(0, 10, 20000)
    s = gen.parity_signs(y)
    assert set(np.unique(s)) == {-1, 1} and abs(s.mean()) < 0.03
    with pytest.raises(ValueError, match="integers"):
        gen.parity_signs(np.array([0.5]))


# --- interpolating least squares ------------------------------------------------------------


@pytest.fixture(scope="module")
def problem():
    return gen.interpolation_problem()


def test_random_fourier_features_approximate_the_gaussian_kernel():
    feats = gen.RandomFourierFeatures(n_features=20000, scale=2.0, seed=1)
    x = np.array([-0.5, 0.0, 0.3])
    phi = feats(x)
    exact = np.exp(-(2.0**2) * (x[:, None] - x[None, :]) ** 2 / 2)
    assert np.abs(phi @ phi.T - exact).max() < 0.03
    with pytest.raises(ValueError, match="1-D"):
        feats(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="scale"):
        gen.RandomFourierFeatures(scale=-1.0)


def test_interpolation_problem_shapes(problem):
    assert problem.phi_train.shape == (10, 200) and problem.phi_test.shape == (1001, 200)
    assert np.all(np.diff(problem.x_train) > 0) and np.abs(problem.x_train).max() <= 1
    assert np.allclose(problem.y_test, gen.smooth_target(problem.x_test))
    with pytest.raises(ValueError, match="smaller than n_features"):
        gen.interpolation_problem(n_train=20, n_features=10)


def test_min_norm_solution_is_the_pseudo_inverse_and_interpolates(problem):
    phi, y = problem.phi_train, problem.y_train
    w = gen.min_norm_solution(phi, y)
    assert np.allclose(w, phi.T @ np.linalg.solve(phi @ phi.T, y), atol=1e-8)
    assert gen.mse(phi, w, y) < 1e-25
    basis = gen.null_space_basis(phi)
    assert basis.shape == (200, 190)
    assert np.abs(phi @ basis).max() < 1e-12
    assert np.allclose(basis.T @ basis, np.eye(190), atol=1e-10)
    # every other interpolant w + N c is longer
    c = np.random.default_rng(0).standard_normal(190)
    other = w + basis @ c
    assert gen.mse(phi, other, y) < 1e-25
    assert np.linalg.norm(other) ** 2 == pytest.approx(np.linalg.norm(w) ** 2 + c @ c)


def test_gradient_descent_converges_to_the_pseudo_inverse_from_zero(problem):
    phi, y = problem.phi_train, problem.y_train
    run = gen.gradient_descent(phi, y, steps=5000)
    w = gen.min_norm_solution(phi, y)
    assert np.linalg.norm(run.weights - w) < 1e-10 * np.linalg.norm(w)
    assert run.null_drift.max() < 1e-12
    assert np.all(np.diff(run.loss) <= 1e-18)  # monotone with step 1/lambda_max


def test_gradient_descent_from_w0_converges_to_gd_limit(problem):
    phi, y = problem.phi_train, problem.y_train
    w0 = np.random.default_rng(3).standard_normal(200)
    run = gen.gradient_descent(phi, y, w0, steps=5000)
    limit = gen.gd_limit(phi, y, w0)
    assert np.linalg.norm(run.weights - limit) < 1e-9 * np.linalg.norm(limit)
    # the limit is the interpolant closest to w0
    basis = gen.null_space_basis(phi)
    shifted = limit + basis @ np.random.default_rng(4).standard_normal(190) * 0.1
    assert np.linalg.norm(limit - w0) < np.linalg.norm(shifted - w0)


def test_gradient_descent_rejects_a_divergent_step(problem):
    with pytest.raises(ValueError, match="lr"):
        gen.gradient_descent(problem.phi_train, problem.y_train, lr=100.0)
    with pytest.raises(ValueError, match="w0"):
        gen.gradient_descent(problem.phi_train, problem.y_train, np.zeros(3))
    with pytest.raises(ValueError, match="phi"):
        gen.min_norm_solution(np.zeros(3), np.zeros(3))


def test_best_interpolant_interpolates_and_beats_min_norm(problem):
    phi, y = problem.phi_train, problem.y_train
    best = gen.best_interpolant(problem)
    w = gen.min_norm_solution(phi, y)
    assert gen.mse(phi, best, y) < 1e-20
    assert gen.mse(problem.phi_test, best, problem.y_test) <= gen.mse(problem.phi_test, w,
                                                                        problem.y_test)
    assert np.linalg.norm(best) >= np.linalg.norm(w)


@given(st.integers(2, 6), st.integers(7, 12), st.integers(0, 1000))
def test_gd_limit_is_an_interpolant_for_any_full_row_rank_matrix(n, d, seed):
    rng = np.random.default_rng(seed)
    phi, y, w0 = rng.standard_normal((n, d)), rng.standard_normal(n), rng.standard_normal(d)
    limit = gen.gd_limit(phi, y, w0)
    assert np.allclose(phi @ limit, y, atol=1e-8)
    # and it differs from the min-norm solution only by w0's null-space component
    diff = limit - gen.min_norm_solution(phi, y)
    assert np.allclose(phi @ diff, 0, atol=1e-8)


# --- no free lunch ----------------------------------------------------------------------------


def test_truth_tables_and_conjunctions():
    tables = gen.all_truth_tables(3)
    assert tables.shape == (256, 8) and len({t.tobytes() for t in tables}) == 256
    conj = gen.conjunction_tables(3)
    assert conj.shape == (27, 8) and len({t.tobytes() for t in conj}) == 27
    x = gen.bit_inputs(3)
    # x1 AND NOT x3 (variables ordered x1 x2 x3 = MSB first) is one of them
    target = (x[:, 0] == 1) & (x[:, 2] == 0)
    assert any(np.array_equal(c, target) for c in conj)
    assert np.array_equal(conj[0], np.ones(8))  # the empty conjunction
    with pytest.raises(ValueError, match="n_bits"):
        gen.all_truth_tables(5)


def test_find_s_recovers_a_conjunction_from_all_its_positives():
    x = gen.bit_inputs(4)
    target = ((x[:, 1] == 1) & (x[:, 3] == 0)).astype(np.uint8)
    idx = np.arange(16)
    pred = gen.find_s(x, idx, target[None])
    assert np.array_equal(pred[0], target)
    # no positive example: constant 0
    assert gen.find_s(x, np.array([0, 1]), np.zeros((1, 2), np.uint8)).sum() == 0


def test_learners_agree_with_the_training_labels_they_were_given():
    x = gen.bit_inputs(3)
    idx = np.array([1, 4, 6])
    labels = np.array([[1, 0, 1], [0, 1, 1]], np.uint8)
    for learner in (gen.nearest_neighbour_bits, gen.anti(gen.nearest_neighbour_bits)):
        assert np.array_equal(learner(x, idx, labels)[:, idx], labels)
    flipped = gen.anti(gen.constant_zero)(x, idx, labels)
    off = np.setdiff1d(np.arange(8), idx)
    assert np.all(flipped[:, off] == 1) and flipped.__class__ is np.ndarray


@pytest.mark.parametrize("learner", [gen.find_s, gen.nearest_neighbour_bits, gen.constant_zero,
                                     gen.anti(gen.find_s)])
def test_no_free_lunch_off_the_training_set(learner):
    """Averaged over every target, any learner is right on exactly half the unseen inputs."""
    tables = gen.all_truth_tables(3)
    for idx in ([0], [1, 2, 7], [0, 3, 5, 6, 7]):
        correct, total = gen.off_training_set_accuracy(learner, tables, 3, idx)
        assert 2 * correct == total


def test_consistent_completions_count():
    tables = gen.all_truth_tables(3)
    idx = np.array([0, 5, 6])
    for labels in itertools.product([0, 1], repeat=3):
        assert len(gen.consistent_completions(tables, idx, labels)) == 2 ** (8 - 3)
    with pytest.raises(ValueError, match="train_labels"):
        gen.consistent_completions(tables, idx, [0, 1])


def test_off_training_set_accuracy_rejects_bad_indices():
    tables = gen.all_truth_tables(2)
    with pytest.raises(ValueError, match="train_idx"):
        gen.off_training_set_accuracy(gen.find_s, tables, 2, [4])
    with pytest.raises(ValueError, match="tables"):
        gen.off_training_set_accuracy(gen.find_s, tables[:, :3], 2, [0])


def test_min_prompt_bits_by_enumeration():
    for n_tasks in range(1, 200):
        length = 0
        while 2 ** (length + 1) - 1 < n_tasks:  # binary strings of length <= L
            length += 1
        assert gen.min_prompt_bits(n_tasks) == length
    assert gen.min_prompt_bits(2 ** 2**10) == 2**10  # all boolean functions of 10 bits
    assert gen.min_prompt_bits(3**10) == math.floor(10 * math.log2(3))
    with pytest.raises(ValueError, match="n_tasks"):
        gen.min_prompt_bits(0)


def test_fitting_runs_on_one_thread_and_restores_the_setting():
    x, y = _toy(20)
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        gen.fit_until_interpolation(x, y, x, y, hidden=8, max_epochs=2)
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)


def test_null_space_explorer_setup_matches_the_package():
    from unsup.figures.generalization import DIRECTIONS, null_space_setup

    s = null_space_setup()
    p = s.problem
    w = gen.min_norm_solution(p.phi_train, p.y_train)
    assert set(s.vectors) == set(DIRECTIONS)
    for name, v in s.vectors.items():
        assert np.abs(p.phi_train @ v).max() < 1e-10  # a null-space direction
        t = 1.7
        direct = gen.mse(p.phi_test, w + t * v, p.y_test)
        assert np.mean((s.test_residual + t * s.test_direction[name]) ** 2) == pytest.approx(direct)
    assert np.allclose(w + s.vectors["toward the best interpolant"], gen.best_interpolant(p))
    assert s.train_mse_max < 1e-20
