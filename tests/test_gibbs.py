"""Tests of unsup.gibbs: Gibbs posteriors against conjugate closed forms and their properties."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm

from unsup import divergences as dv
from unsup import gibbs as g

GRID = np.linspace(-14, 16, 12001)  # wide: the posterior sd is at most sqrt(2)


def normal_prior(mean, var):
    mass = norm.pdf(GRID, mean, np.sqrt(var))
    return mass / mass.sum()


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 40), noise_var=st.floats(0.3, 3),
       w=st.floats(0.2, 3))
def test_log_loss_gives_the_conjugate_posterior(seed, n, noise_var, w):
    x = np.random.default_rng(seed).normal(1.0, np.sqrt(noise_var), n)
    post = g.gibbs_posterior(GRID, x, g.gaussian_log_loss(noise_var), w, normal_prior(0.5, 2.0))
    mean, var = g.gibbs_gaussian(x, noise_var, 0.5, 2.0, w)
    got_mean, got_sd = g.grid_mean_sd(GRID, post)
    assert got_mean == pytest.approx(mean, abs=1e-6)
    assert got_sd == pytest.approx(np.sqrt(var), rel=1e-4)


def test_w_one_is_bayes_rule_with_the_likelihood():
    x = np.array([0.3, 1.2, -0.4])
    prior = normal_prior(0.0, 1.0)
    likelihood = np.prod(norm.pdf(x[None, :], GRID[:, None], 1.0), axis=1)
    bayes = likelihood * prior / np.sum(likelihood * prior)
    np.testing.assert_allclose(g.gibbs_posterior(GRID, x, g.gaussian_log_loss(1.0), 1.0, prior),
                               bayes, atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_coherence_order_and_batching(seed):
    rng = np.random.default_rng(seed)
    x1, x2 = rng.normal(size=3), rng.normal(size=2)
    prior = normal_prior(0.0, 3.0)
    def update(data, belief):
        return g.gibbs_posterior(GRID, data, g.absolute_loss, 0.7, belief)

    seq12, seq21 = update(x2, update(x1, prior)), update(x1, update(x2, prior))
    both = update(np.concatenate([x1, x2]), prior)
    np.testing.assert_allclose(seq12, both, atol=1e-12)
    np.testing.assert_allclose(seq21, both, atol=1e-12)


def test_max_pooling_is_order_free_but_not_sequential():
    x = np.array([-1.0, 0.5, 2.0])
    prior = normal_prior(0.0, 3.0)
    batch = g.max_pooled_posterior(GRID, x, g.absolute_loss, 1.0, prior)
    reversed_ = g.max_pooled_posterior(GRID, x[::-1], g.absolute_loss, 1.0, prior)
    np.testing.assert_allclose(batch, reversed_, atol=1e-14)
    sequential = prior
    for xi in x:
        sequential = g.max_pooled_posterior(GRID, [xi], g.absolute_loss, 1.0, sequential)
    assert dv.tv(sequential, batch) > 0.05
    # fed back one point at a time, it is the sum rule
    sum_rule = g.gibbs_posterior(GRID, x, g.absolute_loss, 1.0, prior)
    np.testing.assert_allclose(sequential, sum_rule, atol=1e-12)


def test_gibbs_posterior_minimizes_the_objective():
    rng = np.random.default_rng(0)
    x = rng.normal(size=10)
    prior = normal_prior(0.0, 2.0)
    total = g.loss_matrix(GRID, x, g.absolute_loss).sum(axis=1)
    post = g.gibbs_posterior(GRID, x, g.absolute_loss, 0.5, prior)
    best = g.gibbs_objective(post, prior, total, 0.5)
    log_z = np.log(np.sum(prior * np.exp(-0.5 * (total - total.min())))) - 0.5 * total.min()
    assert best == pytest.approx(-log_z, rel=1e-10)
    for _ in range(50):
        nu = post * np.exp(0.3 * rng.normal(size=GRID.size))
        nu /= nu.sum()
        value = g.gibbs_objective(nu, prior, total, 0.5)
        assert value - best == pytest.approx(dv.kl(nu, post), rel=1e-8, abs=1e-12)


def test_absolute_loss_mode_is_the_sample_median():
    x = np.random.default_rng(5).standard_normal(31)
    post = g.gibbs_posterior(GRID, x, g.absolute_loss)
    assert abs(GRID[post.argmax()] - np.median(x)) <= GRID[1] - GRID[0]
    assert g.bootstrap_medians(x, 500, 1).shape == (500,)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: g.gibbs_posterior(GRID, [1.0], g.absolute_loss, 0.0), "w must be a finite"),
        (lambda: g.gibbs_posterior(GRID, [1.0], g.absolute_loss, -1.0), "w must be a finite"),
        (lambda: g.gibbs_posterior(GRID, [1.0], g.absolute_loss, 1.0, np.ones(GRID.size)),
         "prior must sum to 1"),
        (lambda: g.gibbs_posterior(GRID, [1.0], g.absolute_loss, 1.0,
                                   np.r_[-0.5, 1.5, np.zeros(GRID.size - 2)]),
         "prior has a negative entry"),
        (lambda: g.gibbs_posterior(GRID, [1.0], g.absolute_loss, 1.0, [0.5, 0.5]),
         "prior must have one mass per grid point"),
        (lambda: g.gibbs_posterior(GRID, [], g.absolute_loss), "data must hold at least one"),
        (lambda: g.gibbs_posterior([0.0], [1.0], g.absolute_loss), "theta must be a 1-D grid"),
        (lambda: g.gibbs_posterior(GRID, [1.0], lambda t, x: np.zeros(3)),
         "loss must return one value"),
        (lambda: g.gaussian_log_loss(0.0), "noise_var must be a finite number > 0"),
        (lambda: g.gibbs_gaussian([1.0], 1.0, 0.0, -1.0), "prior_var must be a finite number > 0"),
        (lambda: g.gibbs_objective([0.5, 0.5], [0.5, 0.5], [1.0, 2.0, 3.0]),
         "must be 1-D of one shape"),
        (lambda: g.bootstrap_medians([1.0], 0), "reps must be an integer >= 1"),
    ],
)
def test_validation_messages(call, message):
    with pytest.raises(ValueError, match=message):
        call()
