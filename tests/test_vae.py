"""The VAE module: shapes, determinism, closed forms, the ELBO <= log p(x) relation, validation."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import multivariate_normal, norm
from sklearn.metrics import mutual_info_score

from unsup import vae
from unsup.sprites import digits, sprites

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def small_data():
    return digits().train[:256]


@pytest.fixture(scope="module")
def trained(small_data):
    return vae.train_vae(small_data, latent_dim=2, hidden=(16,), epochs=4, progress=False)


def test_shapes(small_data, trained):
    model, history = trained
    x = torch.as_tensor(small_data[:5])
    mu, logvar = model.encode(x)
    assert mu.shape == logvar.shape == (5, 2)
    assert model.decode(mu).shape == (5, 64)
    assert model.log_px_given_z(x, vae.reparametrize(mu, logvar, 7)).shape == (7, 5)
    assert vae.elbo(model, small_data[:5]).shape == (5,)
    assert vae.iw_log_likelihood(model, small_data[:5], 10).shape == (5,)
    assert len(history.recon) == len(history.kl) == len(history.elbo) == 4
    np.testing.assert_allclose(history.elbo, np.subtract(history.recon, history.kl))


def test_training_is_deterministic_with_a_seed(small_data):
    runs = [vae.train_vae(small_data, 2, hidden=(8,), epochs=2, seed=3, progress=False)
            for _ in range(2)]
    assert runs[0][1] == runs[1][1]
    for a, b in zip(runs[0][0].parameters(), runs[1][0].parameters()):
        assert torch.equal(a, b)
    other = vae.train_vae(small_data, 2, hidden=(8,), epochs=2, seed=4, progress=False)[1]
    assert other != runs[0][1]


def test_training_works_inside_no_grad(small_data):
    """Cached explorers may train a model on first use from inside a no-grad block."""
    with torch.no_grad():
        _, history = vae.train_vae(small_data, 2, hidden=(8,), epochs=2, progress=False)
    assert history.elbo[-1] > history.elbo[0]


def test_training_improves_the_elbo(small_data):
    _, history = vae.train_vae(small_data, 2, hidden=(16,), epochs=6, progress=False)
    assert history.elbo[-1] > history.elbo[0] + 5


def test_elbo_below_importance_weighted_estimate(small_data, trained):
    model, _ = trained
    x = small_data[:64]
    bounds = [vae.iw_log_likelihood(model, x, k, seed=1).mean() for k in (1, 10, 200)]
    assert vae.elbo(model, x, n_samples=200).mean() <= bounds[2]
    assert bounds[0] <= bounds[1] <= bounds[2]


def test_iw_estimate_converges_to_quadrature(trained, small_data):
    """With a 2-D latent, log p(x) = log of the integral of p(x|z) p(z) on a fine grid."""
    model, _ = trained
    x = torch.as_tensor(small_data[:3])
    grid = torch.linspace(-6, 6, 241)
    zz = torch.cartesian_prod(grid, grid)
    with torch.no_grad():
        log_joint = model.log_px_given_z(x, zz[:, None, :]).double() + torch.tensor(
            multivariate_normal(np.zeros(2)).logpdf(zz.numpy()))[:, None]
    cell = float(grid[1] - grid[0]) ** 2
    exact = torch.logsumexp(log_joint, 0).numpy() + math.log(cell)
    estimate = vae.iw_log_likelihood(model, small_data[:3], 5000, seed=2)
    np.testing.assert_allclose(estimate, exact, atol=0.05)
    assert np.all(vae.elbo(model, small_data[:3], 2000) <= exact)


def test_kl_to_standard_normal_matches_torch_distributions():
    mu, logvar = torch.randn(6, 3, dtype=torch.float64), torch.randn(6, 3, dtype=torch.float64)
    q = torch.distributions.Normal(mu, (0.5 * logvar).exp())
    p = torch.distributions.Normal(torch.zeros(3, dtype=torch.float64), 1.0)
    expected = torch.distributions.kl_divergence(q, p).sum(-1)
    torch.testing.assert_close(vae.kl_to_standard_normal(mu, logvar), expected)


def test_gaussian_log_density_matches_scipy():
    z, mu, logvar = np.random.default_rng(0).standard_normal((3, 4, 2))
    expected = norm.logpdf(z, mu, np.exp(0.5 * logvar)).sum(-1)
    got = vae.gaussian_log_density(*(torch.tensor(a) for a in (z, mu, logvar)))
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-12)


def test_gaussian_decoder_log_likelihood_matches_scipy():
    torch.manual_seed(0)
    model = vae.VAE(5, 2, hidden=(), likelihood="gaussian", decoder_scale=0.3).double()
    x, z = torch.randn(4, 5, dtype=torch.float64), torch.randn(4, 2, dtype=torch.float64)
    mean = model.decode(z).detach().numpy()
    expected = norm.logpdf(x.numpy(), mean, 0.3).sum(-1)
    np.testing.assert_allclose(model.log_px_given_z(x, z).detach().numpy(), expected, rtol=1e-12)


def test_reparametrized_samples_have_the_right_moments():
    mu, logvar = torch.tensor([[1.0, -2.0]]), torch.tensor([[0.0, math.log(4.0)]])
    z = vae.reparametrize(mu, logvar, 20000, torch.Generator().manual_seed(0))
    torch.testing.assert_close(z.mean((0, 1)), mu[0], atol=0.05, rtol=0)
    torch.testing.assert_close(z.std((0, 1)), torch.tensor([1.0, 2.0]), atol=0.05, rtol=0)


def test_log_aggregate_posterior_is_a_log_mean_exp():
    rng = np.random.default_rng(1)
    mu, logvar = rng.standard_normal((3, 2)), rng.standard_normal((3, 2))
    z = rng.standard_normal((4, 2))
    dens = np.array([[multivariate_normal(m, np.diag(np.exp(lv))).pdf(zi) for m, lv in
                      zip(mu, logvar)] for zi in z])
    np.testing.assert_allclose(vae.log_aggregate_posterior(z, mu, logvar),
                               np.log(dens.mean(1)), rtol=1e-10)


def test_info_terms_satisfy_the_infomax_identity(trained, small_data):
    terms = vae.info_terms(trained[0], small_data, n_samples=8)
    se = math.hypot(terms.mutual_info_se, terms.aggregate_kl_se)
    assert abs(terms.aggregate_kl - (terms.mean_kl - terms.mutual_info)) < 4 * se + 0.02
    assert 0 <= terms.mutual_info <= math.log(len(small_data)) + 4 * terms.mutual_info_se


def test_mutual_information_of_a_deterministic_encoder_approaches_log_n():
    """Far-apart encodings with tiny variance: every z identifies its x, so I = log N."""
    mu = np.arange(10.0)[:, None] * np.array([[10.0, 0.0]])
    logvar = np.full_like(mu, -8.0)
    z = mu + np.exp(-4.0) * np.random.default_rng(0).standard_normal(mu.shape)
    log_q_own = vae.gaussian_log_density(*(torch.tensor(a) for a in (z, mu, logvar))).numpy()
    mi = np.mean(log_q_own - vae.log_aggregate_posterior(z, mu, logvar))
    assert mi == pytest.approx(np.log(10), abs=1e-9)


@given(st.lists(st.integers(0, 3), min_size=2, max_size=40), st.integers(0, 1000))
def test_discrete_mutual_information_matches_sklearn(a, seed):
    b = np.random.default_rng(seed).integers(0, 3, len(a))
    expected = mutual_info_score(a, b)
    assert vae.discrete_mutual_information(a, b) == pytest.approx(expected, abs=1e-12)


def test_mig_perfect_and_entangled_codes():
    data = sprites(size=10)
    perfect = data.factors.astype(float)
    assert vae.mig(perfect, data.factors) == pytest.approx(1.0)
    duplicated = np.concatenate([perfect, perfect], axis=1)  # two codes per factor: no gap
    assert vae.mig(duplicated, data.factors) == pytest.approx(0.0)
    mixed = perfect @ np.random.default_rng(0).standard_normal((4, 4))
    assert 0 <= vae.mig(mixed, data.factors) < 0.5


# --- validation -------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs, message", [
    ({"beta": -0.1}, r"beta must be a finite number >= 0, got -0.1"),
    ({"beta": float("nan")}, "beta must be a finite number >= 0"),
    ({"latent_dim": 0}, r"latent_dim must be an integer >= 1, got 0"),
    ({"epochs": 0}, r"epochs must be an integer >= 1, got 0"),
    ({"batch_size": 0}, r"batch_size must be an integer >= 1"),
])
def test_train_vae_rejects_bad_hyperparameters(small_data, kwargs, message):
    args = {"latent_dim": 2} | kwargs
    with pytest.raises(ValueError, match=message):
        vae.train_vae(small_data, progress=False, **args)


@pytest.mark.parametrize("x, message", [
    (np.zeros(5), r"x must be a non-empty 2-D array \(n, input_dim\), got shape \(5,\)"),
    (np.zeros((0, 4)), "x must be a non-empty 2-D array"),
    (np.array([[0.0, np.nan]]), r"x must contain only finite values \(found NaN or inf\)"),
    (np.array([[0.0, np.inf]]), "x must contain only finite values"),
    (np.array([[0.0, 2.0]]), r"x must lie in \[0, 1\] for a Bernoulli decoder"),
])
def test_train_vae_rejects_bad_data(x, message):
    with pytest.raises(ValueError, match=message):
        vae.train_vae(x, 1, progress=False)


def test_evaluation_rejects_wrong_width(trained):
    message = r"x must have 64 columns \(the model's input_dim\), got 10"
    with pytest.raises(ValueError, match=message):
        vae.elbo(trained[0], np.zeros((3, 10)))
    with pytest.raises(ValueError, match=r"n_samples must be an integer >= 1, got 0"):
        vae.iw_log_likelihood(trained[0], np.zeros((3, 64)), 0)


@pytest.mark.parametrize("kwargs, message", [
    ({"input_dim": 0, "latent_dim": 2}, r"input_dim must be an integer >= 1, got 0"),
    ({"input_dim": 4, "latent_dim": 0}, r"latent_dim must be an integer >= 1, got 0"),
    ({"input_dim": 4, "latent_dim": 2, "likelihood": "poisson"}, "likelihood must be one of"),
    ({"input_dim": 4, "latent_dim": 2, "decoder_scale": 0.0}, r"decoder_scale must be > 0"),
])
def test_vae_constructor_validation(kwargs, message):
    with pytest.raises(ValueError, match=message):
        vae.VAE(**kwargs)


def test_estimator_validation():
    with pytest.raises(ValueError, match="z, mu and logvar must share the latent axis"):
        vae.log_aggregate_posterior(np.zeros((2, 3)), np.zeros((4, 2)), np.zeros((4, 2)))
    with pytest.raises(ValueError, match="a and b must be non-empty 1-D arrays of equal length"):
        vae.discrete_mutual_information([0, 1], [0])
    with pytest.raises(ValueError, match=r"codes must be a 2-D array \(n, latent_dim\)"):
        vae.discretize(np.zeros(4))
    with pytest.raises(ValueError, match="n_bins must be >= 2"):
        vae.discretize(np.zeros((4, 2)), n_bins=1)
    with pytest.raises(ValueError, match="factors must be a 2-D array with one row per code"):
        vae.mig(np.zeros((4, 2)), np.zeros(4))
    with pytest.raises(ValueError, match="mig needs at least two latent codes"):
        vae.mig(np.arange(4.0)[:, None], np.zeros((4, 1)))
