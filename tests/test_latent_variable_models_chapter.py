"""unsup.chapters.latent_variable_models: helpers, and the learning-rate decay it relies on."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from unsup import generative as gen
from unsup.chapters import latent_variable_models as lvm
from unsup.seeds import load_spreads


def test_sub_seed_keeps_the_offset_for_seed_zero_and_separates_seeds():
    assert lvm.sub_seed(0, 7) == 7
    seeds = {lvm.sub_seed(s, o) for s in range(5) for o in (1, 2, 3, 1024)}
    assert len(seeds) == 20
    with pytest.raises(ValueError, match="seed"):
        lvm.sub_seed(-1, 1)
    with pytest.raises(ValueError, match="offset"):
        lvm.sub_seed(0, 10_000)


def test_z_score_of_a_known_offset():
    a = np.array([1.0, 2.0, 3.0, 4.0])
    se = a.std(ddof=1) / 2
    assert lvm.z_score(a) == pytest.approx(2.5 / se)
    assert lvm.z_score(a, a) == 0.0
    with pytest.raises(ValueError, match="constant"):
        lvm.z_score(np.ones(5))


def test_iw_group_estimates_average_disjoint_groups():
    log_w = torch.log(torch.tensor([[1.0], [3.0], [2.0], [6.0]]))  # 4 weights, 1 example
    est = lvm.iw_group_estimates(log_w, (1, 2, 4))
    assert est[1][0] == pytest.approx(np.mean(np.log([1.0, 3.0, 2.0, 6.0])))
    assert est[2][0] == pytest.approx((math.log(2.0) + math.log(4.0)) / 2)
    assert est[4][0] == pytest.approx(math.log(3.0))
    with pytest.raises(ValueError, match="divide"):
        lvm.iw_group_estimates(log_w, (3,))


def test_iw_group_estimates_rise_with_k_in_expectation():
    # log-normal weights: E log mean of K weights rises with K (Jensen)
    log_w = torch.randn(4000, 50, generator=torch.Generator().manual_seed(0),
                        dtype=torch.float64)
    est = lvm.iw_group_estimates(log_w, (1, 10, 100, 1000))
    means = [est[k].mean() for k in (1, 10, 100, 1000)]
    assert np.all(np.diff(means) > 0)
    assert means[-1] < 0.5  # below log E w = 1/2


def test_greyness():
    assert lvm.greyness(np.array([0.0, 1.0, 1.0])) == 0.0
    assert lvm.greyness(np.full(4, 0.5)) == 0.25


def test_stored_spreads_hold_every_experiment_key_once():
    # all experiments store their spreads in one file, so a key shared by two would be lost
    stored = load_spreads("latent_variable_models")
    cheap = [lvm.quadratic_estimators(0), lvm.flow_samples(0)]
    assert all(k in stored for run in cheap for k in run)
    assert len(stored) == 35  # 4 + 4 + 4 + 3 + 2 + 2 + 5 + 2 + 5 + 4 quantities


def test_quadratic_estimators_repeat_bit_for_bit():
    lvm.quadratic_estimators_run.cache_clear()
    first = lvm.quadratic_estimators(1)
    lvm.quadratic_estimators_run.cache_clear()
    assert lvm.quadratic_estimators(1) == first
    assert first["reparam_mean"] == pytest.approx(-4.0, rel=0.01)


def test_lr_final_decays_and_none_keeps_the_old_result():
    x = np.random.default_rng(0).standard_normal((200, 6))
    x -= x.mean(0)
    _, _, constant = gen.train_linear_autoencoder(x, 2, steps=50, lr=0.02, seed=0)
    _, _, same = gen.train_linear_autoencoder(x, 2, steps=50, lr=0.02, seed=0, lr_final=None)
    assert constant == same
    _, _, decayed = gen.train_linear_autoencoder(x, 2, steps=50, lr=0.02, seed=0, lr_final=1e-4)
    assert decayed[:1] == constant[:1] and decayed != constant
    with pytest.raises(ValueError, match="lr_final"):
        gen.train_linear_autoencoder(x, 2, steps=5, lr=0.02, lr_final=0.1)


def test_ipm_gan_with_decay_settles_the_quadratic_spread():
    real = np.random.default_rng(0).normal(2.0, 0.5, 4000)
    a, b, _ = gen.ipm_gan(real, "quadratic", steps=400, lr=0.05, seed=1, lr_final=0.002)
    assert abs(abs(a) - 0.5) < 0.05 and abs(b - 2.0) < 0.05


def test_linear_autoencoder_leaves_torch_state_alone():
    threads = torch.get_num_threads()
    state = torch.random.get_rng_state()
    lvm.linear_autoencoder_run(0, rank=2, steps=5)
    assert torch.get_num_threads() == threads
    assert torch.equal(torch.random.get_rng_state(), state)
