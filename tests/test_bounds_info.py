"""Tests of the information-theoretic part of unsup.bounds."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import quad
from scipy.stats import norm

from unsup import bounds as b
from unsup import divergences as dv


def test_bound_formula_and_the_bounded_loss_constant():
    assert b.mi_generalization_bound(0.8, 10, 2.0) == pytest.approx(np.sqrt(2 * 4 * 0.8 / 10))
    assert b.mi_bound_bounded_loss(0.8, 10) == pytest.approx(np.sqrt(0.8 / 20))
    assert b.mi_bound_bounded_loss(0.8, 10, -1, 1) == pytest.approx(np.sqrt(2 * 0.8 / 10))
    # sqrt(I / n) is the sub-Gaussian bound with sigma^2 = 1/2
    assert b.mi_generalization_bound(0.8, 10, np.sqrt(0.5)) == pytest.approx(np.sqrt(0.08))
    assert b.mi_generalization_bound(np.inf, 10, 1.0) == np.inf


def test_gaussian_mean_mi_matches_the_entropy_difference():
    n, s, tau = 7, 1.3, 0.4
    var_w = s**2 / n + tau**2
    expected = 0.5 * np.log(var_w) - 0.5 * np.log(tau**2)  # h(W) - h(W | D)
    assert b.gaussian_mean_mi(n, s, tau) == pytest.approx(expected)
    single = b.gaussian_mean_single_mi(n, s, tau)
    assert 0 < single <= b.gaussian_mean_mi(n, s, tau)
    # individual-sample bound is never looser
    ind = b.individual_sample_bound(np.full(n, single), 0.5)
    assert ind <= b.mi_bound_bounded_loss(b.gaussian_mean_mi(n, s, tau), n)


def test_gaussian_mean_losses_against_quadrature():
    n, s, tau, h = 5, 1.0, 0.3, 0.8
    train, test = b.gaussian_mean_losses(n, s, tau, h)
    for var, value in ((s**2 * (1 - 1 / n) + tau**2, train), (s**2 * (1 + 1 / n) + tau**2, test)):
        integral = quad(lambda u: (1 - np.exp(-u**2 / (2 * h**2))) * norm.pdf(u, 0, np.sqrt(var)),
                        -np.inf, np.inf)[0]
        assert value == pytest.approx(integral, rel=1e-8)


def test_simulated_gap_agrees_with_closed_form():
    train, test = b.gaussian_mean_losses(8, 1.0, 0.2)
    gap, se = b.simulate_gaussian_mean_gap(8, 1.0, 0.2, trials=40_000, seed=3)
    assert abs(gap - (test - train)) < 4 * se


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 500), s=st.floats(0.05, 10), tau=st.floats(1e-3, 10), h=st.floats(0.05, 10))
def test_the_bound_holds_in_random_cases(n, s, tau, h):
    train, test = b.gaussian_mean_losses(n, s, tau, h)
    bound = b.mi_bound_bounded_loss(b.gaussian_mean_mi(n, s, tau), n)
    assert test - train >= 0
    assert test - train <= bound + 1e-12
    single = b.gaussian_mean_single_mi(n, s, tau)
    assert test - train <= b.individual_sample_bound(np.full(n, single), 0.5) + 1e-12


def test_mutual_information_table():
    joint = np.array([[0.3, 0.2], [0.1, 0.4]])
    px, py = joint.sum(1), joint.sum(0)
    expected = sum(joint[i, j] * np.log(joint[i, j] / (px[i] * py[j]))
                   for i in range(2) for j in range(2))
    assert b.mutual_information_table(joint) == pytest.approx(expected)
    independent = np.outer([0.2, 0.8], [0.5, 0.25, 0.25])
    assert b.mutual_information_table(independent) == pytest.approx(0, abs=1e-15)


def test_coin_flip_information_is_the_js_divergence():
    # discrete outputs: I(Y; W) from the joint table equals JS of the two output laws
    p, q = np.array([0.5, 0.3, 0.2, 0.0]), np.array([0.1, 0.1, 0.3, 0.5])
    assert b.mutual_information_table(0.5 * np.vstack([p, q])) == pytest.approx(dv.js(p, q))
    a, c = np.array([0.0, 1.0]), np.array([0.5, 3.0])
    js = b.cloud_js(a, c, 0.4)
    mc, se = b.coin_flip_mi_monte_carlo(a, c, 0.4, samples=200_000, seed=1)
    assert abs(js - mc) < 4 * se + 1e-4


def test_disjoint_clouds_give_log2_and_noise_shrinks_it():
    a, c = b.sgd_reachable([0.13, 1.71], 0.5, 3), b.sgd_reachable([-0.4, 0.92], 0.5, 3)
    assert b.cloud_js(a, c) == pytest.approx(np.log(2))
    values = [b.cloud_js(a, c, s) for s in (0.01, 0.1, 1.0)]
    assert np.log(2) > values[0] > values[1] > values[2] > 0
    assert b.cloud_js(a, a, 0.3) == pytest.approx(0, abs=1e-12)


def test_sgd_reachable_enumerates_every_sequence():
    points = b.sgd_reachable([0.0, 1.0], 0.5, 2, start=0.0)
    assert sorted(points) == pytest.approx([0.0, 0.25, 0.5, 0.75])
    assert b.sgd_reachable([1.0, 2.0, 3.0], 0.1, 4).size == 81


def test_sgld_noise_std_matches_a_simulation():
    rng = np.random.default_rng(0)
    lr, steps, temp = 0.3, 5, 0.2
    w = np.zeros(200_000)
    for _ in range(steps):
        w = (1 - lr) * w + np.sqrt(2 * lr * temp) * rng.standard_normal(w.size)
    assert w.std() == pytest.approx(b.sgld_noise_std(lr, steps, temp), rel=0.01)


def test_plugin_mi_is_biased_upwards_by_about_bins_over_2n():
    a, c = np.array([0.0]), np.array([0.0])  # independent: true binned information is 0
    edges = np.linspace(-3, 3, 11)
    rng = np.random.default_rng(0)
    n = 2000
    estimates = [b.plugin_mi(rng.random(n) < 0.5, rng.standard_normal(n), edges)
                 for _ in range(300)]
    assert b.binned_cloud_mi(a, c, 1.0, edges) == pytest.approx(0, abs=1e-15)
    assert np.mean(estimates) == pytest.approx((edges.size - 2) / (2 * n), rel=0.15)


def test_catoni_bound_formula():
    assert b.catoni_bound(0.2, 1.5, 100, 10.0, 0.05) == pytest.approx(
        0.2 + (1.5 + np.log(20)) / 10 + 10 / 800)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: b.mi_generalization_bound(0.1, 0, 1.0), "n must be an integer >= 1"),
        (lambda: b.mi_generalization_bound(-0.1, 5, 1.0), "mutual_information must be >= 0"),
        (lambda: b.mi_generalization_bound(0.1, 5, 0.0), "sigma must be a finite number > 0"),
        (lambda: b.mi_generalization_bound(0.1, 5, -1.0), "sigma must be a finite number > 0"),
        (lambda: b.mi_bound_bounded_loss(0.1, 5, 1.0, 0.0), "high must be > low"),
        (lambda: b.individual_sample_bound([], 1.0), "single_mis must hold one value"),
        (lambda: b.gaussian_mean_mi(5, 1.0, 0.0), "noise_std must be a finite number > 0"),
        (lambda: b.gaussian_mean_mi(5, -1.0, 1.0), "data_std must be a finite number > 0"),
        (lambda: b.gaussian_mean_losses(5, 1.0, 1.0, 0.0), "width must be a finite number > 0"),
        (lambda: b.gaussian_mean_losses(5, 1.0, -1.0), "noise_std must be a finite number >= 0"),
        (lambda: b.mutual_information_table([[0.5, 0.6]]), "joint must sum to 1"),
        (lambda: b.mutual_information_table([[-0.1, 1.1]]), "joint has a negative entry"),
        (lambda: b.cloud_js([], [1.0]), "points_a must be a non-empty array"),
        (lambda: b.cloud_js([0.0], [1.0], -1.0), "noise_std must be a finite number >= 0"),
        (lambda: b.cloud_js([0.0], [10.0], 1e-7), "noise_std must be at least"),
        (lambda: b.plugin_mi([0, 1], [0.1], [0, 1]), "labels and values must be non-empty"),
        (lambda: b.sgd_reachable([0.0], 1.5, 2), r"lr must lie in \(0, 1\]"),
        (lambda: b.sgd_reachable([0.0], 0.5, 20), r"steps must be an integer in \[1, 12\]"),
        (lambda: b.sgld_noise_std(0.5, 3, 0.0), "temperature must be a finite number > 0"),
        (lambda: b.catoni_bound(0.1, -1.0, 10, 1.0), "kl must be >= 0"),
        (lambda: b.catoni_bound(0.1, 1.0, 10, 0.0), "lam must be a finite number > 0"),
        (lambda: b.catoni_bound(0.1, 1.0, 10, 1.0, 1.0), r"delta must lie in \(0, 1\)"),
    ],
)
def test_validation_messages(call, message):
    with pytest.raises(ValueError, match=message):
        call()
