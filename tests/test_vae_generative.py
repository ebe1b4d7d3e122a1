"""unsup.generative: linear autoencoders, gradient estimators, attention, AR models, flows,
InfoNCE and IPM GANs, against closed forms."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from scipy.integrate import quad
from scipy.linalg import subspace_angles

from unsup import generative as gen

torch.set_num_threads(1)


def test_linear_autoencoder_finds_the_principal_subspace():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((500, 6)) * np.array([3.0, 2.0, 1.0, 0.3, 0.2, 0.1])
    x = (x - x.mean(0)) @ np.linalg.qr(rng.standard_normal((6, 6)))[0]
    enc, dec, losses = gen.train_linear_autoencoder(x, 2, steps=1500, lr=0.05)
    eigvals, eigvecs = np.linalg.eigh(x.T @ x / len(x))
    assert np.degrees(subspace_angles(dec, eigvecs[:, -2:])).max() < 0.1
    assert losses[-1] == pytest.approx(eigvals[:-2].sum(), rel=1e-4)


def test_gradient_estimators_are_unbiased_on_a_quadratic():
    rep, score = gen.gradient_estimators(lambda z: (z**2).sum(-1), [0.5, -1.0], [1.0, 0.5],
                                         40000, seed=0)
    truth = 2 * np.array([0.5, -1.0])
    np.testing.assert_allclose(rep.mean(0), truth, atol=0.03)
    np.testing.assert_allclose(score.mean(0), truth, atol=0.1)
    np.testing.assert_allclose(rep.var(0), 4 * np.array([1.0, 0.25]), rtol=0.05)  # Var 2 sigma eps
    assert (score.var(0) > 5 * rep.var(0)).all()


def test_soft_attention_limits():
    codebook = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]])
    w = np.array([1.0, 0.2])
    alpha, mix = gen.soft_attention(w, codebook, 1e-3)
    np.testing.assert_allclose(mix, gen.vector_quantize(w, codebook), atol=1e-12)
    alpha, mix = gen.soft_attention(w, codebook, 1e6)
    np.testing.assert_allclose(alpha, np.full(3, 1 / 3), atol=1e-5)


@given(st.floats(0.05, 20.0), st.floats(-3.0, 3.0))
def test_soft_attention_weights_are_a_softmax(temperature, angle):
    codebook = np.array([[1.0, 0.0], [0.0, 1.0], [-0.5, -0.5]])
    w = np.array([np.cos(angle), np.sin(angle)])
    alpha, mix = gen.soft_attention(w, codebook, temperature)
    expected = np.exp(codebook @ w / temperature)
    np.testing.assert_allclose(alpha, expected / expected.sum(), rtol=1e-10)
    np.testing.assert_allclose(mix, alpha @ codebook, rtol=1e-10)


def test_autoregressive_model_is_normalized_and_learns():
    rng = np.random.default_rng(1)
    first = rng.random(300) < 0.8
    x = np.stack([first, first, rng.random(300) < 0.3, ~first], 1).astype(np.float32)
    model = gen.train_autoregressive(x, epochs=30)
    everything = torch.tensor(list(itertools.product([0.0, 1.0], repeat=4)))
    with torch.no_grad():
        assert model.log_prob(everything).exp().sum().item() == pytest.approx(1.0, abs=1e-5)
        assert -model.log_prob(torch.as_tensor(x)).mean().item() < 4 * math.log(2) - 1.0


def test_sinh_flow_density_integrates_to_one_and_matches_a_closed_case():
    total, _ = quad(lambda v: math.exp(gen.sinh_flow_logpdf(v, 0.8, 0.3)), -np.inf, np.inf)
    assert total == pytest.approx(1.0, abs=1e-8)
    # x = sinh(u): the density is phi(arsinh x) / sqrt(1 + x^2)
    xs = np.linspace(-3, 3, 7)
    expected = -0.5 * np.arcsinh(xs) ** 2 - 0.5 * np.log(2 * np.pi) - 0.5 * np.log1p(xs**2)
    np.testing.assert_allclose(gen.sinh_flow_logpdf(xs, 1.0, 0.0), expected, rtol=1e-12)


def test_coupling_flow_inverse_and_log_det():
    u = torch.randn(50, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    x, log_det = gen.coupling_flow(u)
    torch.testing.assert_close(gen.coupling_flow_inverse(x), u)
    jac = torch.stack([torch.autograd.functional.jacobian(lambda v: gen.coupling_flow(v)[0], ui)
                       for ui in u])
    torch.testing.assert_close(torch.linalg.slogdet(jac)[1], log_det)


def test_gaussian_critic_is_the_log_density_ratio():
    from scipy.stats import multivariate_normal as mvn
    rho, x, y = 0.6, np.array([[0.3, -1.0]]), np.array([[1.2, 0.4]])
    cond = mvn(rho * x[0], (1 - rho**2) * np.eye(2)).logpdf(y[0])
    expected = cond - mvn(np.zeros(2)).logpdf(y[0])
    assert gen.gaussian_critic(x, y, rho)[0, 0] == pytest.approx(expected)


def test_infonce_is_at_most_log_k_and_below_the_mutual_information():
    rho, dim = 0.8, 2
    x, y = gen.correlated_gaussians(64 * 32, dim, rho, seed=0)
    x, y = x.reshape(32, 64, dim), y.reshape(32, 64, dim)
    estimate = gen.infonce_bound(gen.gaussian_critic(x, y, rho))
    assert estimate <= math.log(64)
    assert 0.5 < estimate <= -dim / 2 * math.log(1 - rho**2) + 0.05


def test_infonce_on_independent_pairs_is_at_most_zero():
    """I(X;Y) = 0: any critic gives a bound <= 0 (up to Monte Carlo error); the optimal one ~ 0."""
    x, y = gen.correlated_gaussians(4096, 2, 0.0, seed=1)
    x, y = x.reshape(64, 64, 2), y.reshape(64, 64, 2)
    assert gen.infonce_bound(x @ y.transpose(0, 2, 1)) < 0.02
    assert abs(gen.infonce_bound(gen.gaussian_critic(x, y, 0.0))) < 1e-12


def test_ipm_gan_matches_moments_its_critics_see():
    real = np.random.default_rng(0).normal(-1.0, 2.0, 3000)
    a, b, history = gen.ipm_gan(real, "quadratic", steps=300, lr=0.1)
    assert b == pytest.approx(-1.0, abs=0.1) and abs(a) == pytest.approx(2.0, abs=0.1)
    assert history[-1] < history[0]


@pytest.mark.parametrize("call, message", [
    (lambda: gen.train_linear_autoencoder(np.zeros((4, 3)), 3), "rank must be < the dimension 3"),
    (lambda: gen.train_linear_autoencoder(np.zeros((4, 3)), 0), "rank must be an integer >= 1"),
    (lambda: gen.gradient_estimators(lambda z: z.sum(-1), 0.0, 0.0, 5), "sigma must be > 0"),
    (lambda: gen.gradient_estimators(lambda z: z.sum(-1), 0.0, 1.0, 0),
     "n must be an integer >= 1"),
    (lambda: gen.soft_attention([1.0, 0.0], np.eye(2), 0.0), "temperature must be > 0, got 0.0"),
    (lambda: gen.soft_attention([1.0], np.eye(2), 1.0), r"query must have shape \(2,\)"),
    (lambda: gen.train_autoregressive(np.full((3, 2), 0.5)), "x must be binary"),
    (lambda: gen.train_autoregressive(np.zeros((3, 2)), epochs=0),
     "epochs must be an integer >= 1"),
    (lambda: gen.FullyVisibleSBN(0), "dim must be an integer >= 1, got 0"),
    (lambda: gen.train_linear_autoencoder(np.zeros((4, 3)), 1, steps=0),
     "steps must be an integer >= 1, got 0"),
    (lambda: gen.sinh_flow_logpdf(0.0, 0.0, 0.0), "a must be > 0, got 0.0"),
    (lambda: gen.correlated_gaussians(3, 1, 1.0), r"rho must lie in \(-1, 1\), got 1.0"),
    (lambda: gen.infonce_bound(np.zeros((2, 3, 4))), r"scores must have shape \(B, K, K\)"),
    (lambda: gen.ipm_gan([0.0, 1.0], "mmd"), "critic must be 'linear', 'quadratic' or"),
])
def test_validation(call, message):
    with pytest.raises(ValueError, match=message):
        call()
