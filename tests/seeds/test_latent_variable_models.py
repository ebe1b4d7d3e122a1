"""Multi-seed tests of the chapter 'Latent-variable and generative models'.

Every claim of the chapter on a trained or sampled result, over seeds 0..4, with the rule the
chapter's check uses (``unsup.chapters.latent_variable_models`` measures each for one seed).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.stats import norm

from unsup.chapters import latent_variable_models as lvm
from unsup.seeds import assert_room

CHAPTER = "latent_variable_models"


def test_linear_autoencoder_finds_pca(spreads):
    s = spreads(CHAPTER, lvm.linear_autoencoder)
    assert_room(s["max_angle_deg"], 0.0, atol=0.5)
    assert_room(s["max_projection_error"], 0.0, atol=1e-2)
    assert_room(s["max_ed_minus_identity"], 0.0, atol=1e-3)
    assert_room(s["loss_over_discarded"], 1.0, rtol=1e-3)


def test_vae_bounds(spreads):
    s = spreads(CHAPTER, lvm.vae_bounds)
    assert_room(s["elbo_minus_iw1000"], 0.0, relation="<=")
    assert_room(s["iw_min_rise"], 0.0, relation=">")
    assert_room(s["iw1_vs_elbo_z"], 0.0, atol=4.0)
    assert_room(s["vae_bpd"], 1.0, relation="<")


def test_vae_quadrature(spreads):
    s = spreads(CHAPTER, lvm.vae_quadrature)
    assert_room(s["q_mass_error"], 0.0, atol=1e-6)
    assert_room(s["identity_error"], 0.0, atol=0.05)
    assert_room(s["min_kl"], 0.0, relation=">=")
    assert_room(s["iw1000_error"], 0.0, atol=0.3)


def test_quadratic_estimators(spreads):
    s = spreads(CHAPTER, lvm.quadratic_estimators)
    truth = 2 * (1.0 - 3.0)
    assert_room(s["reparam_mean"], truth, rtol=0.02)
    assert_room(s["score_mean"], truth, rtol=0.02)
    assert_room(s["variance_ratio"], 10.0, relation=">")


def test_vae_gradient_estimators(spreads):
    s = spreads(CHAPTER, lvm.vae_gradients)
    assert_room(s["max_abs_z"], 0.0, atol=4.0)
    assert_room(s["min_variance_ratio"], 10.0, relation=">")


def test_blur(spreads):
    s = spreads(CHAPTER, lvm.blur)
    assert_room(s["average_over_nearest"], 1.0, relation="<")
    data_greyness = lvm.greyness(lvm.digits().train)
    assert data_greyness == 0.0
    assert_room(s["greyness"], data_greyness, relation=">")


def test_autoregressive(spreads):
    s = spreads(CHAPTER, lvm.autoregressive)
    assert_room(s["prefix_mass"], 1.0, atol=1e-4)
    assert_room(s["ppl_over_2_bpd"], 1.0, rtol=1e-6)
    assert_room(s["log_ppl_over_nll_per_dim"], 1.0, rtol=1e-6)
    assert_room(s["slides_over_nll_per_dim"], 1.0, relation="<")
    assert_room(s["ar_bpd"], 1.0, relation="<")


def test_flow_samples(spreads):
    s = spreads(CHAPTER, lvm.flow_samples)
    rate = norm.cdf((np.arcsinh(1.0) - 0.4) / 0.7)
    assert_room(s["below_one_rate"], rate, atol=0.002)
    assert_room(s["max_logdet_error"], 0.0, atol=1e-10)


def test_infonce(spreads):
    s = spreads(CHAPTER, lvm.infonce)
    assert_room(s["max_over_log_k"], 0.0, relation="<=")
    assert_room(s["max_over_mi"], 0.05, relation="<=")
    assert_room(s["k2_gap"], 0.0, atol=0.15)
    assert_room(s["k1024_gap"], 0.0, atol=0.1)
    assert_room(s["min_opt_minus_bilinear"], 0.0, relation=">=")


def test_gan(spreads):
    s = spreads(CHAPTER, lvm.gan)
    assert_room(s["max_mean_error"], 0.0, atol=0.05)
    assert_room(s["linear_spread_gap"], 0.2, relation=">")
    assert_room(s["quadratic_spread"], 0.5, atol=0.05)
    assert_room(s["lipschitz_spread"], 0.5, atol=0.05)


def test_true_mutual_information_of_the_infonce_example():
    # the chapter states I(X;Y) = -d/2 log(1 - rho^2) for rho = 0.9, d = 3
    assert math.isclose(-1.5 * math.log(1 - 0.81), 2.491, abs_tol=1e-3)
